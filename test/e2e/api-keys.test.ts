import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { launchChromium, newContext, signIn, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';
import { decodeQr } from './support/qr.js';

/**
 * The API keys page in Chromium against a real server: every key a person copies or scans is then used against
 * the real API, so what the Panel shows is proven to be what the server accepts.
 */
describe.skipIf(!inject('browserAvailable'))('the API keys page', { timeout: 60_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    const rw = s.t.rw;
    expect(
      (
        await s.api(
          'POST',
          '/api/v1/internal/contenttype',
          rw,
          ctd('article', { title: text({ required: true, isTitlePart: true }) }),
        )
      ).status,
    ).toBe(200);
    expect((await s.api('POST', '/api/v1/internal/contenttype', rw, ctd('secret', { title: text() }))).status).toBe(200);
    expect((await s.api('POST', '/api/v1/content/article', rw, { id: 'a1', title: 'Hello' })).status).toBe(200);
    browser = await launchChromium();
    context = await newContext(browser, s.baseURL);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
  });

  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const card = (name: string | RegExp) => page.getByRole('article', { name });
  const notice = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
  const copyFrom = async (c: Locator) => {
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await c.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(clipboard).not.toBe('');
    return clipboard();
  };

  it('signs in and reaches the API keys from the avatar menu', async () => {
    await page.goto('/');
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await snap(page, 'sign-in');
    await signIn(page);
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'API keys' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'API keys', level: 1 }).isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    await expect.poll(() => card('Read only API KEY').isVisible()).toBe(true);
    await snap(page, 'api-keys');
  });

  it('masks the read-only key, copies it to the clipboard, and the API accepts the copy', async () => {
    const ro = card('Read only API KEY');
    expect(await ro.textContent()).not.toContain(s.t.ro);
    expect(await ro.getByRole('button', { name: 'Remove' }).isDisabled()).toBe(true);
    await ro.getByRole('button', { name: 'Show key' }).click();
    await expect.poll(() => ro.textContent()).toContain(s.t.ro);
    await ro.getByRole('button', { name: 'Hide key' }).click();
    await expect.poll(() => ro.textContent()).not.toContain(s.t.ro);

    const copied = await copyFrom(ro);
    expect(copied).toBe(s.t.ro);
    await expect.poll(() => notice(/copied to the clipboard/).isVisible()).toBe(true);
    expect((await s.api('GET', '/api/v1/content/article', copied)).status).toBe(200);
    expect((await s.api('POST', '/api/v1/content/article', copied, { title: 'x' })).status).toBe(403);

    // revealing and copying went to the audit trail, and the page lists them
    const activity = page.getByRole('region', { name: 'Recent key activity' });
    await expect.poll(() => activity.textContent()).toContain('copied Read only API KEY');
    expect(await activity.textContent()).toContain('revealed Read only API KEY');
  });

  it('shows a QR code that decodes to the key', async () => {
    await card('Read only API KEY').getByRole('button', { name: 'QR code' }).click();
    const dialog = page.getByRole('dialog', { name: /QR code/ });
    const code = dialog.getByRole('img', { name: /QR code of the key/ });
    await expect.poll(() => code.isVisible()).toBe(true);
    await snap(page, 'api-keys-qr');
    expect(await decodeQr(await code.screenshot())).toBe(s.t.ro);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent key activity' }).textContent())
      .toContain('showed the QR code of Read only API KEY');
  });

  it('regenerates the read-only key after confirmation; the old value is refused at once', async () => {
    const ro = card('Read only API KEY');
    const old = s.t.ro;
    await ro.getByRole('button', { name: 'Regenerate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Regenerate this key?' });
    await snap(page, 'api-keys-regenerate-confirm');
    await confirm.getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => notice(/new value was generated/).isVisible()).toBe(true);
    expect((await s.api('GET', '/api/v1/content/article', old)).status).toBe(401);
    const fresh = await copyFrom(ro);
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^fla_ro_/);
    expect((await s.api('GET', '/api/v1/content/article', fresh)).status).toBe(200);
  });

  it('creates a user-defined key with a rule; the key can do exactly what the rule says; then it is removed', async () => {
    await page.getByRole('button', { name: 'Add new API key' }).click();
    const fresh = card('New API key');
    await expect.poll(() => fresh.getByText('Save API key to generate token').isVisible()).toBe(true);
    await fresh.getByLabel('Key name').fill('Website');
    const key = card('Website');
    await key.getByRole('button', { name: 'Add rule' }).click();
    const rule = key.getByRole('group', { name: /^Rule for/ });
    const types = await rule.getByLabel('Content type').locator('option').allTextContents();
    expect(types).toContain('Media (internal)');
    await rule.getByLabel('Content type').selectOption({ label: 'Article' });
    expect(await rule.getByLabel('Read').isChecked()).toBe(true);
    expect(await key.getByText('Not saved yet').isVisible()).toBe(true);
    await snap(page, 'api-keys-new-key');
    await key.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(/“Website” was created/).isVisible()).toBe(true);
    expect(await key.getByText('Save API key to generate token').count()).toBe(0);

    const value = await copyFrom(key);
    expect(value).toMatch(/^fla_u_/);
    expect((await s.api('GET', '/api/v1/content/article', value)).status).toBe(200);
    expect((await s.api('POST', '/api/v1/content/article', value, { title: 'denied' })).status).toBe(403);
    expect((await s.api('GET', '/api/v1/content/secret', value)).status).toBe(403);

    // a change is visible as unsaved until saved, and takes effect once saved
    await rule.getByLabel('Create').check();
    expect(await key.getByText('Unsaved changes').isVisible()).toBe(true);
    await snap(page, 'api-keys-unsaved');
    expect((await s.api('POST', '/api/v1/content/article', value, { title: 'still denied' })).status).toBe(403);
    await key.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(/“Website” was saved/).isVisible()).toBe(true);
    expect(await key.getByText('Unsaved changes').count()).toBe(0);
    expect((await s.api('POST', '/api/v1/content/article', value, { title: 'allowed' })).status).toBe(200);

    await key.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog', { name: 'Remove this key?' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => notice(/“Website” was removed/).isVisible()).toBe(true);
    expect(await card('Website').count()).toBe(0);
    expect((await s.api('GET', '/api/v1/content/article', value)).status).toBe(401);
  });

  it('refuses to save a key without a name, at the name field', async () => {
    await page.getByRole('button', { name: 'Add new API key' }).click();
    const fresh = card('New API key');
    await fresh.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => fresh.getByText('The name is required').isVisible()).toBe(true);
    expect(await fresh.getByLabel('Key name').getAttribute('aria-invalid')).toBe('true');
    await fresh.getByRole('button', { name: 'Discard' }).click();
    expect(await card('New API key').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
