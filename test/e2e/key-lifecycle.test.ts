import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { ADMIN } from '../support/test-app.js';
import { launchChromium, newContext, signIn, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

/** A page served from another local port (another origin), from which a site's script calls the API. */
async function startSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/')
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site</title><link rel="icon" href="data:,"></head><body></body></html>',
        );
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A `datetime-local` value, in the browser's time zone (the test and the browser share the machine's). */
const localInput = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

/**
 * Expiry, rotation with a grace window, limits and "Regenerate all keys" on the API keys page in Chromium, each
 * checked against the real API afterwards.
 */
describe.skipIf(!inject('browserAvailable'))('key lifecycle in the Panel', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let siteKey = '';

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, ctd('article', { title: text() }))).status).toBe(200);
    browser = await launchChromium();
    context = await newContext(browser, s.baseURL);
    page = await context.newPage();
    errors = watchErrors(page);
    await signIn(page);
    await page.goto('/api-keys');
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
  });

  const card = (name: string | RegExp) => page.getByRole('article', { name });
  const notice = (t: string | RegExp) => page.getByRole('status').filter({ hasText: t });
  const valueOf = async (c: Locator) => {
    await c.getByRole('button', { name: 'Show key' }).click();
    const value = (await c.textContent())!.match(/fla_u_[0-9A-Za-z]{40}/)![0];
    await c.getByRole('button', { name: 'Hide key' }).click();
    return value;
  };
  const status = async (key: string) => (await s.api('GET', '/api/v1/content/article', key)).status;

  it('sets an expiry date with the date picker: the card says "Expires soon" and the key works until then', async () => {
    await page.getByRole('button', { name: 'Add new API key' }).click();
    const fresh = card('New API key');
    await fresh.getByLabel('Key name').fill('Site');
    const site = card('Site');
    await site.getByRole('button', { name: 'Add rule' }).click();
    const inThreeDays = new Date(Date.now() + 3 * 24 * 3600_000);
    await site.getByLabel('Expires').fill(localInput(inThreeDays));
    await site.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(/was created/).isVisible()).toBe(true);
    await expect.poll(() => site.getByText('Expires soon').isVisible()).toBe(true);
    await snap(page, 'key-lifecycle-expires-soon');
    siteKey = await valueOf(site);
    expect(await status(siteKey)).toBe(200);
    const listed = (await s.t.app.services.keys.list({ kind: 'system' })).find((k) => k.name === 'Site')!;
    expect(Math.abs(Date.parse(listed.expiresAt!) - inThreeDays.getTime())).toBeLessThan(60_000);

    // moved into the past: "Expired", and the API refuses the key
    await site.getByLabel('Expires').fill(localInput(new Date(Date.now() - 3600_000)));
    await site.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => site.getByText('Expired', { exact: true }).isVisible()).toBe(true);
    expect(await status(siteKey)).toBe(401);
    await site.getByLabel('Expires').fill('');
    await site.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => site.getByText('Expired', { exact: true }).count()).toBe(0);
    expect(await status(siteKey)).toBe(200);
  });

  it('regenerates with a grace window: "previous value valid until…", both values work, End now ends the old one', async () => {
    const site = card('Site');
    await site.getByRole('button', { name: 'Regenerate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate this key?' });
    await dialog.getByLabel('Keep the current value working').selectOption({ label: 'For 1 hour' });
    await snap(page, 'key-lifecycle-regenerate-grace');
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => site.getByText(/Previous value valid until/).isVisible()).toBe(true);
    await snap(page, 'key-lifecycle-previous-valid-until');
    const next = await valueOf(site);
    expect(next).not.toBe(siteKey);
    expect(await status(siteKey)).toBe(200);
    expect(await status(next)).toBe(200);
    await site.getByRole('button', { name: 'End now' }).click();
    await expect.poll(() => site.getByText(/Previous value valid until/).count()).toBe(0);
    expect(await status(siteKey)).toBe(401);
    expect(await status(next)).toBe(200);
    siteKey = next;
  });

  it('limits a key to one origin: a page there reads with it, a page elsewhere is refused by the browser', async () => {
    const allowed = await startSite();
    const other = await startSite();
    try {
      const site = card('Site');
      await site.getByLabel('Allowed origins').fill(allowed.origin);
      await site.getByLabel('Requests per minute').fill('600');
      await site.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => notice(/was saved/).isVisible()).toBe(true);
      await snap(page, 'key-lifecycle-limits');
      const call = async (origin: string) => {
        const sitePage = await context.newPage();
        await sitePage.goto(`${origin}/`);
        const outcome = await sitePage.evaluate(
          async ({ url, key }) => {
            try {
              const res = await fetch(url, { headers: { 'X-AUTH-TOKEN': key } });
              return `read ${res.status}`;
            } catch {
              return 'blocked';
            }
          },
          { url: `${s.baseURL}/api/v1/content/article`, key: siteKey },
        );
        await sitePage.close();
        return outcome;
      };
      expect(await call(allowed.origin)).toBe('read 200');
      expect(await call(other.origin)).toBe('blocked');
      // no Origin at all (a server): still allowed
      expect(await status(siteKey)).toBe(200);
    } finally {
      await allowed.close();
      await other.close();
    }
  });

  it('"Regenerate all keys" asks twice, then lists the new values once; every old value is refused', async () => {
    const oldRo = s.t.ro;
    await page.getByRole('button', { name: 'Regenerate all keys' }).click();
    await page.getByRole('dialog', { name: 'Regenerate all keys?' }).getByRole('button', { name: 'Continue' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm with your password' });
    await confirm.getByLabel('Your password').fill('not my password');
    await confirm.getByRole('button', { name: 'Regenerate all keys' }).click();
    await expect.poll(() => confirm.getByText('The password is not correct').isVisible()).toBe(true);
    expect(await status(oldRo)).toBe(200);
    await confirm.getByLabel('Your password').fill(ADMIN.password);
    await confirm.getByRole('button', { name: 'Regenerate all keys' }).click();
    const done = page.getByRole('dialog', { name: 'New key values' });
    await expect.poll(() => done.isVisible()).toBe(true);
    await snap(page, 'key-lifecycle-regenerated-all');
    const listed = await done.getByRole('list', { name: 'New key values' }).textContent();
    const values = listed!.match(/fla_(?:ro|rw|u)_[0-9A-Za-z]{40}/g)!;
    expect(values).toHaveLength(3);
    expect(values).not.toContain(oldRo);
    expect(await status(oldRo)).toBe(401);
    expect(await status(siteKey)).toBe(401);
    const newRo = values.find((v) => v.startsWith('fla_ro_'))!;
    expect(await status(newRo)).toBe(200);
    await done.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => done.count()).toBe(0);
    // listed once: the page masks every value again
    expect(await page.locator('main').textContent()).not.toMatch(/fla_(?:ro|rw|u)_/);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent key activity' }).textContent())
      .toContain('regenerated all keys');
    s.t.ro = newRo;
    s.t.rw = values.find((v) => v.startsWith('fla_rw_'))!;
    expect(errors).toEqual([]);
  });
});

