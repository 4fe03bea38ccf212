import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { Mailbox } from '../support/mailbox.js';
import { member } from '../support/members.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';

const mailbox = new Mailbox();
await mailbox.start();
afterAll(() => mailbox.stop());

/**
 * Hostile input against the audit trail's filters and the invitation e-mail: SQL and prototype names in filters,
 * repeated and oversized parameters, dates out of range; header injection through the invited address; a
 * non-administrator reading the trail or mailing invitations.
 */
describe.each(dialectsUnderTest())('audit filters and invitation mail under attack on %s', (dialect) => {
  const t = useTestApp(dialect, {
    FLOTILLA_SMTP_URL: `smtp://mailer:${encodeURIComponent('p@ss word/1')}@127.0.0.1:${mailbox.port}`,
    FLOTILLA_SMTP_FROM: 'flotilla@example.test',
  });
  let admin: { cookie: string; csrf: string };
  beforeAll(async () => {
    admin = await panelLogin(t());
    // a refused sign-in whose typed address is itself an attack: stored as text, matched only as text
    await t().call('POST', '/panel/api/session', { body: { email: "x' OR '1'='1", password: 'wrong password' } });
  });

  it('filters are values, never SQL or names: injection, prototype names and odd encodings match nothing', async () => {
    const all = (await panelCall(t(), admin, 'GET', '/panel/api/audit?limit=1000')).json() as { actor: string }[];
    expect(all.length).toBeGreaterThan(1);
    for (const q of [
      `actor=${encodeURIComponent("' OR '1'='1")}`,
      `actor=${encodeURIComponent('admin@example.test" OR 1=1 --')}`,
      `actor=${encodeURIComponent('%')}`,
      `actor=${encodeURIComponent('_')}`,
      `subject=${encodeURIComponent("x' OR key_id IS NOT NULL --")}`,
      'subject=__proto__',
      'actor=constructor',
    ]) {
      const res = await panelCall(t(), admin, 'GET', `/panel/api/audit?${q}`);
      expect(res.statusCode, q).toBe(200);
      expect(res.json(), q).toEqual([]);
    }
    // the typed address of the refused sign-in is found as the text it was, no more
    const typed = (await panelCall(t(), admin, 'GET', '/panel/api/audit?action=session.refused')).json() as {
      detail: { email: string };
    }[];
    expect(typed.map((e) => e.detail.email)).toEqual(["x' OR '1'='1"]);
    // names the contract does not know are refused, whatever they look like
    for (const q of [
      'kind=__proto__',
      'kind=constructor',
      'action=toString',
      'kind=key&kind=user',
      `actor=${'x'.repeat(321)}`,
      `subject=${'x'.repeat(201)}`,
      'from=2026-01-01T00:00:00Z%00',
      'from=%2B275760-09-13T00:00:00.000Z',
      'from=2026-01-01',
      'to=2026-02-30T00:00:00Z',
      'to=0',
      'before=1e400',
      'limit=NaN',
    ]) {
      const res = await panelCall(t(), admin, 'GET', `/panel/api/audit?${q}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(400);
    }
  });

  it('an address cannot smuggle headers or recipients into the invitation e-mail', async () => {
    const before = mailbox.received.length;
    for (const email of [
      'victim@example.test\r\nBcc: attacker@evil.test',
      'victim@example.test\nSubject: pwned',
      'victim@example.test, attacker@evil.test',
      'victim@example.test;attacker@evil.test',
      '"attacker@evil.test" <victim@example.test>',
      'victim@example.test>\r\nRCPT TO:<attacker@evil.test',
    ]) {
      const res = await panelCall(t(), admin, 'POST', '/panel/api/invitations', { email, roleId: 'author' });
      // one plain address or nothing: each is refused at its field, and no mail leaves
      expect(res.statusCode, email).toBe(400);
    }
    const sent = mailbox.received.slice(before);
    expect(sent.flatMap((m) => m.to).filter((to) => to.includes('evil'))).toEqual([]);
    expect(sent.filter((m) => /^(Bcc|Subject: pwned)/im.test(m.text))).toEqual([]);
  });

  it('only users managers invite (and so mail); an editor neither invites nor reads the trail', async () => {
    const ed = await member(t(), admin, 'editor');
    const before = mailbox.received.length;
    const res = await panelCall(t(), ed.s, 'POST', '/panel/api/invitations', { email: 'spam@example.test', roleId: 'author' });
    expect(res.statusCode).toBe(403);
    expect(mailbox.received.length).toBe(before);
    expect((await panelCall(t(), ed.s, 'GET', '/panel/api/audit?actor=admin%40example.test')).statusCode).toBe(403);
  });
});
