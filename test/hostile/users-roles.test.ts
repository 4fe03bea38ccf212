import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';
import { member } from '../support/members.js';

const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

describe.each(dialectsUnderTest())('escalation attempts against users and roles on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000' });

  it('an editor reaches no key at all, so widens none', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('post', { title: text() }) });
    const admin = await panelLogin(t());
    const made = await panelCall(t(), admin, 'POST', '/panel/api/keys', {
      name: 'narrow',
      rules: [{ ctdName: 'post', canRead: true }],
    });
    const keyId = (made.json() as { id: string }).id;
    const ed = await member(t(), admin, 'editor');
    const wide = [{ ctdName: 'post', canRead: true, canCreate: true, canUpdate: true, canDelete: true }];
    for (const [method, url, body] of [
      ['GET', '/panel/api/keys', undefined],
      ['POST', '/panel/api/keys', { name: 'mine', rules: wide }],
      ['PUT', `/panel/api/keys/${keyId}`, { rules: wide }],
      ['POST', `/panel/api/keys/${keyId}/regenerate`, undefined],
      ['POST', '/panel/api/keys/regenerate-all', { password: 'a long enough password' }],
      ['GET', `/panel/api/keys/${keyId}/open-api-schema.json`, undefined],
      ['GET', '/panel/api/audit', undefined],
    ] as const)
      expect((await panelCall(t(), ed.s, method, url, body)).statusCode, `${method} ${url}`).toBe(403);
    const key = (await panelCall(t(), admin, 'GET', '/panel/api/keys')).json() as {
      id: string;
      rules: { canDelete: boolean }[];
    }[];
    expect(key.find((k) => k.id === keyId)!.rules[0].canDelete).toBe(false);
  });

  it('a key manager below administrator: keys beyond their rules are no key to them; no application key; no widening', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('page', { title: text() }) });
    const admin = await panelLogin(t());
    const role = (
      await panelCall(t(), admin, 'POST', '/panel/api/roles', {
        name: 'Key keeper',
        rules: [{ ctdName: 'page', canRead: true }],
        capabilities: ['keys'],
      })
    ).json() as { id: string };
    const k = await member(t(), admin, role.id);
    const adminKey = (
      await panelCall(t(), admin, 'POST', '/panel/api/keys', {
        name: 'admin page writer',
        rules: [{ ctdName: 'page', canRead: true, canCreate: true }],
      })
    ).json() as { id: string };
    const keys = (await panelCall(t(), k.s, 'GET', '/panel/api/keys')).json() as { id: string; kind: string }[];
    expect(keys.map((x) => x.kind).filter((x) => x !== 'user-defined')).toEqual([]);
    expect(keys.map((x) => x.id)).not.toContain(adminKey.id);
    for (const [method, url, body] of [
      ['PUT', `/panel/api/keys/${adminKey.id}`, { name: 'mine now' }],
      ['POST', `/panel/api/keys/${adminKey.id}/regenerate`, undefined],
      ['DELETE', `/panel/api/keys/${adminKey.id}`, undefined],
      ['GET', `/panel/api/keys/${adminKey.id}/usage`, undefined],
    ] as const)
      expect((await panelCall(t(), k.s, method, url, body)).statusCode, `${method} ${url}`).toBe(404);
    const all = (await panelCall(t(), admin, 'GET', '/panel/api/keys')).json() as { id: string; kind: string }[];
    for (const app of all.filter((x) => x.kind !== 'user-defined'))
      expect((await panelCall(t(), k.s, 'POST', `/panel/api/keys/${app.id}/regenerate`)).statusCode).toBe(404);
    const own = (
      await panelCall(t(), k.s, 'POST', '/panel/api/keys', { name: 'own', rules: [{ ctdName: 'page', canRead: true }] })
    ).json() as {
      id: string;
    };
    expect(
      (
        await panelCall(t(), k.s, 'PUT', `/panel/api/keys/${own.id}`, {
          rules: [{ ctdName: 'page', canRead: true, canUpdate: true }],
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await panelCall(t(), k.s, 'PUT', `/panel/api/keys/${own.id}`, { rules: [{ ctdName: 'post', canRead: true }] })).statusCode,
    ).toBe(403);
    // and it cannot give itself more through roles or users
    expect((await panelCall(t(), k.s, 'PUT', `/panel/api/users/${k.id}`, { roleId: 'administrator' })).statusCode).toBe(403);
    expect(
      (await panelCall(t(), k.s, 'PUT', `/panel/api/roles/${role.id}`, { name: 'x', rules: [], capabilities: ['keys', 'users'] }))
        .statusCode,
    ).toBe(403);
  });

  it('a developer cannot invite, manage users or roles; a users manager gives no role beyond their own', async () => {
    const admin = await panelLogin(t());
    const dev = await member(t(), admin, 'developer');
    expect(
      (await panelCall(t(), dev.s, 'POST', '/panel/api/invitations', { email: 'boss@example.test', roleId: 'administrator' }))
        .statusCode,
    ).toBe(403);
    expect((await panelCall(t(), dev.s, 'PUT', `/panel/api/users/${dev.id}`, { roleId: 'administrator' })).statusCode).toBe(403);
    expect((await panelCall(t(), dev.s, 'GET', '/panel/api/users')).statusCode).toBe(403);
    expect((await panelCall(t(), dev.s, 'POST', '/panel/api/roles', { name: 'all', capabilities: ['users'] })).statusCode).toBe(
      403,
    );
    const hr = (
      await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: 'HR', rules: [], capabilities: ['users'] })
    ).json() as { id: string };
    const h = await member(t(), admin, hr.id);
    for (const roleId of ['administrator', 'developer', 'editor', 'author'])
      expect(
        (await panelCall(t(), h.s, 'POST', '/panel/api/invitations', { email: `${roleId}@x.test`, roleId })).statusCode,
        roleId,
      ).toBe(403);
    expect(
      (await panelCall(t(), h.s, 'POST', '/panel/api/invitations', { email: 'peer@x.test', roleId: hr.id })).statusCode,
    ).toBe(200);
    expect((await panelCall(t(), h.s, 'PUT', `/panel/api/users/${dev.id}`, { disabled: true })).statusCode).toBe(403);
    const adminId = ((await panelCall(t(), admin, 'GET', '/panel/api/session')).json() as { user: { id: string } }).user.id;
    expect((await panelCall(t(), h.s, 'DELETE', `/panel/api/users/${adminId}`)).statusCode).toBe(403);
    expect((await panelCall(t(), h.s, 'DELETE', `/panel/api/users/${adminId}/sessions`)).statusCode).toBe(403);
    expect((await panelCall(t(), h.s, 'GET', `/panel/api/users/${adminId}/sessions`)).statusCode).toBe(403);
    expect((await panelCall(t(), admin, 'GET', '/panel/api/session')).statusCode).toBe(200);
  });

  it('prototype names as role ids, capabilities and rule types are no role, capability or type', async () => {
    const admin = await panelLogin(t());
    const ed = await member(t(), admin, 'editor');
    for (const name of PROTO) {
      expect(
        (await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: `${name}@x.test`, roleId: name })).statusCode,
        name,
      ).toBe(400);
      expect((await panelCall(t(), admin, 'PUT', `/panel/api/users/${ed.id}`, { roleId: name })).statusCode, name).toBe(400);
      expect(
        (await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: 'r', capabilities: [name] })).statusCode,
        name,
      ).toBe(400);
      expect(
        (await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: 'r', rules: [{ ctdName: name, canRead: true }] }))
          .statusCode,
        name,
      ).toBe(400);
      expect((await panelCall(t(), admin, 'PUT', `/panel/api/roles/${name}`, { name: 'r' })).statusCode, name).toBe(404);
      expect((await panelCall(t(), admin, 'DELETE', `/panel/api/users/${name}`)).statusCode, name).toBe(404);
    }
    const me = (await panelCall(t(), ed.s, 'GET', '/panel/api/session')).json() as { role: { id: string } };
    expect(me.role.id).toBe('editor');
  });

  it('a token is used once: not again, not as a session, not after its user is removed', async () => {
    const admin = await panelLogin(t());
    const inv = (
      await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: 'once@x.test', roleId: 'author' })
    ).json() as { url: string };
    const token = new URL(inv.url).hash.replace('#token=', '');
    expect((await t().call('GET', '/panel/api/session', { headers: { cookie: `flotilla_session=${token}` } })).statusCode).toBe(
      401,
    );
    const first = await t().call('POST', '/panel/api/invitations/accept', {
      body: { token, password: 'a long enough password' },
    });
    expect(first.statusCode).toBe(200);
    const id = (first.json() as { user: { id: string } }).user.id;
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/users/${id}`)).statusCode).toBe(204);
    expect(
      (await t().call('POST', '/panel/api/invitations/accept', { body: { token, password: 'a long enough password' } }))
        .statusCode,
    ).toBe(403);
    for (const bad of ['', 'x'.repeat(5000), { $ne: null }, ['a'], null])
      expect(
        (await t().call('POST', '/panel/api/invitations/accept', { body: { token: bad, password: 'a long enough password' } }))
          .statusCode,
      ).toBe(403);
  });

  it('a role change racing requests: once the change is answered, no later request has the old role', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('race', { title: text() }) });
    const admin = await panelLogin(t());
    const ed = await member(t(), admin, 'editor');
    for (let i = 0; i < 30; i++)
      await t().call('POST', '/api/v1/content/race', { key: t().rw, body: { id: `r${i}`, title: 'x' } });
    const before = Array.from({ length: 10 }, (_, i) => panelCall(t(), ed.s, 'DELETE', `/panel/api/v1/content/race/r${i}`));
    const change = await panelCall(t(), admin, 'PUT', `/panel/api/users/${ed.id}`, { roleId: 'author' });
    expect(change.statusCode).toBe(200);
    await Promise.all(before);
    const after = await Promise.all(
      Array.from({ length: 20 }, (_, i) => panelCall(t(), ed.s, 'DELETE', `/panel/api/v1/content/race/r${i + 10}`)),
    );
    expect(after.map((r) => r.statusCode)).toEqual(Array(20).fill(403));
    const left = (await t().call('GET', '/api/v1/content/race?limit=100', { key: t().rw })).json() as { total_count: number };
    expect(left.total_count).toBeGreaterThanOrEqual(20);
  });
});