/**
 * Usage and suggestions: the server's clock is moved 31 days on (the browser's is not), so a grant the key never
 * used in that time is suggested for removal, and one click narrows the rule.
 */
describe.skipIf(!inject('browserAvailable'))('key usage in the Panel', { timeout: 90_000 }, () => {
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    s = await startPanelServer('sqlite', {}, { clock });
    expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, ctd('article', { title: text() }))).status).toBe(200);
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

  it('shows 30 days of requests as a chart and suggests removing a grant unused for 30 days; Remove narrows the rule', async () => {
    const key = await s.t.app.services.keys.createUserDefined({ kind: 'system' }, 'Writer', [
      { ctdName: 'article', canRead: true, canCreate: true, canUpdate: false, canDelete: false },
    ]);
    expect((await s.api('POST', '/api/v1/content/article', key.key, { title: 'long ago' })).status).toBe(200);
    offset = 31 * 24 * 3600_000;
    for (let i = 0; i < 3; i++) expect((await s.api('GET', '/api/v1/content/article', key.key)).status).toBe(200);
    offset += 24 * 3600_000;
    expect((await s.api('GET', '/api/v1/content/article', key.key)).status).toBe(200);

    await signIn(page);
    await page.goto('/api-keys');
    const card = page.getByRole('article', { name: 'Writer' });
    await card.getByText('Usage', { exact: true }).click();
    const chart = card.getByRole('img', { name: /Requests per day over the last 30 days: 4 in all/ });
    await expect.poll(() => chart.isVisible()).toBe(true);
    const suggestion = card.getByRole('list', { name: 'Suggestions' }).getByRole('listitem');
    await expect.poll(() => suggestion.textContent()).toContain('create on `article` — never used in the last 30 days');
    expect(await suggestion.count()).toBe(1);
    await expect.poll(() => card.getByText('read article: 4').isVisible()).toBe(true);
    await snap(page, 'key-lifecycle-usage');
    await suggestion.getByRole('button', { name: 'Remove this grant' }).click();
    await expect.poll(() => card.getByText(/None: every grant was used/).isVisible()).toBe(true);
    expect(
      await card
        .getByRole('group', { name: /Rule for article/i })
        .getByLabel('Create')
        .isChecked(),
    ).toBe(false);
    expect((await s.api('POST', '/api/v1/content/article', key.key, { title: 'now' })).status).toBe(403);
    expect((await s.api('GET', '/api/v1/content/article', key.key)).status).toBe(200);
    expect(errors).toEqual([]);
  });
});
