import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { member } from '../support/members.js';
import { ADMIN, panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

type S = { cookie: string; csrf: string };
const restoreUrl = (type: string, id: string, v: string | number) => `/panel/api/content/${type}/${id}/versions/${v}/restore`;

/** Issue 17, history: "Restore this version" writes a new version with the old fields, and the trail says who. */
describe.each(dialectsUnderTest())('restoring a version on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000' });

  async function setup(app: TestApp, suffix: string) {
    const rw = app.rw;
    const type = `memo${suffix}`;
    expect(
      (await app.call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd(type, { title: text(), body: text() }) }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.call('POST', `/api/v1/content/${type}`, { key: rw, body: { id: 'm1', title: 'one', body: 'first' } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.call('PATCH', `/api/v1/content/${type}/m1`, { key: rw, body: { title: 'two', body: 'second' } })).statusCode,
    ).toBe(200);
    return type;
  }
  const versions = async (app: TestApp, type: string) =>
    (
      (await app.call('GET', `/api/v1/content/${type}/m1/version?order_direction=asc`, { key: app.rw })).json() as {
        data: { version: number; title: string; body?: string; editor: string }[];
      }
    ).data;

  it('writes the old fields as a new version by the session user, and records "restored version n" in the audit trail', async () => {
    const type = await setup(t(), 'a');
    const admin = await panelLogin(t());
    const res = await panelCall(t(), admin, 'POST', restoreUrl(type, 'm1', 1));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ version: 3 });
    const now = (await t().call('GET', `/api/v1/content/${type}/m1`, { key: t().rw })).json();
    expect(now).toMatchObject({ title: 'one', body: 'first', internal: { latestVersion: 3 } });
    expect((await versions(t(), type)).map((v) => [v.version, v.title, v.editor])).toEqual([
      [1, 'one', 'Read and write API KEY'],
      [2, 'two', 'Read and write API KEY'],
      [3, 'one', ADMIN.email],
    ]);
    const audit = (await panelCall(t(), admin, 'GET', '/panel/api/audit')).json() as {
      actor: string;
      action: string;
      detail: Record<string, unknown>;
    }[];
    expect(audit.find((e) => e.action === 'object.restored')).toMatchObject({
      actor: ADMIN.email,
      detail: { type, id: 'm1', restored: 1, version: 3 },
    });
  });

  it('needs read and update on the type; a bad or unknown version is 404; a refusal writes nothing', async () => {
    const type = await setup(t(), 'b');
    const admin = await panelLogin(t());
    const roleOf = async (rules: unknown[]) => {
      const r = await panelCall(t(), admin, 'POST', '/panel/api/roles', { name: `r${Math.random()}`, rules, capabilities: [] });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { id: string }).id;
    };
    const reader = await member(t(), admin, await roleOf([{ ctdName: type, canRead: true }]));
    const updaterBlind = await member(t(), admin, await roleOf([{ ctdName: type, canUpdate: true }]));
    const author = await member(t(), admin, 'author');
    const call = (s: S, v: string | number) => panelCall(t(), s, 'POST', restoreUrl(type, 'm1', v));

    expect((await call(reader.s, 1)).statusCode).toBe(403);
    expect((await call(updaterBlind.s, 1)).statusCode).toBe(403);
    for (const bad of ['0', 'abc', '1e0', '-1', '99', '01']) expect((await call(admin, bad)).statusCode, bad).toBe(404);
    expect((await panelCall(t(), admin, 'POST', restoreUrl(type, 'nobody', 1))).statusCode).toBe(404);
    expect(await versions(t(), type)).toHaveLength(2);

    // an author may update (not delete or publish): restoring is an update
    const ok = await call(author.s, 1);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await versions(t(), type)).map((v) => [v.version, v.editor])).toContainEqual([3, author.email]);
  });
});
