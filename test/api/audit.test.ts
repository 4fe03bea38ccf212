import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { member, PASSWORD } from '../support/members.js';
import { ADMIN, panelCall, panelLogin, startTestApp, useTestApp, type TestApp } from '../support/test-app.js';

interface Entry {
  id: number;
  at: string;
  actor: string;
  action: string;
  keyId: string | null;
  keyName: string | null;
  detail: Record<string, unknown>;
}

type S = { cookie: string; csrf: string };
const entries = async (t: TestApp, s: S, query = '') => {
  const res = await panelCall(t, s, 'GET', `/panel/api/audit${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Entry[];
};

/**
 * Issue 16, item 5: every user, role, invitation and session event is in the audit trail, and the trail is read
 * through filters (who, what kind of event, which key or user, when) one page at a time.
 */
describe.each(dialectsUnderTest())('the audit trail on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('holds every user, role, invitation and session event, each with who acted and on whom', async () => {
    // the administrator of FLOTILLA_ADMIN_EMAIL was created at start-up, by the system
    const admin = await panelLogin(t());
    const all = await entries(t(), admin, '?limit=1000');
    expect(all.find((e) => e.action === 'user.created')).toMatchObject({
      actor: 'system',
      keyName: ADMIN.email,
      detail: { via: 'environment', roleId: 'administrator' },
    });
    // a failed sign-in: by someone not signed in, with the address they typed and where from
    expect(
      (await t().call('POST', '/panel/api/session', { body: { email: ADMIN.email, password: 'not it at all' } })).statusCode,
    ).toBe(401);
    const [refused] = await entries(t(), admin, '?action=session.refused&limit=1');
    expect(refused).toMatchObject({ actor: 'anonymous', detail: { email: ADMIN.email } });
    expect(JSON.stringify(refused)).not.toContain('not it at all');

    const m = await member(t(), admin, 'author');
    const role = (
      await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: 'Audited role', rules: [], capabilities: [] })
    ).json() as {
      id: string;
    };
    await panelCall(t(), admin, 'PUT', `/panel/api/roles/${role.id}`, { name: 'Audited role 2' });
    await panelCall(t(), admin, 'PUT', `/panel/api/users/${m.id}`, { roleId: role.id });
    await panelCall(t(), m.s, 'POST', '/panel/api/session/password', { password: PASSWORD, newPassword: PASSWORD });
    await panelCall(t(), admin, 'DELETE', `/panel/api/users/${m.id}/sessions`);
    await panelCall(t(), admin, 'DELETE', `/panel/api/users/${m.id}`);
    await panelCall(t(), admin, 'DELETE', `/panel/api/roles/${role.id}`);
    const about = await entries(t(), admin, `?subject=${m.id}`);
    expect(about.map((e) => e.action).reverse()).toEqual([
      'user.joined',
      'session.started',
      'user.updated',
      'user.password-changed',
      'sessions.ended',
      'user.removed',
    ]);
    expect(about.every((e) => e.keyName === m.email)).toBe(true);
    expect(about.find((e) => e.action === 'user.updated')!.detail).toMatchObject({
      before: { roleId: 'author' },
      after: { roleId: role.id },
    });
    const roles = await entries(t(), admin, '?kind=role');
    expect(roles.slice(0, 3).map((e) => e.action)).toEqual(['role.removed', 'role.updated', 'role.created']);
    const invited = (await entries(t(), admin, '?action=user.invited'))[0];
    expect(invited).toMatchObject({ actor: ADMIN.email, detail: { email: m.email, roleId: 'author' } });
    // signing out
    const other = await panelLogin(t());
    await panelCall(t(), other, 'DELETE', '/panel/api/session');
    expect((await entries(t(), admin, '?kind=session&limit=1'))[0]).toMatchObject({
      action: 'session.ended',
      actor: ADMIN.email,
    });
  });

  it('each manager reads the part of the trail about what they manage; administrators read it all', async () => {
    const admin = await panelLogin(t());
    const role = async (name: string, capabilities: string[]) => {
      const r = await panelCall(t(), admin, 'POST', '/panel/api/roles', { name, rules: [], capabilities });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { id: string }).id;
    };
    const keysOnly = await member(t(), admin, await role('Keys desk', ['keys']));
    const usersOnly = await member(t(), admin, await role('People desk', ['users']));
    const made = await panelCall(t(), keysOnly.s, 'POST', '/panel/api/keys', { name: 'desk key', rules: [] });
    expect(made.statusCode, made.body).toBe(200);
    await t().call('POST', '/panel/api/session', { body: { email: usersOnly.email, password: 'wrong password here' } });

    const kinds = (list: Entry[]) =>
      [...new Set(list.map((e) => e.action.slice(0, e.action.indexOf('.')).replace(/s$/, '')))].sort();
    expect(kinds(await entries(t(), admin, '?limit=1000'))).toEqual(expect.arrayContaining(['key', 'role', 'session', 'user']));
    expect(kinds(await entries(t(), keysOnly.s, '?limit=1000'))).toEqual(['key']);
    expect(await entries(t(), keysOnly.s, '?kind=session')).toEqual([]);
    const people = await entries(t(), usersOnly.s, '?limit=1000');
    expect(kinds(people).every((k) => ['user', 'role', 'session'].includes(k))).toBe(true);
    expect(people.some((e) => e.action === 'session.refused')).toBe(true);
    expect(await entries(t(), usersOnly.s, '?kind=key')).toEqual([]);
  });

  it('the first administrator made through the setup link is audited too', async () => {
    const bare = await startTestApp(dialect, { FLOTILLA_ADMIN_EMAIL: '', FLOTILLA_ADMIN_PASSWORD: '' });
    try {
      const token = bare.app.setupToken!;
      expect(token).toBeTruthy();
      const res = await bare.call('POST', '/panel/api/setup', {
        body: { token, email: 'first@example.test', password: 'a long enough password' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const s = {
        cookie: `flotilla_session=${res.cookies.find((c) => c.name === 'flotilla_session')!.value}`,
        csrf: res.json().csrfToken,
      };
      const made = await entries(bare, s, '?kind=user');
      expect(made).toEqual([
        expect.objectContaining({
          action: 'user.created',
          actor: 'first@example.test',
          detail: { via: 'setup', roleId: 'administrator' },
        }),
      ]);
    } finally {
      await bare.app.close();
      await bare.db.drop();
    }
  });

  it('filters by actor, kind, action, subject and time, a page at a time, and refuses what it cannot read', async () => {
    const admin = await panelLogin(t());
    const ed = await member(t(), admin, 'editor');
    // the editor's own sign-ins are theirs; an editor may not read the trail
    await panelLogin(t(), { email: ed.email, password: PASSWORD });
    expect((await panelCall(t(), ed.s, 'GET', '/panel/api/audit')).statusCode).toBe(403);
    const byEditor = await entries(t(), admin, `?actor=${encodeURIComponent(ed.email)}`);
    expect(byEditor.length).toBeGreaterThanOrEqual(3);
    expect(byEditor.every((e) => e.actor === ed.email)).toBe(true);
    const sessions = await entries(t(), admin, '?kind=session&limit=1000');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((e) => /^sessions?\./.test(e.action))).toBe(true);
    expect(new Set(sessions.map((e) => e.action))).toEqual(
      new Set(['session.started', 'session.refused', 'session.ended', 'sessions.ended']),
    );
    // kind and actor together
    const both = await entries(t(), admin, `?kind=user&actor=${encodeURIComponent(ed.email)}`);
    expect(both.map((e) => e.action)).toEqual(['user.joined']);

    // time: entries from a moment on, and until a moment (exclusive)
    const all = await entries(t(), admin, '?limit=1000');
    const middle = all[Math.floor(all.length / 2)];
    const from = await entries(t(), admin, `?limit=1000&from=${encodeURIComponent(middle.at)}`);
    expect(from.every((e) => e.at >= middle.at)).toBe(true);
    expect(from.map((e) => e.id)).toContain(middle.id);
    const until = await entries(t(), admin, `?limit=1000&to=${encodeURIComponent(middle.at)}`);
    expect(until.every((e) => e.at < middle.at)).toBe(true);
    expect(from.length + until.length).toBe(all.length);

    // pages: `before` the last id of a page gives the next one, newest first, with no entry twice or missed
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await entries(t(), admin, `?limit=3${before === undefined ? '' : `&before=${before}`}`);
      seen.push(...page.map((e) => e.id));
      if (page.length < 3) break;
      before = page[page.length - 1].id;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    // what the contract refuses: 400, with the field named
    for (const bad of [
      '?kind=everything',
      '?action=user.hacked',
      '?from=yesterday',
      '?to=2026-13-45T99:00:00Z',
      '?limit=0',
      '?limit=1001',
      `?actor=${'a'.repeat(400)}`,
      '?before=-1',
      '?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const res = await panelCall(t(), admin, 'GET', `/panel/api/audit${bad}`);
      expect(res.statusCode, `${bad}: ${res.body}`).toBe(400);
    }
    // a filter that matches nothing is an empty page, not an error
    expect(await entries(t(), admin, '?actor=nobody%40example.test')).toEqual([]);
  });
});
