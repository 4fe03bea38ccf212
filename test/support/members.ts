import { expect } from 'vitest';
import { panelCall, type TestApp } from './test-app.js';

type S = { cookie: string; csrf: string };
export const PASSWORD = 'a long enough password';
let n = 0;

/** An administrator invites `email` with `roleId`; the invitee accepts and is signed in (the accept's session). */
export async function member(t: TestApp, admin: S, roleId: string, email = `m${++n}-${Date.now()}@example.test`) {
  const inv = await panelCall(t, admin, 'POST', '/panel/api/invitations', { email, roleId });
  expect(inv.statusCode, inv.body).toBe(200);
  const token = new URL((inv.json() as { url: string }).url).hash.replace('#token=', '');
  const acc = await t.call('POST', '/panel/api/invitations/accept', { body: { token, password: PASSWORD } });
  expect(acc.statusCode, acc.body).toBe(200);
  const cookie = acc.cookies.find((c) => c.name === 'flotilla_session')!;
  const body = acc.json() as { csrfToken: string; user: { id: string }; role: { id: string } };
  return { s: { cookie: `flotilla_session=${cookie.value}`, csrf: body.csrfToken }, id: body.user.id, email, role: body.role };
}
