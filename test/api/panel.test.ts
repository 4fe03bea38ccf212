import { describe, expect, it } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { ADMIN, assertNoKeyLeaks, panelCall, panelLogin, useTestApp } from '../support/test-app.js';

type KeyView = { id: string; name: string; kind: string; key: string; rules: unknown[]; lastUsedAt: string | null };

describe.each(dialectsUnderTest())('the Panel backend on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('signs in with the configured administrator; refuses bad credentials', async () => {
    expect(
      (await t().call('POST', '/panel/api/session', { body: { email: ADMIN.email, password: 'wrong password' } })).statusCode,
    ).toBe(401);
    expect(
      (await t().call('POST', '/panel/api/session', { body: { email: 'nobody@example.test', password: ADMIN.password } }))
        .statusCode,
    ).toBe(401);
    const res = await t().call('POST', '/panel/api/session', { body: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(ADMIN.email);
    const cookie = res.headers['set-cookie'] as string;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses API keys (403), missing sessions (401) and missing or wrong CSRF tokens (403)', async () => {
    const s = await panelLogin(t());
    expect((await t().call('GET', '/panel/api/keys', { key: t().rw })).statusCode).toBe(403);
    expect((await t().call('GET', '/panel/api/keys', { key: t().rw, headers: { cookie: s.cookie } })).statusCode).toBe(403);
    expect((await t().call('GET', `/panel/api/keys?auth_token=${t().ro}`, { headers: { cookie: s.cookie } })).statusCode).toBe(
      403,
    );
    expect((await t().call('GET', '/panel/api/keys')).statusCode).toBe(401);
    expect((await t().call('GET', '/panel/api/keys', { headers: { cookie: 'flotilla_session=forged' } })).statusCode).toBe(401);
    const noCsrf = await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'x', rules: [] }, false);
    expect(noCsrf.statusCode).toBe(403);
    const wrong = await t().call('POST', '/panel/api/keys', {
      body: { name: 'x', rules: [] },
      headers: { cookie: s.cookie, 'x-csrf-token': 'nope' },
    });
    expect(wrong.statusCode).toBe(403);
    const keys = (await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[];
    expect(keys.some((k) => k.name === 'x')).toBe(false);
  });

  it('lists both application keys with their values, no-store', async () => {
    const s = await panelLogin(t());
    const res = await panelCall(t(), s, 'GET', '/panel/api/keys');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const keys = res.json() as KeyView[];
    const ro = keys.find((k) => k.kind === 'read-only')!;
    expect(ro.key).toBe(t().ro);
    expect(keys.find((k) => k.kind === 'read-write')!.key).toBe(t().rw);
    expect(Object.keys(ro).sort()).toEqual([
      'allowedNetworks',
      'allowedOrigins',
      'createdAt',
      'expiresAt',
      'id',
      'key',
      'kind',
      'lastUsedAt',
      'name',
      'previousValidUntil',
      'requestLimit',
      'rules',
      'updatedAt',
    ]);
  });

  it('creates, changes, regenerates and removes a user-defined key, each effective at once', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('page', { title: text() }) });
    const s = await panelLogin(t());
    const bad = await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'k', rules: [{ ctdName: 'nope', canRead: true }] });
    expect(bad.statusCode).toBe(400);
    const dup = await panelCall(t(), s, 'POST', '/panel/api/keys', {
      name: 'k',
      rules: [
        { ctdName: 'page', canRead: true },
        { ctdName: 'page', canCreate: true },
      ],
    });
    expect(dup.statusCode).toBe(400);
    const created = await panelCall(t(), s, 'POST', '/panel/api/keys', {
      name: 'Site',
      rules: [{ ctdName: 'page', canRead: true, canCreate: false, canUpdate: false, canDelete: false }],
    });
    expect(created.statusCode).toBe(200);
    const key = created.json() as KeyView;
    expect(key.kind).toBe('user-defined');
    expect(key.key).toMatch(/^fla_u_[0-9A-Za-z]{40}$/);
    expect((await t().call('GET', '/api/v1/content/page', { key: key.key })).statusCode).toBe(200);
    expect((await t().call('POST', '/api/v1/content/page', { key: key.key, body: { title: 'x' } })).statusCode).toBe(403);

    const widened = await panelCall(t(), s, 'PUT', `/panel/api/keys/${key.id}`, {
      name: 'Site 2',
      rules: [{ ctdName: 'page', canRead: true, canCreate: true }],
    });
    expect(widened.statusCode).toBe(200);
    expect((await t().call('POST', '/api/v1/content/page', { key: key.key, body: { title: 'x' } })).statusCode).toBe(200);
    const emptied = await panelCall(t(), s, 'PUT', `/panel/api/keys/${key.id}`, { name: 'Site 2', rules: [] });
    expect(emptied.statusCode).toBe(200);
    expect((await t().call('GET', '/api/v1/content/page', { key: key.key })).statusCode).toBe(403);

    const regen = await panelCall(t(), s, 'POST', `/panel/api/keys/${key.id}/regenerate`);
    expect(regen.statusCode).toBe(200);
    const fresh = regen.json() as KeyView;
    expect(fresh.key).not.toBe(key.key);
    expect((await t().call('GET', '/api/auth-context', { key: key.key })).statusCode).toBe(401);
    expect((await t().call('GET', '/api/auth-context', { key: fresh.key })).statusCode).toBe(200);

    expect((await panelCall(t(), s, 'DELETE', `/panel/api/keys/${key.id}`)).statusCode).toBe(204);
    expect((await t().call('GET', '/api/auth-context', { key: fresh.key })).statusCode).toBe(401);
    expect((await panelCall(t(), s, 'DELETE', `/panel/api/keys/${key.id}`)).statusCode).toBe(404);
  });

  it('regenerates an application key (the old value refused), never removes one (409), refuses rules on it (400)', async () => {
    const s = await panelLogin(t());
    const keys = (await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[];
    const ro = keys.find((k) => k.kind === 'read-only')!;
    expect((await panelCall(t(), s, 'DELETE', `/panel/api/keys/${ro.id}`)).statusCode).toBe(409);
    expect(
      (await panelCall(t(), s, 'PUT', `/panel/api/keys/${ro.id}`, { name: 'x', rules: [{ ctdName: 'page', canRead: true }] }))
        .statusCode,
    ).toBe(400);
    const regen = (await panelCall(t(), s, 'POST', `/panel/api/keys/${ro.id}/regenerate`)).json() as KeyView;
    expect((await t().call('GET', '/api/v1/content/page', { key: ro.key })).statusCode).toBe(401);
    expect((await t().call('GET', '/api/v1/content/page', { key: regen.key })).statusCode).toBe(200);
    t().ro = regen.key;
  });

  it('records key events in the audit trail, without key values', async () => {
    const s = await panelLogin(t());
    const created = (
      await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'Audited', rules: [{ ctdName: 'page', canRead: true }] })
    ).json() as KeyView;
    expect((await panelCall(t(), s, 'POST', `/panel/api/keys/${created.id}/events`, { action: 'copied' })).statusCode).toBe(204);
    expect((await panelCall(t(), s, 'POST', `/panel/api/keys/${created.id}/events`, { action: 'revealed' })).statusCode).toBe(
      204,
    );
    expect((await panelCall(t(), s, 'POST', `/panel/api/keys/${created.id}/events`, { action: 'stolen' })).statusCode).toBe(400);
    // the key events (the trail also holds sign-ins and the administrator's creation)
    const res = await panelCall(t(), s, 'GET', '/panel/api/audit?kind=key');
    const events = res.json() as { action: string; actor: string; keyName: string }[];
    const mine = events.filter((e) => e.keyName === 'Audited').map((e) => e.action);
    expect(mine).toEqual(['key.revealed', 'key.copied', 'key.created']);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['key.regenerated', 'key.removed', 'key.rules-changed']));
    expect(events.every((e) => e.actor === ADMIN.email)).toBe(true);
    expect(res.body).not.toMatch(KEY_PATTERN);
    expect((await t().call('GET', '/panel/api/audit', { key: t().rw })).statusCode).toBe(403);
  });

  it('tracks lastUsedAt', async () => {
    const s = await panelLogin(t());
    const created = (
      await panelCall(t(), s, 'POST', '/panel/api/keys', { name: 'Used', rules: [{ ctdName: 'page', canRead: true }] })
    ).json() as KeyView;
    expect(created.lastUsedAt).toBeNull();
    await t().call('GET', '/api/v1/content/page', { key: created.key });
    await new Promise((r) => setTimeout(r, 100));
    const after = ((await panelCall(t(), s, 'GET', '/panel/api/keys')).json() as KeyView[]).find((k) => k.id === created.id)!;
    expect(after.lastUsedAt).not.toBeNull();
  });

  it('serves the Flotiq API to the Panel under /panel/api with the session (CSRF on writes)', async () => {
    const s = await panelLogin(t());
    const list = await panelCall(t(), s, 'GET', '/panel/api/v1/internal/contenttype?internal=0');
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((c: { name: string }) => c.name)).toContain('page');
    const made = await panelCall(t(), s, 'POST', '/panel/api/v1/content/page', { id: 'from-panel', title: 'Made in the Panel' });
    expect(made.statusCode).toBe(200);
    expect((await t().call('GET', '/api/v1/content/page/from-panel', { key: t().ro })).json().title).toBe('Made in the Panel');
    expect((await panelCall(t(), s, 'DELETE', '/panel/api/v1/content/page/from-panel', undefined, false)).statusCode).toBe(403);
    expect((await t().call('GET', '/panel/api/v1/content/page', { key: t().rw })).statusCode).toBe(403);
  });

  it('logs out: the session cookie stops working', async () => {
    const s = await panelLogin(t());
    expect((await panelCall(t(), s, 'GET', '/panel/api/session')).statusCode).toBe(200);
    expect((await panelCall(t(), s, 'DELETE', '/panel/api/session')).statusCode).toBe(204);
    expect((await panelCall(t(), s, 'GET', '/panel/api/session')).statusCode).toBe(401);
  });

  it('rotates the session at login: the old cookie sent along is ended', async () => {
    const first = await panelLogin(t());
    const res = await t().call('POST', '/panel/api/session', { body: ADMIN, headers: { cookie: first.cookie } });
    expect(res.statusCode).toBe(200);
    expect((await panelCall(t(), first, 'GET', '/panel/api/session')).statusCode).toBe(401);
  });

  it('the secret scan itself catches a leaked key', () => {
    expect(() => assertNoKeyLeaks([{ url: '/api/v1/content/x', body: `{"a":"${t().rw}"}` }], [])).toThrow();
    expect(() => assertNoKeyLeaks([], [`GET /x?auth_token=${t().rw}`])).toThrow();
    expect(() => assertNoKeyLeaks([{ url: '/panel/api/keys', body: t().rw }], [])).not.toThrow();
  });
});

