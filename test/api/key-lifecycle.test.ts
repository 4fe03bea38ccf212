import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { ADMIN, panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

interface KeyView {
  id: string;
  name: string;
  kind: string;
  key: string;
  requestLimit: number | null;
  expiresAt: string | null;
  previousValidUntil: string | null;
  allowedNetworks: string[];
  allowedOrigins: string[];
}

/** A clock the test moves by hand (the app reads it for expiry, grace windows and rate windows). */
function manualClock(start = Date.parse('2030-01-01T12:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const MINUTE = 60_000;
/** The trusted reverse proxy of these suites. */
const PROXY = '192.0.2.99';

describe.each(dialectsUnderTest())('key lifecycle on %s', (dialect) => {
  const clock = manualClock();
  const t = useTestApp(dialect, { FLOTILLA_TRUST_PROXY: PROXY }, { clock });
  let s: { cookie: string; csrf: string };

  const status = async (key: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    (
      await t().app.server.inject({
        method: 'GET',
        url: '/api/v1/content/page',
        remoteAddress,
        headers: { 'x-auth-token': key, ...headers },
      })
    ).statusCode;
  const create = async (body: Record<string, unknown>) => {
    const res = await panelCall(t(), s, 'POST', '/panel/api/keys', {
      name: `k${Math.random()}`,
      rules: [{ ctdName: 'page', canRead: true }],
      ...body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as KeyView;
  };
  const put = (id: string, body: unknown) => panelCall(t(), s, 'PUT', `/panel/api/keys/${id}`, body);
  const regenerate = (id: string, body?: unknown) => panelCall(t(), s, 'POST', `/panel/api/keys/${id}/regenerate`, body);
  const audit = async () =>
    (await panelCall(t(), s, 'GET', '/panel/api/audit?limit=20')).json() as {
      action: string;
      keyId: string | null;
      detail: Record<string, unknown>;
    }[];

  beforeAll(async () => {
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('page', { title: text() }) })).statusCode,
    ).toBe(200);
    s = await panelLogin(t());
  });

  describe('expiry', () => {
    it('a key with expiresAt works until that instant and is refused like an unknown key from then on', async () => {
      const at = new Date(clock.now() + 10 * MINUTE).toISOString();
      const k = await create({ expiresAt: at });
      expect(k.expiresAt).toBe(at);
      expect(await status(k.key)).toBe(200);
      const ctx = await t().call('GET', '/api/auth-context', { key: k.key });
      expect(ctx.json()).toMatchObject({ kind: 'user-defined', expiresAt: at });
      clock.advance(10 * MINUTE - 1);
      expect(await status(k.key)).toBe(200);
      clock.advance(1);
      const refused = await t().call('GET', '/api/v1/content/page', { key: k.key });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ code: 401, message: 'Unauthorized' });
      // the Panel still lists it, marked by its expiry
      const listed = ((await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[]).find((x) => x.id === k.id)!;
      expect(listed.expiresAt).toBe(at);
      // a later expiry revives it; null removes the expiry
      expect((await put(k.id, { expiresAt: new Date(clock.now() + MINUTE).toISOString() })).statusCode).toBe(200);
      expect(await status(k.key)).toBe(200);
      const never = await put(k.id, { expiresAt: null });
      expect(never.json().expiresAt).toBeNull();
      clock.advance(2 * MINUTE);
      expect(await status(k.key)).toBe(200);
      expect((await t().call('GET', '/api/auth-context', { key: k.key })).json().expiresAt).toBeNull();
    });

    it('application keys do not expire; bad expiry values are field errors', async () => {
      const keys = (await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[];
      const ro = keys.find((k) => k.kind === 'read-only')!;
      expect(ro.expiresAt).toBeNull();
      const res = await put(ro.id, { expiresAt: new Date(clock.now() + MINUTE).toISOString() });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toHaveProperty('expiresAt');
      for (const bad of ['tomorrow', '2030-01-01', '2030-13-01T00:00:00Z', 12345, true, {}]) {
        const r = await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'bad', rules: [], expiresAt: bad });
        expect(r.statusCode, JSON.stringify(bad)).toBe(400);
        expect(r.json()).toHaveProperty('expiresAt');
      }
    });
  });

  describe('rotation with a grace window', () => {
    it('both values work during the window, only the new one after it', async () => {
      const k = await create({});
      const res = await regenerate(k.id, { graceMinutes: 30 });
      expect(res.statusCode, res.body).toBe(200);
      const fresh = res.json() as KeyView;
      expect(fresh.key).not.toBe(k.key);
      expect(fresh.previousValidUntil).toBe(new Date(clock.now() + 30 * MINUTE).toISOString());
      expect(await status(k.key)).toBe(200);
      expect(await status(fresh.key)).toBe(200);
      clock.advance(30 * MINUTE - 1);
      expect(await status(k.key)).toBe(200);
      clock.advance(1);
      expect(await status(k.key)).toBe(401);
      expect(await status(fresh.key)).toBe(200);
      // once the window is over, the Panel no longer mentions a previous value
      const listed = ((await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[]).find((x) => x.id === k.id)!;
      expect(listed.previousValidUntil).toBeNull();
      const entry = (await audit()).find((e) => e.action === 'key.regenerated' && e.keyId === k.id)!;
      expect(entry.detail).toMatchObject({ graceMinutes: 30, previousValidUntil: fresh.previousValidUntil });
    });

    it('"End now" refuses the previous value from the next request on; without graceMinutes the old value goes at once', async () => {
      const k = await create({});
      const fresh = (await regenerate(k.id, { graceMinutes: 60 })).json() as KeyView;
      expect(await status(k.key)).toBe(200);
      const ended = await panelCall(t(), s, 'DELETE', `/panel/api/keys/${k.id}/previous`);
      expect(ended.statusCode, ended.body).toBe(200);
      expect(ended.json().previousValidUntil).toBeNull();
      expect(await status(k.key)).toBe(401);
      expect(await status(fresh.key)).toBe(200);
      expect((await audit()).some((e) => e.action === 'key.grace-ended' && e.keyId === k.id)).toBe(true);

      const instant = (await regenerate(k.id)).json() as KeyView;
      expect(instant.previousValidUntil).toBeNull();
      expect(await status(fresh.key)).toBe(401);
      const zero = (await regenerate(k.id, { graceMinutes: 0 })).json() as KeyView;
      expect(await status(instant.key)).toBe(401);
      expect(await status(zero.key)).toBe(200);
    });

    it('a second rotation during a window keeps only the value it replaced', async () => {
      const k = await create({});
      const second = (await regenerate(k.id, { graceMinutes: 60 })).json() as KeyView;
      const third = (await regenerate(k.id, { graceMinutes: 60 })).json() as KeyView;
      expect(await status(k.key)).toBe(401);
      expect(await status(second.key)).toBe(200);
      expect(await status(third.key)).toBe(200);
    });

    it('the previous value ends with the key: an expiry inside the window refuses both', async () => {
      const k = await create({ expiresAt: new Date(clock.now() + 5 * MINUTE).toISOString() });
      const fresh = (await regenerate(k.id, { graceMinutes: 60 })).json() as KeyView;
      expect(await status(k.key)).toBe(200);
      clock.advance(5 * MINUTE);
      expect(await status(k.key)).toBe(401);
      expect(await status(fresh.key)).toBe(401);
    });
  });

  describe('request limit', () => {
    it('is set and cleared through PUT, audited, and answered with 429 past it', async () => {
      clock.advance(MINUTE); // a fresh rate window
      const k = await create({});
      const res = await put(k.id, { requestLimit: 2 });
      expect(res.json().requestLimit).toBe(2);
      expect([await status(k.key), await status(k.key), await status(k.key)]).toEqual([200, 200, 429]);
      clock.advance(MINUTE);
      expect(await status(k.key)).toBe(200);
      expect((await put(k.id, { requestLimit: null })).json().requestLimit).toBeNull();
      const entry = (await audit()).find((e) => e.action === 'key.updated' && e.keyId === k.id)!;
      expect(entry.detail).toMatchObject({ requestLimit: null, before: { requestLimit: 2 } });
      for (const bad of [0, -1, 1.5, '10', 1_000_001]) expect((await put(k.id, { requestLimit: bad })).statusCode).toBe(400);
    });
  });

  describe('network limits', () => {
    it('a key limited to 10.0.0.0/8 is refused from 127.0.0.1 and accepted from inside the range', async () => {
      const k = await create({ allowedNetworks: ['10.0.0.0/8'] });
      expect(k.allowedNetworks).toEqual(['10.0.0.0/8']);
      const refused = await t().app.server.inject({
        method: 'GET',
        url: '/api/v1/content/page',
        remoteAddress: '127.0.0.1',
        headers: { 'x-auth-token': k.key },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toMatch(/network/);
      expect(refused.body).not.toContain(k.key);
      expect(await status(k.key, {}, '10.1.2.3')).toBe(200);
      // other keys are not limited by it
      expect(await status(t().ro)).toBe(200);
      // lifted: anywhere again
      expect((await put(k.id, { allowedNetworks: [] })).statusCode).toBe(200);
      expect(await status(k.key)).toBe(200);
    });

    it('honours X-Forwarded-For through the trusted proxy, and only through it', async () => {
      const k = await create({ allowedNetworks: ['10.0.0.0/8'] });
      expect(await status(k.key, { 'x-forwarded-for': '10.20.30.40' }, PROXY)).toBe(200);
      expect(await status(k.key, { 'x-forwarded-for': '203.0.113.7' }, PROXY)).toBe(403);
      // the same header from an address that is not the proxy is not believed
      expect(await status(k.key, { 'x-forwarded-for': '10.20.30.40' }, '198.51.100.3')).toBe(403);
    });

    it('IPv6 ranges and single addresses', async () => {
      const k = await create({ allowedNetworks: ['2001:DB8::/32', '198.51.100.9'] });
      expect(k.allowedNetworks).toEqual(['2001:db8::/32', '198.51.100.9/32']);
      expect(await status(k.key, {}, '2001:db8::5')).toBe(200);
      expect(await status(k.key, {}, '2001:db9::5')).toBe(403);
      expect(await status(k.key, {}, '198.51.100.9')).toBe(200);
      expect(await status(k.key, {}, '198.51.100.10')).toBe(403);
    });

    it('refuses what is not a network, with the entry named', async () => {
      for (const bad of [['10.0.0.0/33'], ['example.com'], ['10.0.0.0/8/1'], 'x', [5]]) {
        const res = await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'n', rules: [], allowedNetworks: bad });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(Object.keys(res.json()).join()).toMatch(/allowedNetworks/);
      }
    });
  });

  describe('origin limits', () => {
    it('a request whose Origin is not listed is a 403 without CORS headers; listed origins and no Origin work', async () => {
      const k = await create({ allowedOrigins: ['https://site.example'] });
      expect(await status(k.key)).toBe(200);
      const ok = await t().app.server.inject({
        method: 'GET',
        url: '/api/v1/content/page',
        headers: { 'x-auth-token': k.key, origin: 'https://site.example' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBeDefined();
      const other = await t().app.server.inject({
        method: 'GET',
        url: '/api/v1/content/page',
        headers: { 'x-auth-token': k.key, origin: 'https://evil.example' },
      });
      expect(other.statusCode).toBe(403);
      expect(other.json().message).toMatch(/origin/);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      // a key without origin limits still answers any origin (FLOTILLA_CORS_ORIGINS is *)
      const ro = await t().app.server.inject({
        method: 'GET',
        url: '/api/v1/content/page',
        headers: { 'x-auth-token': t().ro, origin: 'https://evil.example' },
      });
      expect(ro.statusCode).toBe(200);
      expect(ro.headers['access-control-allow-origin']).toBe('*');
    });

    it('origins are stored as browsers write them; paths and wildcards are refused', async () => {
      const k = await create({ allowedOrigins: ['HTTPS://Site.Example:443', 'http://localhost:3001'] });
      expect(k.allowedOrigins).toEqual(['https://site.example', 'http://localhost:3001']);
      for (const bad of [
        ['https://site.example/'],
        ['https://site.example/app'],
        ['https://*.example'],
        ['null'],
        ['file://x'],
      ]) {
        const res = await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'n', rules: [], allowedOrigins: bad });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
    });

    it('limits are audited with what they replaced', async () => {
      const k = await create({});
      await put(k.id, { allowedOrigins: ['https://a.example'], allowedNetworks: ['10.0.0.0/8'] });
      const entry = (await audit()).find((e) => e.action === 'key.updated' && e.keyId === k.id)!;
      expect(entry.detail).toMatchObject({
        allowedOrigins: ['https://a.example'],
        allowedNetworks: ['10.0.0.0/8'],
        before: { allowedOrigins: [], allowedNetworks: [] },
      });
    });
  });

  describe('usage and suggestions', () => {
    type Usage = {
      days: { date: string; counts: { ctdName: string; action: string; count: number }[] }[];
      suggestions: { ctdName: string; grant: string; reason: string }[];
    };
    const usageOf = async (id: string, days = 30) => {
      const res = await panelCall(t(), s, 'GET', `/panel/api/keys/${id}/usage?days=${days}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Usage;
    };
    const today = (u: Usage) => Object.fromEntries(u.days.at(-1)!.counts.map((c) => [`${c.ctdName} ${c.action}`, c.count]));
    const all = { canRead: true, canCreate: true, canUpdate: true, canDelete: true };

    it('counts successful requests per type and action per day, written in batches, not per request', async () => {
      s = await panelLogin(t());
      const k = await create({ rules: [{ ctdName: 'page', ...all }] });
      const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
        t().call(method, url, { key: k.key, body });
      for (let i = 0; i < 3; i++) expect((await call('GET', '/api/v1/content/page')).statusCode).toBe(200);
      expect((await call('POST', '/api/v1/content/page', { id: 'u1', title: 'x' })).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/content/page/u1')).statusCode).toBe(200);
      expect((await call('PATCH', '/api/v1/content/page/u1', { title: 'y' })).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/search?q=y')).statusCode).toBe(200);
      // refused and failed requests are not uses
      expect((await call('GET', '/api/v1/content/other')).statusCode).toBe(403);
      expect((await call('GET', '/api/v1/content/page/nope')).statusCode).toBe(404);
      // counted in memory: nothing is written until a batch goes out
      expect(await t().app.storage.keyUsage(k.id, '2000-01-01')).toEqual([]);
      const u = await usageOf(k.id);
      expect(u.days).toHaveLength(30);
      expect(u.days.at(-1)!.date).toBe(new Date(clock.now()).toISOString().slice(0, 10));
      expect(today(u)).toEqual({ 'page read': 4, 'page create': 1, 'page update': 1, '* read': 1 });
      expect(u.days.slice(0, -1).every((d) => d.counts.length === 0)).toBe(true);
      // a young key gets no suggestion: nothing can have been unused for 30 days yet
      expect(u.suggestions).toEqual([]);
      expect((await panelCall(t(), s, 'GET', `/panel/api/keys/${k.id}/usage?days=0`)).statusCode).toBe(400);
      expect((await panelCall(t(), s, 'GET', `/panel/api/keys/${k.id}/usage?days=91`)).statusCode).toBe(400);
      expect((await panelCall(t(), s, 'GET', '/panel/api/keys/nope/usage')).statusCode).toBe(404);
    });

    it('suggests grants unused for 30 days; applying one narrows the rule and the suggestion goes', async () => {
      const k = await create({ rules: [{ ctdName: 'page', ...all }] });
      expect((await t().call('POST', '/api/v1/content/page', { key: k.key, body: { title: 'early' } })).statusCode).toBe(200);
      clock.advance(31 * 24 * 60 * MINUTE);
      s = await panelLogin(t());
      expect((await t().call('GET', '/api/v1/content/page/u1', { key: k.key })).statusCode).toBe(200);
      const u = await usageOf(k.id);
      expect(u.suggestions.map((x) => `${x.ctdName} ${x.grant}`).sort()).toEqual([
        'page canCreate',
        'page canDelete',
        'page canUpdate',
      ]);
      expect(u.suggestions.find((x) => x.grant === 'canCreate')!.reason).toBe(
        'create on `page` — never used in the last 30 days',
      );
      // the Panel's one click: the rule without that grant
      const narrowed = await put(k.id, { rules: [{ ctdName: 'page', ...all, canCreate: false }] });
      expect(narrowed.statusCode).toBe(200);
      expect((await usageOf(k.id)).suggestions.map((x) => x.grant).sort()).toEqual(['canDelete', 'canUpdate']);
      expect((await t().call('POST', '/api/v1/content/page', { key: k.key, body: { title: 'x' } })).statusCode).toBe(403);
    });

    it('an application key read daily by a site, and never writing, is told to move to a read key for those types', async () => {
      const keys = (await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[];
      const ro = keys.find((k) => k.kind === 'read-only')!;
      for (let day = 0; day < 7; day++) {
        if (day === 6) expect((await usageOf(ro.id)).suggestions).toEqual([]);
        expect((await t().call('GET', '/api/v1/content/page', { key: ro.key })).statusCode).toBe(200);
        clock.advance(24 * 60 * MINUTE);
        s = await panelLogin(t());
      }
      const u = await usageOf(ro.id);
      expect(u.suggestions).toHaveLength(1);
      expect(u.suggestions[0]).toMatchObject({ ctdName: 'page', grant: 'canRead' });
      expect(u.suggestions[0].reason).toMatch(/read-only key read `page` on 7 of the last 30 days/);
    });
  });

  describe('regenerate all keys', () => {
    it('needs the password again; then every key has a new value, listed once, and every old value is refused', async () => {
      const before = (await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[];
      const wrong = await panelCall(t(), s, 'POST', '/panel/api/keys/regenerate-all', { password: 'not the password' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toHaveProperty('password');
      expect(await status(t().ro)).toBe(200);
      const missing = await panelCall(t(), s, 'POST', '/panel/api/keys/regenerate-all', {});
      expect(missing.statusCode).toBe(400);
      // a key with a running grace window loses its previous value too: this is an emergency
      const graced = before.find((k) => k.kind === 'user-defined')!;
      const graceValue = ((await regenerate(graced.id, { graceMinutes: 60 })).json() as KeyView).key;

      const res = await panelCall(t(), s, 'POST', '/panel/api/keys/regenerate-all', { password: ADMIN.password });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const after = res.json() as KeyView[];
      expect(after.map((k) => k.id).sort()).toEqual(before.map((k) => k.id).sort());
      for (const k of before) {
        const fresh = after.find((a) => a.id === k.id)!;
        expect(fresh.key).not.toBe(k.key);
        expect(fresh.previousValidUntil).toBeNull();
        expect((await t().call('GET', '/api/auth-context', { key: k.key })).statusCode).toBe(401);
        // the new value is the key's: an expired key stays expired, a network-limited one stays limited
        const expired = k.expiresAt !== null && Date.parse(k.expiresAt) <= clock.now();
        const expected = expired ? 401 : k.allowedNetworks.length > 0 ? 403 : 200;
        expect((await t().call('GET', '/api/auth-context', { key: fresh.key })).statusCode).toBe(expected);
      }
      expect((await t().call('GET', '/api/auth-context', { key: graceValue })).statusCode).toBe(401);
      const trail = await audit();
      expect(trail.some((e) => e.action === 'keys.regenerated-all')).toBe(true);
      expect(JSON.stringify(trail)).not.toMatch(/fla_/);
      rotateTestKeys(t(), after);
    });

    it('an API key cannot do it', async () => {
      const res = await t().call('POST', '/panel/api/keys/regenerate-all', { key: t().rw, body: { password: ADMIN.password } });
      expect(res.statusCode).toBe(403);
    });
  });
});

/** The suite's application keys changed: later tests use the new values. */
function rotateTestKeys(t: TestApp, keys: KeyView[]): void {
  t.ro = keys.find((k) => k.kind === 'read-only')!.key;
  t.rw = keys.find((k) => k.kind === 'read-write')!.key;
}
