import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { DESKTOP, expectNoHorizontalOverflow, launchChromium, newContext, PHONE, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

const OWNER = { email: 'owner@example.test', password: 'a long enough password' };

/** First-run setup, sign-out, keyboard use, the media library, and the layouts of every page at two sizes. */
describe.skipIf(!inject('browserAvailable'))('first run, navigation, media and layout', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // no administrator configured: the server prints a one-time setup link instead
    s = await startPanelServer('sqlite', { FLOTILLA_ADMIN_EMAIL: '', FLOTILLA_ADMIN_PASSWORD: '' });
    expect(s.t.app.setupToken).toBeTruthy();
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

  const notice = (t: string | RegExp) => page.getByRole('status').filter({ hasText: t });
  const heading = (name: string) => page.getByRole('heading', { name, level: 1 });

  async function fillSetup(token: string) {
    await page.goto(`/setup#token=${token}`);
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
  }

  it('creates the first administrator from the one-time setup link', async () => {
    await fillSetup('not-the-token');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'This setup link is not valid' }).isVisible()).toBe(true);
    await snap(page, 'setup');
    await fillSetup(s.t.app.setupToken!);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/content-types');
    // the link works once
    await page.goto('/setup');
    await expect.poll(() => heading('Flotilla is set up').isVisible()).toBe(true);
  });

  it('signs out from the avatar menu, and signs in again with the keyboard alone', async () => {
    await page.goto('/content-types');
    await page.getByRole('button', { name: /User menu/ }).click();
    await snap(page, 'avatar-menu');
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect.poll(() => notice('You are signed out.').isVisible()).toBe(true);
    expect((await fetch(`${s.baseURL}/panel/api/keys`)).status).toBe(401);

    await page.getByLabel('E-mail').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('signin-email');
    await page.keyboard.type(OWNER.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OWNER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // the avatar menu: Enter opens it on its first item, arrows move, Escape closes it back to the avatar
    const avatar = page.getByRole('button', { name: /User menu/ });
    await avatar.focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await expect.poll(focused).toBe('API keys');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Users');
    // from the first item, up wraps to the last
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('Sign out');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('menu').count()).toBe(0);
    expect(await avatar.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('API keys');
    await page.keyboard.press('Enter');
    await expect.poll(() => heading('API keys').isVisible()).toBe(true);

    // every button of the page can be reached with Tab
    const names = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      names.add(
        (await page.evaluate(
          () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim(),
        )) ?? '',
      );
    }
    for (const n of ['Show key', 'Copy', 'QR code', 'Regenerate', 'Add new API key']) expect(names).toContain(n);
  });

  it('lists, previews and deletes media', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#d33' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('type', 'image');
    form.append('file', new Blob([png], { type: 'image/png' }), 'red.png');
    const up = await fetch(`${s.baseURL}/api/media`, { method: 'POST', headers: { 'x-auth-token': s.t.rw }, body: form });
    expect(up.status).toBe(200);
    const media = (await up.json()) as { id: string };

    await page.getByRole('link', { name: 'Media' }).click();
    const tile = page.getByRole('button', { name: 'Preview red.png' });
    await tile.waitFor();
    // the thumbnail really loads (image route + the CSP's img-src)
    await expect.poll(() => tile.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await snap(page, 'media');
    await tile.click();
    const preview = page.getByRole('dialog', { name: 'red.png' });
    await expect.poll(() => preview.textContent()).toContain('64 × 48');
    await snap(page, 'media-preview');
    await preview.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this file?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByText('No media yet').isVisible()).toBe(true);
    expect((await s.api('GET', `/api/v1/content/_media/${media.id}`, s.t.ro)).status).toBe(404);

    // uploading from the page goes through the session (POST /panel/api/media) and lands in the library
    await page.getByLabel('Upload files').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Preview blue.png' }).waitFor();
    const listed = (
      await s.api(
        'GET',
        '/api/v1/content/_media?filters=' + encodeURIComponent('{"fileName":{"type":"equals","filter":"blue.png"}}'),
        s.t.ro,
      )
    ).json as { data: { width: number }[] };
    expect(listed.data.map((m) => m.width)).toEqual([64]);
  });

  it('fits 1280×800 and 390×844 on every page, with loading and empty states', async () => {
    const pages: [string, string][] = [
      ['/content-types', 'Content types'],
      ['/content-types/new', 'New content type'],
      ['/content', 'Content'],
      ['/content/_tag', 'Tag'],
      ['/media', 'Media'],
      ['/api-keys', 'API keys'],
      ['/audit', 'Audit trail'],
    ];
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const [path, title] of pages) {
        await page.goto(path);
        await heading(title).waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: /Loading/ })
          .waitFor({ state: 'detached' });
        await expectNoHorizontalOverflow(page);
        await snap(page, `layout-${size}${path.replaceAll('/', '-')}`);
      }
    }
    // on a phone the navigation folds behind the menu button
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    await nav.getByRole('link', { name: 'Content types' }).click();
    await heading('Content types').waitFor();
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: /User menu/ }).click();
    await expectNoHorizontalOverflow(page);
    await snap(page, 'layout-phone-avatar-menu');

    await page.context().clearCookies();
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectNoHorizontalOverflow(page);
    await snap(page, 'layout-phone-sign-in');
    expect(errors).toEqual([]);
  });
});
