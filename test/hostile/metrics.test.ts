import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ctd, text } from '../support/fixtures.js';
import { parseProm } from '../support/prometheus.js';
import { rawRequest } from '../support/raw-http.js';
import { panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

const TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const PROXY = '192.0.2.99';
const SCRAPER = '10.1.2.3';

const scrape = (t: TestApp, o: { headers?: Record<string, string>; remoteAddress?: string; url?: string } = {}) =>
  t.app.server.inject({ method: 'GET', url: o.url ?? '/metrics', headers: o.headers ?? {}, remoteAddress: o.remoteAddress });

/** Attacks on /metrics: who may scrape it, and what a scrape may reveal. SQLite: nothing here depends on the dialect. */
describe('hostile /metrics', () => {
  const tokenOnly = useTestApp('sqlite', { FLOTILLA_METRICS: 'on', FLOTILLA_METRICS_TOKEN: TOKEN });
  const networks = useTestApp('sqlite', {
    FLOTILLA_METRICS: 'on',
    FLOTILLA_METRICS_TOKEN: TOKEN,
    FLOTILLA_METRICS_ALLOW: '10.0.0.0/8',
    FLOTILLA_TRUST_PROXY: PROXY,
  });
  const off = useTestApp('sqlite', { FLOTILLA_METRICS_TOKEN: TOKEN, FLOTILLA_METRICS_ALLOW: '0.0.0.0/0' });

  beforeAll(async () => {
    const t = tokenOnly();
    expect(
      (await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd('alpha', { title: text() }) })).statusCode,
    ).toBe(200);
  });

  it('refuses a scrape without the token, with a wrong one, or with anything else that authenticates elsewhere', async () => {
    const t = tokenOnly();
    const session = await panelLogin(t);
    const attempts: [string, Record<string, string>, string?][] = [
      ['no credentials', {}],
      ['a wrong token', { authorization: `Bearer ${'x'.repeat(TOKEN.length)}` }],
      ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
      ['the token and more', { authorization: `Bearer ${TOKEN}x` }],
      ['the token as Basic credentials', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
      ['the token in X-AUTH-TOKEN', { 'x-auth-token': TOKEN }],
      ['the token in the query', {}, `/metrics?auth_token=${TOKEN}`],
      ['the read-write key as bearer', { authorization: `Bearer ${t.rw}` }],
      ['the read-write key in X-AUTH-TOKEN', { 'x-auth-token': t.rw }],
      ['the read-only key', { 'x-auth-token': t.ro }],
      ['a Panel session', { cookie: session.cookie, 'x-csrf-token': session.csrf }],
    ];
    for (const [what, headers, url] of attempts) {
      const res = await scrape(t, { headers, url });
      expect(res.statusCode, what).toBe(401);
      expect(res.headers['www-authenticate'], what).toBe('Bearer realm="metrics"');
      expect(res.json(), what).toEqual({ code: 401, message: 'Unauthorized' });
      expect(res.body, what).not.toContain('flotilla_');
    }
    // HEAD shares the GET route's decision
    const head = await t.app.server.inject({ method: 'HEAD', url: '/metrics', headers: { 'x-auth-token': t.rw } });
    expect(head.statusCode).toBe(401);
    const ok = await scrape(t, { headers: { authorization: `bearer  ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('flotilla_http_requests_total');
  });

  it('two Authorization headers (the token and another) are refused, whichever comes first', async () => {
    const server = tokenOnly().app.server;
    if (!server.server.listening) await server.listen({ port: 0, host: '127.0.0.1' });
    const port = (server.server.address() as AddressInfo).port;
    const send = (values: string[]) =>
      rawRequest(
        port,
        'GET',
        '/metrics',
        values.map((v) => ['Authorization', v]),
      );
    expect((await send([`Bearer ${TOKEN}`])).status).toBe(200);
    expect((await send([`Bearer ${TOKEN}`, 'Bearer wrong-wrong-wrong'])).status).toBe(401);
    expect((await send(['Bearer wrong-wrong-wrong', `Bearer ${TOKEN}`])).status).toBe(401);
  });

  it('with allowed networks, the client address must be in them as well: forwarded addresses only from trusted proxies', async () => {
    const t = networks();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await scrape(t, { headers: auth, remoteAddress: SCRAPER })).statusCode).toBe(200);
    expect((await scrape(t, { headers: { authorization: 'Bearer wrong-wrong-wrong' }, remoteAddress: SCRAPER })).statusCode).toBe(
      401,
    );
    expect((await scrape(t, { headers: auth, remoteAddress: '127.0.0.1' })).statusCode).toBe(403);
    expect((await scrape(t, { headers: auth, remoteAddress: '8.8.8.8' })).statusCode).toBe(403);
    // a client naming itself through X-Forwarded-For is not believed; the trusted proxy is
    expect((await scrape(t, { headers: { ...auth, 'x-forwarded-for': SCRAPER }, remoteAddress: '8.8.8.8' })).statusCode).toBe(
      403,
    );
    expect((await scrape(t, { headers: { ...auth, 'x-forwarded-for': SCRAPER }, remoteAddress: PROXY })).statusCode).toBe(200);
    expect((await scrape(t, { headers: { ...auth, 'x-forwarded-for': '8.8.8.8' }, remoteAddress: PROXY })).statusCode).toBe(403);
    // a key of the app grants nothing here either
    expect((await scrape(t, { headers: { 'x-auth-token': t.rw }, remoteAddress: SCRAPER })).statusCode).toBe(401);
  });

  it('metrics cannot be switched on unprotected, nor with a short token or a malformed network', () => {
    expect(() => loadConfig({ FLOTILLA_METRICS: 'on' })).toThrow(/FLOTILLA_METRICS: on needs FLOTILLA_METRICS_TOKEN/);
    expect(() => loadConfig({ FLOTILLA_METRICS: 'on', FLOTILLA_METRICS_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(() => loadConfig({ FLOTILLA_METRICS: 'on', FLOTILLA_METRICS_ALLOW: '10.0.0.0/33' })).toThrow(/FLOTILLA_METRICS_ALLOW/);
    expect(() => loadConfig({ FLOTILLA_METRICS: 'maybe', FLOTILLA_METRICS_TOKEN: TOKEN })).toThrow(/FLOTILLA_METRICS/);
    expect(loadConfig({}).metrics.enabled).toBe(false);
    expect(loadConfig({ FLOTILLA_METRICS: 'on', FLOTILLA_METRICS_ALLOW: '10.0.0.0/8' }).metrics).toEqual({
      enabled: true,
      token: undefined,
      allow: ['10.0.0.0/8'],
    });
  });

  it('while FLOTILLA_METRICS is off, /metrics does not exist for anyone', async () => {
    const t = off();
    const tries: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }, { 'x-auth-token': t.rw }];
    for (const headers of tries) {
      const res = await scrape(t, { headers, remoteAddress: SCRAPER });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 404, message: 'Not found' });
    }
  });

  it('a scrape holds no key, no token and nothing of the URLs asked: ids, types, queries and paths stay out', async () => {
    const t = tokenOnly();
    const marker = `zq${randomBytes(6).toString('hex')}`;
    const requests: InjectOptions[] = [
      { method: 'GET', url: `/api/v1/content/alpha/${marker}id`, headers: { 'x-auth-token': t.rw } },
      { method: 'GET', url: `/api/v1/content/${marker}type`, headers: { 'x-auth-token': t.ro } },
      { method: 'GET', url: `/api/v1/content/alpha?filters=${marker}filter&auth_token=${t.rw}` },
      { method: 'GET', url: `/api/v1/content/alpha?auth_token=${encodeURIComponent(t.ro)}` },
      { method: 'GET', url: `/${marker}path/${t.rw}` },
      { method: 'GET', url: `/api/${marker}api` },
      { method: 'DELETE', url: `/panel/api/keys/${marker}key` },
      { method: 'GET', url: `/image/0x0/${marker}img.png` },
      { method: 'GET', url: `/metrics?${marker}q=1`, headers: { authorization: `Bearer ${marker}` } },
    ];
    for (const r of requests) await t.app.server.inject(r);
    const res = await scrape(t, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    for (const secret of [t.rw, t.ro, TOKEN, marker]) expect(res.body).not.toContain(secret);
    // the requests did register, under patterns
    const routes = new Set(parseProm(res.body).samples.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    expect(routes).toContain('/api/v1/content/:type/:id');
    expect(routes).toContain('/api/v1/content/:type');
    expect(routes).toContain('(unmatched)');
  });

  it('label cardinality stays bounded whatever URLs are asked', async () => {
    const t = tokenOnly();
    const series = async () => {
      const res = await scrape(t, { headers: { authorization: `Bearer ${TOKEN}` } });
      return parseProm(res.body).samples.filter((s) => s.name.startsWith('flotilla_http_')).length;
    };
    const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = randomBytes(5).toString('hex');
        const urls = [
          `/api/v1/content/alpha/${r}`,
          `/api/v1/content/${r}`,
          `/${r}`,
          `/api/${r}/${r}`,
          `/image/${i}x${i}/${r}.png`,
          `/api/v1/content/alpha?page=${i}&${r}=1`,
        ];
        await t.app.server.inject({
          method: METHODS[i % METHODS.length],
          url: urls[i % urls.length],
          headers: { 'x-auth-token': t.rw },
        });
      }
    };
    // every method × URL shape once, so every series these requests can make exists
    await burst(METHODS.length * 6);
    const first = await series();
    await burst(300);
    expect(await series()).toBe(first);
  });
});
