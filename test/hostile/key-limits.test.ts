import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { rawRequest } from '../support/raw-http.js';
import { panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

interface KeyView {
  id: string;
  key: string;
  previousValidUntil: string | null;
}

const PROXY = '192.0.2.99';

/** Attempts to use a limited, expired or rotated key from where it must not work. */
describe.each(dialectsUnderTest())('hostile key limits on %s', (dialect) => {
  const plain = useTestApp(dialect);
  const proxied = useTestApp(dialect, { FLOTILLA_TRUST_PROXY: PROXY });
  const sessions = new Map<TestApp, { cookie: string; csrf: string }>();

  const create = async (t: TestApp, body: Record<string, unknown>) => {
    const res = await panelCall(t, sessions.get(t)!, 'POST', '/panel/api/keys', {
      name: `k${Math.random()}`,
      rules: [{ ctdName: 'page', canRead: true }],
      ...body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as KeyView;
  };
  const get = (t: TestApp, key: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.server.inject({
      method: 'GET',
      url: '/api/v1/content/page',
      remoteAddress,
      headers: { 'x-auth-token': key, ...headers },
    });

  beforeAll(async () => {
    for (const t of [plain(), proxied()]) {
      expect(
        (await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd('page', { title: text() }) })).statusCode,
      ).toBe(200);
      sessions.set(t, await panelLogin(t));
    }
  });

  describe('client networks', () => {
    it('X-Forwarded-For from a client when no proxy is trusted changes nothing', async () => {
      const k = await create(plain(), { allowedNetworks: ['10.0.0.0/8'] });
      for (const xff of ['10.0.0.1', '10.0.0.1, 10.0.0.2', '127.0.0.1, 10.0.0.1']) {
        expect((await get(plain(), k.key, '203.0.113.5', { 'x-forwarded-for': xff })).statusCode, xff).toBe(403);
      }
      for (const h of ['x-real-ip', 'forwarded', 'x-client-ip', 'true-client-ip']) {
        const v = h === 'forwarded' ? 'for=10.0.0.1' : '10.0.0.1';
        expect((await get(plain(), k.key, '203.0.113.5', { [h]: v })).statusCode, h).toBe(403);
      }
    });

    it('behind the trusted proxy, an address the client prepends to X-Forwarded-For is not believed', async () => {
      const k = await create(proxied(), { allowedNetworks: ['10.0.0.0/8'] });
      // the proxy appends the address it saw (203.0.113.5); the client wrote 10.0.0.1 itself
      expect((await get(proxied(), k.key, PROXY, { 'x-forwarded-for': '10.0.0.1, 203.0.113.5' })).statusCode).toBe(403);
      expect((await get(proxied(), k.key, PROXY, { 'x-forwarded-for': '203.0.113.5, 10.0.0.1' })).statusCode).toBe(200);
      // a client that is not the proxy cannot claim to be one
      expect((await get(proxied(), k.key, '203.0.113.5', { 'x-forwarded-for': '10.0.0.1' })).statusCode).toBe(403);
    });

    it('IPv4-mapped IPv6 addresses match IPv4 ranges both ways, and nothing else does', async () => {
      const v4 = await create(plain(), { allowedNetworks: ['10.0.0.0/8'] });
      expect((await get(plain(), v4.key, '::ffff:10.1.2.3')).statusCode).toBe(200);
      expect((await get(plain(), v4.key, '::ffff:127.0.0.1')).statusCode).toBe(403);
      expect((await get(plain(), v4.key, '::10.1.2.3')).statusCode).toBe(403);
      expect((await get(plain(), v4.key, '::1')).statusCode).toBe(403);
      const mapped = await create(plain(), { allowedNetworks: ['::ffff:10.0.0.0/104'] });
      expect((await get(plain(), mapped.key, '10.1.2.3')).statusCode).toBe(200);
      expect((await get(plain(), mapped.key, '11.1.2.3')).statusCode).toBe(403);
    });

    it('malformed and prototype-named networks are field errors, never a 5xx', async () => {
      for (const bad of ['__proto__', 'constructor', '10.0.0.0/-1', '10.0.0.0/ 8', '10.0.0.256/8', '1.2.3.4/32\n5.6.7.8/0', '']) {
        const res = await panelCall(plain(), sessions.get(plain())!, 'POST', '/panel/api/keys', {
          name: 'n',
          rules: [],
          allowedNetworks: [bad],
        });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
      const many = await panelCall(plain(), sessions.get(plain())!, 'POST', '/panel/api/keys', {
        name: 'n',
        rules: [],
        allowedNetworks: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`),
      });
      expect(many.statusCode).toBe(400);
    });
  });

  describe('browser origins', () => {
    const site = 'https://site.example';
    it('null, other cases, trailing slashes, ports and schemes are other origins', async () => {
      const k = await create(plain(), { allowedOrigins: [site] });
      expect((await get(plain(), k.key, '127.0.0.1', { origin: site })).statusCode).toBe(200);
      for (const origin of [
        'null',
        'HTTPS://SITE.EXAMPLE',
        'https://Site.example',
        `${site}/`,
        `${site}:443`,
        `${site}:8443`,
        'http://site.example',
        'https://site.example.evil.example',
        'https://evil.example/https://site.example',
        `${site}@evil.example`,
        ' https://site.example',
        '',
      ]) {
        const res = await get(plain(), k.key, '127.0.0.1', { origin });
        expect(res.statusCode, JSON.stringify(origin)).toBe(403);
        expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      }
    });

    it('duplicated Origin headers: every one must be listed', async () => {
      const k = await create(plain(), { allowedOrigins: [site] });
      const server = plain().app.server;
      if (!server.server.listening) await server.listen({ port: 0, host: '127.0.0.1' });
      const port = (server.server.address() as AddressInfo).port;
      const send = (origins: string[]) =>
        rawRequest(port, 'GET', '/api/v1/content/page', [
          ['X-AUTH-TOKEN', k.key],
          ...origins.map((o) => ['Origin', o] as [string, string]),
        ]);
      expect((await send([site])).status).toBe(200);
      expect((await send([site, site])).status).toBe(200);
      expect((await send([site, 'https://evil.example'])).status).toBe(403);
      expect((await send(['https://evil.example', site])).status).toBe(403);
      expect((await send([`${site}, https://evil.example`])).status).toBe(403);
    });

    it('prototype names and non-origins are refused when saved', async () => {
      for (const bad of [['__proto__'], ['constructor'], ['null'], [{}], 'https://site.example', [site.toUpperCase() + '/x']]) {
        const res = await panelCall(plain(), sessions.get(plain())!, 'POST', '/panel/api/keys', {
          name: 'n',
          rules: [],
          allowedOrigins: bad,
        });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
    });
  });

  describe('expiry', () => {
    it('an expiry set in the past refuses the key from the next request, even one the node has cached', async () => {
      const k = await create(plain(), {});
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      const res = await panelCall(plain(), sessions.get(plain())!, 'PUT', `/panel/api/keys/${k.id}`, {
        expiresAt: '2000-01-01T00:00:00Z',
      });
      expect(res.statusCode).toBe(200);
      const refused = await get(plain(), k.key, '127.0.0.1');
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ code: 401, message: 'Unauthorized' });
      // a key created already expired never works
      const born = await create(plain(), { expiresAt: '1970-01-01T00:00:00.000Z' });
      expect((await get(plain(), born.key, '127.0.0.1')).statusCode).toBe(401);
      // regenerating does not revive an expired key: the expiry is the key's, not the value's
      const again = await panelCall(plain(), sessions.get(plain())!, 'POST', `/panel/api/keys/${k.id}/regenerate`);
      expect((await get(plain(), (again.json() as KeyView).key, '127.0.0.1')).statusCode).toBe(401);
    });

    it('odd expiry values are field errors', async () => {
      for (const bad of [
        'toString',
        '__proto__',
        '+275760-09-13T00:00:00Z',
        '10000-01-01T00:00:00Z',
        '2030-01-01T25:00:00Z',
        'NaN',
        -1,
      ]) {
        const res = await panelCall(plain(), sessions.get(plain())!, 'POST', '/panel/api/keys', {
          name: 'n',
          rules: [],
          expiresAt: bad,
        });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
    });
  });

  describe('grace windows', () => {
    const regenerate = (id: string, body: unknown) =>
      plain().call('POST', `/panel/api/keys/${id}/regenerate`, {
        body,
        headers: { cookie: sessions.get(plain())!.cookie, 'x-csrf-token': sessions.get(plain())!.csrf },
      });

    it('beyond 7 days, negative, fractional, strings and other shapes are 400 and change nothing', async () => {
      const k = await create(plain(), {});
      for (const bad of [10_081, -1, 1.5, '60', null, true, [60], { n: 60 }, 1e308]) {
        const res = await regenerate(k.id, { graceMinutes: bad });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
      for (const body of ['[60]', '"x"', '60']) expect((await regenerate(k.id, body)).statusCode, body).toBe(400);
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      const max = await regenerate(k.id, { graceMinutes: 10_080 });
      expect(max.statusCode).toBe(200);
      expect((max.json() as KeyView).previousValidUntil).not.toBeNull();
    });

    it('prototype names do not smuggle a grace window in', async () => {
      for (const body of [
        '{"__proto__":{"graceMinutes":60}}',
        '{"constructor":{"graceMinutes":60}}',
        '{"graceMinutes":"__proto__"}',
      ]) {
        const k = await create(plain(), {});
        const res = await regenerate(k.id, body);
        expect([200, 400], body).toContain(res.statusCode);
        // either refused (nothing changed: the value still works) or a rotation without a window (the value is gone)
        if (res.statusCode === 200) expect((res.json() as KeyView).previousValidUntil, body).toBeNull();
        expect((await get(plain(), k.key, '127.0.0.1')).statusCode, body).toBe(res.statusCode === 200 ? 401 : 200);
      }
    });

    it('the previous value is never shown, and dies with the key', async () => {
      const k = await create(plain(), {});
      const res = await regenerate(k.id, { graceMinutes: 60 });
      expect(res.body).not.toContain(k.key);
      const list = await panelCall(plain(), sessions.get(plain())!, 'GET', '/panel/api/keys');
      expect(list.body).not.toContain(k.key);
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      expect((await panelCall(plain(), sessions.get(plain())!, 'DELETE', `/panel/api/keys/${k.id}`)).statusCode).toBe(204);
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(401);
      expect((await get(plain(), (res.json() as KeyView).key, '127.0.0.1')).statusCode).toBe(401);
    });

    it('"End now" on a key without a window, or an unknown key, is harmless', async () => {
      const k = await create(plain(), {});
      const s = sessions.get(plain())!;
      expect((await panelCall(plain(), s, 'DELETE', `/panel/api/keys/${k.id}/previous`)).statusCode).toBe(200);
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      expect((await panelCall(plain(), s, 'DELETE', '/panel/api/keys/__proto__/previous')).statusCode).toBe(404);
      expect(
        (await panelCall(plain(), s, 'POST', '/panel/api/keys/constructor/regenerate', { graceMinutes: 5 })).statusCode,
      ).toBe(404);
    });
  });

  describe('usage', () => {
    it('odd days and prototype-named ids are 4xx, never a 5xx; counts never carry a key value', async () => {
      const s = sessions.get(plain())!;
      const k = await create(plain(), {});
      expect((await get(plain(), k.key, '127.0.0.1')).statusCode).toBe(200);
      for (const q of ['days=__proto__', 'days=-1', 'days=0', 'days=91', 'days=1.5', 'days=1e3', 'days=constructor']) {
        const res = await panelCall(plain(), s, 'GET', `/panel/api/keys/${k.id}/usage?${q}`);
        expect(res.statusCode, q).toBe(400);
      }
      for (const id of ['__proto__', 'constructor', 'toString', '%00']) {
        const res = await panelCall(plain(), s, 'GET', `/panel/api/keys/${id}/usage`);
        expect(res.statusCode, id).toBe(404);
      }
      // a NUL byte in an id (PostgreSQL refuses it in any query) is no key, on every key route
      for (const [method, path, body] of [
        ['GET', '/panel/api/keys/%00/open-api-schema.json', undefined],
        ['PUT', '/panel/api/keys/%00', { name: 'x' }],
        ['POST', '/panel/api/keys/%00/regenerate', { graceMinutes: 5 }],
        ['DELETE', '/panel/api/keys/%00/previous', undefined],
        ['DELETE', '/panel/api/keys/%00', undefined],
        ['POST', '/panel/api/keys/%00/events', { action: 'copied' }],
      ] as const) {
        const res = await panelCall(plain(), s, method, path, body);
        expect(res.statusCode, `${method} ${path}`).toBe(404);
      }
      const ok = await panelCall(plain(), s, 'GET', `/panel/api/keys/${k.id}/usage?days=90`);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().days).toHaveLength(90);
      expect(ok.body).not.toMatch(/fla_/);
      // a key cannot read its own usage
      expect((await plain().call('GET', `/panel/api/keys/${k.id}/usage`, { key: k.key })).statusCode).toBe(403);
    });

    it('requests to types a key may not use, or that do not exist, are not counted', async () => {
      const s = sessions.get(plain())!;
      const k = await create(plain(), {});
      for (const type of ['__proto__', 'constructor', 'nosuch', 'page%00']) {
        expect((await get(plain(), k.key, '127.0.0.1', {})).statusCode).toBe(200);
        await plain().call('GET', `/api/v1/content/${type}`, { key: k.key });
        await plain().call('POST', `/api/v1/content/${type}`, { key: k.key, body: { title: 'x' } });
      }
      const u = (await panelCall(plain(), s, 'GET', `/panel/api/keys/${k.id}/usage?days=1`)).json() as {
        days: { counts: { ctdName: string; action: string; count: number }[] }[];
      };
      expect(u.days[0].counts).toEqual([{ ctdName: 'page', action: 'read', count: 4 }]);
    });
  });

  describe('regenerate all', () => {
    it('wrong passwords are limited, and the session alone is not enough', async () => {
      const s = sessions.get(proxied())!;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (await panelCall(proxied(), s, 'POST', '/panel/api/keys/regenerate-all', { password: `wrong ${i}` })).statusCode,
        );
      }
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
      // without the CSRF header a session cannot do it either
      const noCsrf = await panelCall(proxied(), s, 'POST', '/panel/api/keys/regenerate-all', { password: 'x' }, false);
      expect(noCsrf.statusCode).toBe(403);
      expect((await get(proxied(), proxied().ro, '127.0.0.1')).statusCode).toBe(200);
    });
  });
});
