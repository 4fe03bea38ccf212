import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Link-local and cloud metadata addresses: a webhook must not be a way to read the host's instance credentials. */
export const BUILT_IN_DENY = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [address, bits] = c.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/**
 * Where webhooks may be sent. An address is refused when it is in the built-in link-local/metadata ranges or in
 * FLOTILLA_WEBHOOK_DENY, unless FLOTILLA_WEBHOOK_ALLOW names it. Checked when a webhook is saved (for a literal
 * address) and again for every address a host name resolves to at delivery, on the connection actually made.
 */
export class WebhookUrlPolicy {
  private readonly deny: BlockList;
  private readonly allow: BlockList;
  /**
   * checkUrl's answers by URL (up to 1 000 URLs of up to 2 KiB): a delivery checks its webhook's URL at every attempt,
   * and the lists never change.
   */
  private readonly checked = new Map<string, string | undefined>();

  constructor(
    /** FLOTILLA_WEBHOOK_ALLOW and FLOTILLA_WEBHOOK_DENY as given (the sending thread builds its own policy of them). */
    readonly allowed: readonly string[],
    readonly denied: readonly string[],
  ) {
    this.deny = blockListOf([...BUILT_IN_DENY, ...denied]);
    this.allow = blockListOf(allowed);
  }

  /** Why this address may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const plain = mapped ? mapped[1] : address;
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.allow.check(plain, family)) return undefined;
    if (this.deny.check(plain, family)) return `The address ${plain} is not allowed for webhooks (FLOTILLA_WEBHOOK_ALLOW)`;
    return undefined;
  }

  /** Checks a URL as saved: http(s) only, and a literal address must be allowed. */
  checkUrl(raw: unknown): string | undefined {
    if (typeof raw !== 'string' || raw.trim() === '') return 'A webhook needs a URL';
    if (this.checked.has(raw)) return this.checked.get(raw);
    const why = this.check(raw);
    if (raw.length <= 2048) {
      if (this.checked.size >= 1000) this.checked.clear();
      this.checked.set(raw, why);
    }
    return why;
  }

  private check(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'This value is not a valid URL.';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Webhook URLs must start with http:// or https://';
    if (url.username || url.password) return 'Webhook URLs may not carry credentials; use a header instead';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return isIP(host) ? this.refusal(host) : undefined;
  }

  /** A `lookup` for http.request that connects only to allowed addresses (no DNS rebinding around the check). */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as unknown as LookupAddress[];
      const ok = list.filter((a) => this.refusal(a.address) === undefined);
      if (ok.length === 0) {
        const why = list.length > 0 ? this.refusal(list[0].address) : `${hostname} has no address`;
        return callback(Object.assign(new Error(why), { code: 'EWEBHOOKDENIED' }), '', 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      callback(null, ok[0].address, ok[0].family);
    });
  };
}
