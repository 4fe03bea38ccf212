import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { ADMIN, panelCall, panelLogin, useTestApp } from '../support/test-app.js';
import { member, PASSWORD } from '../support/members.js';

const ok = (status: number) => status >= 200 && status < 300;

describe.each(dialectsUnderTest())('users, invitations and roles on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000' });

  it('each predefined role reaches what the role table gives it, and nothing else', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('post', { title: text() }, { draftPublic: true }),
    });
    const admin = await panelLogin(t());
    // the role table of issue 16, row by row (true: allowed)
    const table: Record<string, Record<string, boolean>> = {
      administrator: {
        users: true,
        keys: true,
        audit: true,
        ctdWrite: true,
        read: true,
        create: true,
        update: true,
        del: true,
        publish: true,
        webhooks: true,
        media: true,
        invite: true,
      },
      developer: {
        users: false,
        keys: false,
        audit: false,
        ctdWrite: true,
        read: true,
        create: true,
        update: true,
        del: true,
        publish: true,
        webhooks: true,
        media: true,
        invite: false,
      },
      editor: {
        users: false,
        keys: false,
        audit: false,
        ctdWrite: false,
        read: true,
        create: true,
        update: true,
        del: true,
        publish: true,
        webhooks: false,
        media: true,
        invite: false,
      },
      author: {
        users: false,
        keys: false,
        audit: false,
        ctdWrite: false,
        read: true,
        create: true,
        update: true,
        del: false,
        publish: false,
        webhooks: false,
        media: true,
        invite: false,
      },
    };
    for (const [roleId, may] of Object.entries(table)) {
      const m = await member(t(), admin, roleId);
      expect(m.role.id).toBe(roleId);
      const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
        panelCall(t(), m.s, method, url, body);
      const id = `o-${roleId}`;
      // objects are made by the read-write key, so each row is tested on its own
      await t().call('POST', '/api/v1/content/post', { key: rw, body: { id, title: 'x' } });
      const got: Record<string, boolean> = {
        users: ok((await call('GET', '/panel/api/users')).statusCode),
        keys: ok((await call('GET', '/panel/api/keys')).statusCode),
        audit: ok((await call('GET', '/panel/api/audit')).statusCode),
        ctdWrite: ok(
          (await call('POST', '/panel/api/v1/internal/contenttype', ctd(`t_${roleId}`, { title: text() }))).statusCode,
        ),
        read: ok((await call('GET', '/panel/api/v1/content/post')).statusCode),
        create: ok((await call('POST', '/panel/api/v1/content/post', { id: `${id}-new`, title: 'n' })).statusCode),
        update: ok((await call('PUT', `/panel/api/v1/content/post/${id}`, { id, title: 'changed' })).statusCode),
        publish: ok((await call('POST', `/panel/api/v1/content/post/${id}/publish`)).statusCode),
        del: ok((await call('DELETE', `/panel/api/v1/content/post/${id}`)).statusCode),
        webhooks: ok((await call('GET', '/panel/api/v1/content/_webhooks')).statusCode),
        media: ok((await call('GET', '/panel/api/v1/content/_media')).statusCode),
        invite: ok(
          (await call('POST', '/panel/api/invitations', { email: `x-${roleId}@example.test`, roleId: 'author' })).statusCode,
        ),
      };
      expect({ roleId, ...got }).toEqual({ roleId, ...may });
      // refusals are 403, not 401: the session is valid
      if (!may.users) expect((await call('GET', '/panel/api/users')).statusCode).toBe(403);
      if (!may.publish) expect((await call('POST', `/panel/api/v1/content/post/${id}-new/publish`)).statusCode).toBe(403);
      // everyone reads the roles and their own session, with its role and capabilities
      expect((await call('GET', '/panel/api/roles')).statusCode).toBe(200);
      const me = (await call('GET', '/panel/api/session')).json() as { role: { id: string; capabilities: string[] } };
      expect(me.role.id).toBe(roleId);
    }
  });

  it('a custom role: its rules and capabilities, nothing more; role changes hold from the next request', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('news', { title: text() }) });
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('secret', { title: text() }) });
    await t().call('POST', '/api/v1/content/secret', { key: rw, body: { id: 's1', title: 'hidden' } });
    const admin = await panelLogin(t());
    const bad = await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: 'x', rules: [], capabilities: ['everything'] });
    expect(bad.statusCode).toBe(400);
    const res = await panelCall(t(), admin, 'POST', '/panel/api/roles', {
      name: 'News desk',
      rules: [{ ctdName: 'news', canRead: true, canCreate: true, canUpdate: false, canDelete: false }],
      capabilities: ['keys'],
    });
    expect(res.statusCode, res.body).toBe(200);
    const role = res.json() as { id: string; predefined: boolean };
    expect(role.predefined).toBe(false);
    const roles = (await panelCall(t(), admin, 'GET', '/panel/api/roles')).json() as { id: string }[];
    expect(roles.slice(0, 4).map((r) => r.id)).toEqual(['administrator', 'developer', 'editor', 'author']);
    const m = await member(t(), admin, role.id);
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
      panelCall(t(), m.s, method, url, body);
    expect((await call('POST', '/panel/api/v1/content/news', { id: 'n1', title: 'hello' })).statusCode).toBe(200);
    expect((await call('PUT', '/panel/api/v1/content/news/n1', { id: 'n1', title: 'x' })).statusCode).toBe(403);
    expect((await call('GET', '/panel/api/v1/content/secret/s1')).statusCode).toBe(403);
    expect((await call('GET', '/panel/api/v1/content/secret')).statusCode).toBe(403);
    const types = (await call('GET', '/panel/api/v1/internal/contenttype?limit=100')).json() as { data: { name: string }[] };
    expect(types.data.map((d) => d.name)).toEqual(['news']);
    // keys: within its own rules only; application keys are not shown
    const keys = (await call('GET', '/panel/api/keys')).json() as { kind: string }[];
    expect(keys.filter((k) => k.kind !== 'user-defined')).toEqual([]);
    expect(
      (await call('POST', '/panel/api/keys', { name: 'wide', rules: [{ ctdName: 'secret', canRead: true }] })).statusCode,
    ).toBe(403);
    expect(
      (await call('POST', '/panel/api/keys', { name: 'wider', rules: [{ ctdName: 'news', canRead: true, canDelete: true }] }))
        .statusCode,
    ).toBe(403);
    expect((await call('POST', '/panel/api/keys', { name: 'own', rules: [{ ctdName: 'news', canRead: true }] })).statusCode).toBe(
      200,
    );
    // the role widened: the very next request may update
    const widened = await panelCall(t(), admin, 'PUT', `/panel/api/roles/${role.id}`, {
      name: 'News desk',
      rules: [{ ctdName: 'news', canRead: true, canCreate: true, canUpdate: true, canDelete: false }],
      capabilities: [],
    });
    expect(widened.statusCode, widened.body).toBe(200);
    expect((await call('PUT', '/panel/api/v1/content/news/n1', { id: 'n1', title: 'x' })).statusCode).toBe(200);
    expect((await call('GET', '/panel/api/keys')).statusCode).toBe(403);
    // a role in use cannot be removed; a predefined one never
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/roles/${role.id}`)).statusCode).toBe(400);
    expect((await panelCall(t(), admin, 'DELETE', '/panel/api/roles/editor')).statusCode).toBe(400);
    expect((await panelCall(t(), admin, 'PUT', '/panel/api/users/' + m.id, { roleId: 'author' })).statusCode).toBe(200);
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/roles/${role.id}`)).statusCode).toBe(204);
  });

  it('invitations: single use under 10 concurrent accepts, expiring, for unused addresses only', async () => {
    const admin = await panelLogin(t());
    const inv = await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: 'race@example.test', roleId: 'editor' });
    const { url, expiresAt } = inv.json() as { url: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    const token = new URL(url).hash.replace('#token=', '');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t().call('POST', '/panel/api/invitations/accept', { body: { token, password: PASSWORD } }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, ...Array(9).fill(403)]);
    const users = (await panelCall(t(), admin, 'GET', '/panel/api/users')).json() as { email: string; roleId: string }[];
    expect(users.filter((u) => u.email === 'race@example.test')).toEqual([expect.objectContaining({ roleId: 'editor' })]);
    // used: refused again; the invited user signs in with the chosen password
    expect((await t().call('POST', '/panel/api/invitations/accept', { body: { token, password: PASSWORD } })).statusCode).toBe(
      403,
    );
    expect(
      (await t().call('POST', '/panel/api/session', { body: { email: 'race@example.test', password: PASSWORD } })).statusCode,
    ).toBe(200);
    // an address already used is refused at invitation time
    expect(
      (await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: ADMIN.email, roleId: 'editor' })).statusCode,
    ).toBe(400);
    expect(
      (await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: 'z@example.test', roleId: 'nope' })).statusCode,
    ).toBe(400);
    // expired: an invitation whose expiry has passed (the stored row aged by an outside connection)
    const old = await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email: 'late@example.test', roleId: 'author' });
    const oldToken = new URL((old.json() as { url: string }).url).hash.replace('#token=', '');
    await t().app.storage.panel.insertInvitation({
      tokenHash: (await import('node:crypto')).createHash('sha256').update('expired-token').digest('hex'),
      email: 'late2@example.test',
      roleId: 'author',
      createdBy: 'test',
      createdMs: Date.now() - 8 * 24 * 3600_000,
      expiresMs: Date.now() - 1000,
      usedMs: null,
    });
    expect(
      (await t().call('POST', '/panel/api/invitations/accept', { body: { token: 'expired-token', password: PASSWORD } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t().call('POST', '/panel/api/invitations/accept', { body: { token: oldToken, password: 'short' } })).statusCode,
    ).toBe(400);
    // a refused password does not spend the invitation
    expect(
      (await t().call('POST', '/panel/api/invitations/accept', { body: { token: oldToken, password: PASSWORD } })).statusCode,
    ).toBe(200);
  });

  it('the last administrator cannot be demoted, disabled or removed; disabling ends sessions at the next request', async () => {
    const admin = await panelLogin(t());
    const me = ((await panelCall(t(), admin, 'GET', '/panel/api/session')).json() as { user: { id: string } }).user.id;
    const others = ((await panelCall(t(), admin, 'GET', '/panel/api/users')).json() as { id: string; roleId: string }[]).filter(
      (u) => u.roleId === 'administrator' && u.id !== me,
    );
    for (const o of others) await panelCall(t(), admin, 'DELETE', `/panel/api/users/${o.id}`);
    expect((await panelCall(t(), admin, 'PUT', `/panel/api/users/${me}`, { roleId: 'editor' })).statusCode).toBe(400);
    expect((await panelCall(t(), admin, 'PUT', `/panel/api/users/${me}`, { disabled: true })).statusCode).toBe(400);
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/users/${me}`)).statusCode).toBe(400);
    // with a second administrator, two concurrent demotions leave one administrator
    const second = await member(t(), admin, 'administrator');
    const both = await Promise.all([
      panelCall(t(), admin, 'PUT', `/panel/api/users/${me}`, { roleId: 'editor' }),
      panelCall(t(), second.s, 'PUT', `/panel/api/users/${second.id}`, { roleId: 'editor' }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect((await t().call('GET', '/panel/api/users')).statusCode).toBe(401);
    const users = await t().app.storage.panel.listUsers();
    expect(users.filter((u) => u.roleId === 'administrator' && !u.disabled)).toHaveLength(1);
    const boss = users.find((u) => u.roleId === 'administrator')!;
    const bossS = boss.id === me ? admin : second.s;
    // restore: the demoted one back to administrator (for the other tests)
    const demoted = boss.id === me ? second.id : me;
    expect((await panelCall(t(), bossS, 'PUT', `/panel/api/users/${demoted}`, { roleId: 'administrator' })).statusCode).toBe(200);
    // disable a member: their session is refused at its next request; they cannot sign in again
    const ed = await member(t(), bossS, 'editor');
    expect((await panelCall(t(), ed.s, 'GET', '/panel/api/session')).statusCode).toBe(200);
    expect((await panelCall(t(), bossS, 'PUT', `/panel/api/users/${ed.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await panelCall(t(), ed.s, 'GET', '/panel/api/session')).statusCode).toBe(401);
    expect((await t().call('POST', '/panel/api/session', { body: { email: ed.email, password: PASSWORD } })).statusCode).toBe(
      401,
    );
  });

  it('password changes and sessions: own sessions listed and ended; an administrator ends anyone’s; all audited', async () => {
    const admin = await panelLogin(t());
    const m = await member(t(), admin, 'author');
    const second = await t().call('POST', '/panel/api/session', { body: { email: m.email, password: PASSWORD } });
    const s2 = {
      cookie: `flotilla_session=${second.cookies.find((c) => c.name === 'flotilla_session')!.value}`,
      csrf: second.json().csrfToken,
    };
    const mine = (await panelCall(t(), m.s, 'GET', '/panel/api/sessions')).json() as { id: string; current: boolean }[];
    expect(mine).toHaveLength(2);
    const other = mine.find((x) => !x.current)!;
    expect((await panelCall(t(), m.s, 'DELETE', `/panel/api/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await panelCall(t(), s2, 'GET', '/panel/api/session')).statusCode).toBe(401);
    // an author may not see or end another user's sessions
    const adminId = ((await panelCall(t(), admin, 'GET', '/panel/api/session')).json() as { user: { id: string } }).user.id;
    expect((await panelCall(t(), m.s, 'GET', `/panel/api/users/${adminId}/sessions`)).statusCode).toBe(403);
    expect((await panelCall(t(), m.s, 'DELETE', `/panel/api/users/${adminId}/sessions`)).statusCode).toBe(403);
    // password change: the current password first; this session stays, others end
    const s3 = await t().call('POST', '/panel/api/session', { body: { email: m.email, password: PASSWORD } });
    const s3s = {
      cookie: `flotilla_session=${s3.cookies.find((c) => c.name === 'flotilla_session')!.value}`,
      csrf: s3.json().csrfToken,
    };
    expect(
      (
        await panelCall(t(), m.s, 'POST', '/panel/api/session/password', {
          password: 'wrong one!',
          newPassword: 'another long one',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await panelCall(t(), m.s, 'POST', '/panel/api/session/password', { password: PASSWORD, newPassword: 'another long one' }))
        .statusCode,
    ).toBe(204);
    expect((await panelCall(t(), m.s, 'GET', '/panel/api/session')).statusCode).toBe(200);
    expect((await panelCall(t(), s3s, 'GET', '/panel/api/session')).statusCode).toBe(401);
    // the administrator ends all of the member's sessions
    expect((await panelCall(t(), admin, 'GET', `/panel/api/users/${m.id}/sessions`)).statusCode).toBe(200);
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/users/${m.id}/sessions`)).statusCode).toBe(204);
    expect((await panelCall(t(), m.s, 'GET', '/panel/api/session')).statusCode).toBe(401);
    const audit = (await panelCall(t(), admin, 'GET', '/panel/api/audit?limit=200')).json() as { action: string }[];
    const actions = new Set(audit.map((a) => a.action));
    for (const a of [
      'user.invited',
      'user.joined',
      'session.started',
      'session.ended',
      'sessions.ended',
      'user.password-changed',
      'user.updated',
      'role.created',
      'role.updated',
      'role.removed',
      'user.removed',
    ])
      expect(actions, a).toContain(a);
  });
  it('a planned publication acts for its maker as they are when it runs: demoted, disabled or removed, it does not run', async () => {
    // this test runs the due plans itself: the app's own poll would race it to them
    await t().app.services.publications.stop();
    const rw = t().rw;
    const made = await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('planned', { title: text() }, { draftPublic: true }),
    });
    expect(made.statusCode, made.body).toBe(200);
    const admin = await panelLogin(t());
    const makers = ['kept', 'demoted', 'disabled', 'gone'] as const;
    const at = new Date(Date.now() + 3600_000).toISOString();
    const who: Record<string, { id: string }> = {};
    for (const id of makers) {
      expect((await t().call('POST', '/api/v1/content/planned', { key: rw, body: { id, title: id } })).statusCode).toBe(200);
      const ed = await member(t(), admin, 'editor');
      who[id] = ed;
      const plan = await panelCall(t(), ed.s, 'PUT', `/panel/api/content/planned/${id}/schedule`, { action: 'publish', at });
      expect(plan.statusCode, plan.body).toBe(200);
    }
    expect((await panelCall(t(), admin, 'PUT', `/panel/api/users/${who.demoted.id}`, { roleId: 'author' })).statusCode).toBe(200);
    expect((await panelCall(t(), admin, 'PUT', `/panel/api/users/${who.disabled.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await panelCall(t(), admin, 'DELETE', `/panel/api/users/${who.gone.id}`)).statusCode).toBe(204);
    // make the plans due (the clock is real: move the plans, not the time), each still its maker's
    const storage = t().app.storage;
    for (const id of makers) {
      const plan = (await storage.getSchedule('planned', id))!;
      expect(plan.createdBy).toBe(`user:${who[id].id}`);
      await storage.scheduleObject({ ...plan, atMs: Date.now() - 1 });
    }
    expect(await t().app.services.publications.runDue()).toBe(4);
    const status = async (id: string) => (await t().call('GET', `/api/v1/content/planned/${id}`, { key: t().ro })).statusCode;
    expect(await status('kept')).toBe(200);
    for (const id of ['demoted', 'disabled', 'gone']) {
      expect(await status(id), id).toBe(404);
      // void, not postponed: the plan is gone
      expect(await storage.getSchedule('planned', id)).toBeUndefined();
    }
  });
});
