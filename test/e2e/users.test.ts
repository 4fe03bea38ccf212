import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { launchChromium, newContext, signIn, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

/**
 * Issue 16 in Chromium: an administrator invites an editor on the Users page, the editor opens the one-time link in
 * another browser, chooses a password, is signed in, and sees content but no API keys, content types, webhooks or
 * users; the same link does not work twice.
 */
describe.skipIf(!inject('browserAvailable'))('the Users page', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    const res = await s.api(
      'POST',
      '/api/v1/internal/contenttype',
      s.t.rw,
      ctd('article', { title: text({ isTitlePart: true }) }),
    );
    expect(res.status).toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('invites an editor, who joins through the link and sees only what an editor may use', async () => {
    const adminCtx = await newContext(browser, s.baseURL);
    const admin = await adminCtx.newPage();
    const adminErrors = watchErrors(admin);
    await signIn(admin);
    await admin.getByRole('button', { name: /User menu/ }).click();
    await admin.getByRole('menuitem', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await admin.getByLabel('E-mail').fill('editor@example.test');
    await admin.getByLabel('Role', { exact: true }).selectOption('editor');
    await admin.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/\/invite#token=[\w-]{20,}$/);
    await snap(admin, 'users-invited');

    const edCtx = await newContext(browser, s.baseURL);
    const ed = await edCtx.newPage();
    const edErrors = watchErrors(ed);
    await ed.goto(link);
    await ed.getByLabel('Choose a password').fill('an editor password');
    await ed.getByLabel('Repeat the password').fill('an editor password');
    await ed.getByRole('button', { name: 'Join' }).click();
    const nav = ed.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    await expect(nav.getByRole('link', { name: 'Content', exact: true }).isVisible()).resolves.toBe(true);
    for (const hidden of ['API keys', 'Content types', 'Webhooks'])
      expect(await nav.getByRole('link', { name: hidden, exact: true }).count(), hidden).toBe(0);
    await ed.getByRole('button', { name: /User menu/ }).click();
    expect(await ed.getByRole('menuitem', { name: 'API keys' }).count()).toBe(0);
    expect(await ed.getByRole('menuitem', { name: 'Users' }).count()).toBe(0);
    await snap(ed, 'users-editor-signed-in');

    // the server refuses what the Panel hides: the keys page's API answers 403 to the editor's session
    const status = await ed.evaluate(async () => (await fetch('/panel/api/keys', { credentials: 'same-origin' })).status);
    expect(status).toBe(403);

    // the link works once
    const again = await (await newContext(browser, s.baseURL)).newPage();
    await again.goto(link);
    await again.getByLabel('Choose a password').fill('another password');
    await again.getByLabel('Repeat the password').fill('another password');
    await again.getByRole('button', { name: 'Join' }).click();
    await again.getByText('This invitation is not valid').waitFor();

    // the administrator sees the new member with the Editor role
    await admin.reload();
    await expect(admin.getByLabel('Role of editor@example.test').inputValue()).resolves.toBe('editor');
    expect(adminErrors).toEqual([]);
    expect(edErrors).toEqual([]);
  });
});
