import { describe, expect, it } from 'vitest';
import { WebhookUrlPolicy } from './webhook-url.js';

describe('webhook URL policy', () => {
  const policy = new WebhookUrlPolicy([], ['10.0.0.0/8']);

  it('accepts http(s) URLs to ordinary hosts and addresses', () => {
    for (const url of ['https://api.netlify.com/build_hooks/abc', 'http://127.0.0.1:8080/hook', 'http://[::1]/x']) {
      expect(policy.checkUrl(url), url).toBeUndefined();
    }
  });

  it('refuses other schemes, credentials, metadata and denied addresses (also IPv4-mapped)', () => {
    for (const url of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://user:pass@example.com/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://10.1.2.3/',
      'not a url',
      '',
    ]) {
      expect(policy.checkUrl(url), url).toBeTypeOf('string');
    }
  });

  it('answers a URL checked again (as every delivery attempt does) as the first time, past its memory of 1 000 URLs', () => {
    const fresh = new WebhookUrlPolicy([], ['10.0.0.0/8']);
    const urls = ['http://10.1.2.3/a', 'http://127.0.0.1:8080/hook', 'ftp://example.com/x'];
    const first = urls.map((u) => fresh.checkUrl(u));
    expect(first.map((w) => w === undefined)).toEqual([false, true, false]);
    for (let i = 0; i < 1500; i++) fresh.checkUrl(`http://example.com/${i}`);
    for (let round = 0; round < 2; round++) expect(urls.map((u) => fresh.checkUrl(u))).toEqual(first);
  });

  it('FLOTILLA_WEBHOOK_ALLOW lets a named address through', () => {
    const allowing = new WebhookUrlPolicy(['169.254.10.0/24'], []);
    expect(allowing.checkUrl('http://169.254.10.5/')).toBeUndefined();
    expect(allowing.checkUrl('http://169.254.169.254/')).toBeTypeOf('string');
  });

  it('the delivery lookup refuses a host name that resolves to a denied address', async () => {
    const denyLoopback = new WebhookUrlPolicy([], ['127.0.0.0/8', '::1/128']);
    const err = await new Promise<Error | null>((resolve) => denyLoopback.lookup('localhost', {}, (e) => resolve(e)));
    expect(err?.message).toMatch(/not allowed/);
    const ok = await new Promise<string>((resolve, reject) =>
      policy.lookup('localhost', {}, (e, a) => (e ? reject(e) : resolve(a as string))),
    );
    expect(['127.0.0.1', '::1']).toContain(ok);
  });
});
