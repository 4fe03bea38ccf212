import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { dialectsUnderTest } from '../support/databases.js';
import { Mailbox } from '../support/mailbox.js';
import { PASSWORD } from '../support/members.js';
import { capturedLogs, panelCall, panelLogin, startTestApp, useTestApp } from '../support/test-app.js';

const FROM = 'Flotilla <flotilla@example.test>';
const mailbox = new Mailbox();
await mailbox.start();
afterAll(() => mailbox.stop());

/**
 * Issue 16, item 1's optional SMTP setting: with FLOTILLA_SMTP_URL and FLOTILLA_SMTP_FROM an invitation is also sent
 * by e-mail, through a real SMTP server started here (with credentials from the URL); without them, or when the mail
 * server refuses, the link is only shown in the Panel, as before, and still works.
 */
describe.each(dialectsUnderTest())('invitations by e-mail on %s', (dialect) => {
  const t = useTestApp(dialect, {
    FLOTILLA_SMTP_URL: `smtp://mailer:${encodeURIComponent('p@ss word/1')}@127.0.0.1:${mailbox.port}`,
    FLOTILLA_SMTP_FROM: FROM,
    FLOTILLA_PUBLIC_URL: 'https://cms.example.test',
  });
  let admin: { cookie: string; csrf: string };
  beforeAll(async () => {
    admin = await panelLogin(t());
  });

  it('sends the one-time link to the invitee, from the configured sender, signed in to the mail server', async () => {
    const before = mailbox.received.length;
    const res = await panelCall(t(), admin, 'POST', '/panel/api/invitations', {
      email: `new-${dialect}@example.test`,
      roleId: 'editor',
    });
    expect(res.statusCode, res.body).toBe(200);
    const made = res.json() as { url: string; expiresAt: string; sent: boolean };
    expect(made.sent).toBe(true);
    expect(made.url).toMatch(/^https:\/\/cms\.example\.test\/invite#token=[\w-]{20,}$/);
    expect(mailbox.received.length).toBe(before + 1);
    const mail = mailbox.received[before];
    expect(mail.from).toBe('flotilla@example.test');
    expect(mail.to).toEqual([`new-${dialect}@example.test`]);
    expect(mail.user).toBe('mailer');
    expect(mail.text).toMatch(/^Subject: You are invited to Flotilla$/m);
    expect(mail.text).toContain('admin@example.test invited you');
    // the link in the mail is the one the Panel shows, and it lets the invitee in
    const link = /https:\/\/cms\.example\.test\/invite#token=[\w-]+/.exec(mail.text)?.[0];
    expect(link).toBe(made.url);
    const token = new URL(link!).hash.replace('#token=', '');
    const accepted = await t().call('POST', '/panel/api/invitations/accept', { body: { token, password: PASSWORD } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const audit = (await panelCall(t(), admin, 'GET', '/panel/api/audit?action=user.invited&limit=1')).json() as {
      detail: Record<string, unknown>;
    }[];
    expect(audit[0].detail).toMatchObject({ email: `new-${dialect}@example.test`, sent: true });
  });

  it('a mail server that refuses: the invitation stands, the Panel is told it was not sent, the log holds no token', async () => {
    mailbox.refuseRecipients = true;
    try {
      const res = await panelCall(t(), admin, 'POST', '/panel/api/invitations', {
        email: `refused-${dialect}@example.test`,
        roleId: 'author',
      });
      expect(res.statusCode, res.body).toBe(200);
      const made = res.json() as { url: string; sent: boolean };
      expect(made.sent).toBe(false);
      const token = new URL(made.url).hash.replace('#token=', '');
      expect(capturedLogs.some((l) => l.includes('invitation e-mail not sent'))).toBe(true);
      expect(capturedLogs.filter((l) => l.includes(token))).toEqual([]);
      const accepted = await t().call('POST', '/panel/api/invitations/accept', { body: { token, password: PASSWORD } });
      expect(accepted.statusCode).toBe(200);
    } finally {
      mailbox.refuseRecipients = false;
    }
  });

  it('without FLOTILLA_SMTP_URL nothing is sent: the link is only shown', async () => {
    const plain = await startTestApp(dialect);
    try {
      const before = mailbox.received.length;
      const s = await panelLogin(plain);
      const res = await panelCall(plain, s, 'POST', '/panel/api/invitations', { email: 'quiet@example.test', roleId: 'author' });
      expect(res.statusCode).toBe(200);
      expect((res.json() as { sent: boolean }).sent).toBe(false);
      expect(mailbox.received.length).toBe(before);
    } finally {
      await plain.app.close();
      await plain.db.drop();
    }
  });
});

describe('the SMTP settings', () => {
  const base = { FLOTILLA_DATA_DIR: '/tmp/flotilla-config-test' };
  it('need a sender, and an smtp:// or smtps:// URL', () => {
    expect(() => loadConfig({ ...base, FLOTILLA_SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(/FLOTILLA_SMTP_FROM/);
    expect(() => loadConfig({ ...base, FLOTILLA_SMTP_URL: 'http://127.0.0.1:25', FLOTILLA_SMTP_FROM: FROM })).toThrow(
      /smtp:\/\/ or smtps:\/\//,
    );
    expect(loadConfig({ ...base, FLOTILLA_SMTP_URL: 'smtps://u:p@mail.example.test', FLOTILLA_SMTP_FROM: FROM }).smtp).toEqual({
      url: 'smtps://u:p@mail.example.test',
      from: FROM,
    });
    expect(loadConfig(base).smtp).toBeUndefined();
  });
});