describe.each(dialectsUnderTest())('first-run setup and login limits on %s', (dialect) => {
  const t = useTestApp(dialect, {
    FLOTILLA_ADMIN_EMAIL: '',
    FLOTILLA_ADMIN_PASSWORD: '',
    FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100',
    FLOTILLA_LOGIN_FAILURES_PER_ACCOUNT: '3',
  });

  it('creates the first administrator only with the one-time token', async () => {
    expect(t().app.setupToken).toMatch(/^[\w-]{20,}$/);
    expect((await t().call('GET', '/panel/api/setup')).json()).toEqual({ needed: true });
    const wrong = await t().call('POST', '/panel/api/setup', {
      body: { token: 'guess', email: 'a@b.test', password: 'long enough pw' },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t().call('POST', '/panel/api/setup', {
      body: { token: t().app.setupToken, email: 'a@b.test', password: 'long enough pw' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().csrfToken).toBeTruthy();
    const again = await t().call('POST', '/panel/api/setup', {
      body: { token: t().app.setupToken, email: 'c@d.test', password: 'long enough pw' },
    });
    expect(again.statusCode).toBe(403);
    expect((await t().call('GET', '/panel/api/setup')).json()).toEqual({ needed: false });
  });

  it('locks an account after repeated failures (429 with Retry-After), even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await t().call('POST', '/panel/api/session', { body: { email: 'a@b.test', password: 'wrong wrong' } })).statusCode,
      ).toBe(401);
    }
    const locked = await t().call('POST', '/panel/api/session', { body: { email: 'a@b.test', password: 'long enough pw' } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe.each(dialectsUnderTest())('abuse limits on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_AUTH_FAILURES_PER_MINUTE: '5', FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '2' });

  it('answers 429 with Retry-After to further failed key authentications from one IP, never to a valid key', async () => {
    for (let i = 0; i < 5; i++)
      expect((await t().call('GET', '/api/auth-context', { key: `fla_ro_${'x'.repeat(40)}` })).statusCode).toBe(401);
    const limited = await t().call('GET', '/api/auth-context', { key: `fla_ro_${'y'.repeat(40)}` });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // failures slow down failures only: the owner's valid key from the same address still works
    expect((await t().call('GET', '/api/auth-context', { key: t().ro })).statusCode).toBe(200);
    const other = await t().app.server.inject({
      method: 'GET',
      url: '/api/auth-context',
      headers: { 'x-auth-token': t().ro },
      remoteAddress: '10.9.8.7',
    });
    expect(other.statusCode).toBe(200);
  });

  it('limits sign-in attempts per IP', async () => {
    for (let i = 0; i < 2; i++)
      await t().call('POST', '/panel/api/session', { body: { email: 'x@y.test', password: 'nope nope' } });
    expect((await t().call('POST', '/panel/api/session', { body: ADMIN })).statusCode).toBe(429);
  });

  it('enforces a per-key request limit', async () => {
    // from another address: 127.0.0.1 is still blocked by the failure limit of the test above
    const made = await t().app.server.inject({
      method: 'POST',
      url: '/api/v1/internal/contenttype',
      headers: { 'x-auth-token': t().rw, 'content-type': 'application/json' },
      payload: JSON.stringify(ctd('page', { title: text() })),
      remoteAddress: '10.2.2.2',
    });
    expect(made.statusCode).toBe(200);
    const { SYSTEM } = await import('../../src/core/principal.js');
    const k = await t().app.services.keys.createUserDefined(
      SYSTEM,
      'Limited',
      [{ ctdName: 'page', canRead: true, canCreate: false, canUpdate: false, canDelete: false }],
      { requestLimit: 3 },
    );
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (
          await t().app.server.inject({
            url: '/api/v1/content/page',
            headers: { 'x-auth-token': k.key },
            remoteAddress: '10.1.1.1',
          })
        ).statusCode,
      );
    expect(codes).toEqual([200, 200, 200, 429]);
  });
});
