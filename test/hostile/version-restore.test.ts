import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { member } from '../support/members.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';

/** Attacks on "Restore this version" (POST /panel/api/content/{type}/{id}/versions/{n}/restore). */
describe.each(dialectsUnderTest())('attacks on version restore on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000' });
  const url = (type: string, id: string, v: string | number) =>
    `/panel/api/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}/versions/${encodeURIComponent(String(v))}/restore`;

  it('no oracle on unreadable types, no restore without CSRF or with a key, prototype names are no type or id', async () => {
    const rw = t().rw;
    for (const name of ['notes', 'secret'])
      expect(
        (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd(name, { title: text() }) })).statusCode,
      ).toBe(200);
    await t().call('POST', '/api/v1/content/secret', { key: rw, body: { id: 's1', title: 'v1 secret' } });
    await t().call('PATCH', '/api/v1/content/secret/s1', { key: rw, body: { title: 'v2 secret' } });
    const admin = await panelLogin(t());
    const role = await panelCall(t(), admin, 'POST', '/panel/api/roles', {
      name: 'Notes only',
      rules: [{ ctdName: 'notes', canRead: true, canCreate: true, canUpdate: true, canDelete: false }],
      capabilities: [],
    });
    expect(role.statusCode, role.body).toBe(200);
    const m = await member(t(), admin, (role.json() as { id: string }).id);

    // an existing object, a missing one and a missing version of a type it cannot read all answer the same
    const answers = await Promise.all(
      [url('secret', 's1', 1), url('secret', 'nope', 1), url('secret', 's1', 99)].map((u) => panelCall(t(), m.s, 'POST', u)),
    );
    expect(answers.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    expect(new Set(answers.map((r) => r.body)).size).toBe(1);

    // without the CSRF header, or with an API key instead of a session: refused, nothing written
    expect((await panelCall(t(), admin, 'POST', url('secret', 's1', 1), undefined, false)).statusCode).toBe(403);
    const withKey = await t().call('POST', url('secret', 's1', 1), { key: rw });
    expect([401, 403]).toContain(withKey.statusCode);

    for (const bad of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty']) {
      expect((await panelCall(t(), admin, 'POST', url(bad, 's1', 1))).statusCode, bad).toBeGreaterThanOrEqual(400);
      expect((await panelCall(t(), admin, 'POST', url('secret', bad, 1))).statusCode, bad).toBe(404);
      expect((await panelCall(t(), admin, 'POST', url('secret', 's1', bad))).statusCode, bad).toBe(404);
    }
    const versions = await t().call('GET', '/api/v1/content/secret/s1/version', { key: rw });
    expect((versions.json() as { data: unknown[] }).data).toHaveLength(2);
    expect((await t().call('GET', '/api/v1/content/secret/s1', { key: rw })).json()).toMatchObject({ title: 'v2 secret' });
  });
});
