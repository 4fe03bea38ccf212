import { BlockList, isIP } from 'node:net';

/** Most entries a key's network or origin list may hold. */
export const MAX_LIMIT_ENTRIES = 100;

/**
 * A CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a single address, written canonically (a bare address gets its
 * full prefix), or undefined when the text is neither.
 */
export function canonicalNetwork(text: string): string | undefined {
  const m = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const family = isIP(m[1]);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const bits = m[2] === undefined ? max : Number(m[2]);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || (m[2] !== undefined && m[2] !== String(bits))) return undefined;
  return `${m[1].toLowerCase()}/${bits}`;
}

/**
 * An origin as browsers send it (`scheme://host[:port]`, lowercase, no default port, no path or slash), or
 * undefined. `null` (sandboxed frames, file: pages) is never an origin a key can be limited to.
 */
export function canonicalOrigin(text: string): string | undefined {
  const t = text.trim();
  // scheme, host and port only: "https://site.example/" or "https://site.example/path" is not an origin
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@*\\]+$/.test(t)) return undefined;
  try {
    const u = new URL(t);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

const compiled = new Map<string, BlockList>();

/** The BlockList of a key's networks (compiled once per distinct list; lists are short and few). */
function blockListOf(networks: readonly string[]): BlockList {
  const id = networks.join(',');
  let list = compiled.get(id);
  if (!list) {
    list = new BlockList();
    for (const n of networks) {
      const [address, bits] = n.split('/');
      list.addSubnet(address, Number(bits), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(id, list);
  }
  return list;
}

/** Is the client address (as Fastify found it: the socket's, or a trusted proxy's X-Forwarded-For) in one of the networks? */
export function inNetworks(networks: readonly string[], ip: string | undefined): boolean {
  if (!ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.1.2.3) and the reverse
  return blockListOf(networks).check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
