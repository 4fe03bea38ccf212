import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  launchChromium,
  newContext,
  PHONE,
  signIn,
  snap,
  watchErrors,
} from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

declare global {
  interface Window {
    /** Content-Security-Policy violations the page reported (collected by an init script). */
    cspViolations?: string[];
  }
}

/** React's development build warns about Swagger UI's legacy lifecycles under StrictMode; it is not a failure. */
const LEGACY_LIFECYCLE = /UNSAFE_componentWillReceiveProps in strict mode/;

/**
 * The API docs of a key in Chromium against a real server: the document the server answers that key, rendered by
 * the bundled Swagger UI under the Panel's strict CSP, and its "Try it out" with the key only once revealed.
 */
describe.skipIf(!inject('browserAvailable'))('the API docs of a key', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    for (const name of ['post', 'page', 'secret']) {
      const body = ctd(name, { title: text({ required: true, isTitlePart: true }) });
      expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, body)).status).toBe(200);
      expect((await s.api('POST', `/api/v1/content/${name}`, s.t.rw, { id: `${name}-1`, title: `A ${name}` })).status).toBe(200);
    }
    browser = await launchChromium();
    context = await newContext(browser, s.baseURL);
    // every CSP violation, whether or not Chromium also logs it to the console
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations!.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page = await context.newPage();
    errors = watchErrors(page);
    await signIn(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
  });

  const card = (name: string) => page.getByRole('article', { name });
  const docs = () => page.locator('.api-docs-renderer');
  /** The paths of the operations the rendered document lists. */
  const renderedPaths = async () => {
    await docs().locator('.opblock-summary-path').first().waitFor({ timeout: 30_000 });
    const paths = await docs()
      .locator('.opblock-summary-path')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    return [...new Set(paths)];
  };
  const listOperation = () =>
    docs()
      .locator('.opblock-get')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/content/post"]') });
  /** Executes the operation's request (after clearing any earlier answer) and reads what Swagger UI shows. */
  const execute = async (op: Locator) => {
    const clear = op.getByRole('button', { name: 'Clear' });
    if (await clear.isVisible()) await clear.click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    // the status cell reads e.g. "401 Undocumented" for a status the document does not list
    return {
      status: /^\d{3}/.exec((await status.textContent())?.trim() ?? '')?.[0],
      curl: (await op.locator('.curl-command').textContent()) ?? '',
    };
  };
  const cspProblems = async () => [
    ...(await page.evaluate(() => window.cspViolations ?? [])),
    ...errors.filter((e) => !LEGACY_LIFECYCLE.test(e)),
  ];

  it("opens a user-defined key's docs from its card: only the type its rules name", async () => {
    await page.goto('/api-keys');
    await page.getByRole('button', { name: 'Add new API key' }).click();
    await card('New API key').getByLabel('Key name').fill('Blog');
    const blog = card('Blog');
    await blog.getByRole('button', { name: 'Add rule' }).click();
    await blog
      .getByRole('group', { name: /^Rule for/ })
      .getByLabel('Content type')
      .selectOption({ label: 'Post' });
    await blog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '“Blog” was created' }).isVisible()).toBe(true);

    // every card has the button, the application keys' too
    for (const name of ['Read only API KEY', 'Read and write API KEY', 'Blog'])
      expect(await card(name).getByRole('link', { name: 'API docs' }).count()).toBe(1);
    await blog.getByRole('link', { name: 'API docs' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'API docs: Blog', level: 1 }).isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toMatch(/^\/api-keys\/[^/]+\/docs$/);

    const paths = await renderedPaths();
    expect(paths).toContain('/api/v1/content/post');
    expect(paths.filter((p) => p?.startsWith('/api/v1/content/'))).toEqual(
      paths.filter((p) => p?.startsWith('/api/v1/content/post')),
    );
    expect(paths.some((p) => /\/(page|secret)(\/|$)/.test(p ?? ''))).toBe(false);
    const types = page.getByRole('list', { name: 'Content types in this document' });
    expect(await types.getByRole('listitem').allTextContents()).toEqual(['post']);
    expect(await cspProblems()).toEqual([]);
  });

  it('gives the renderer the key only once it is revealed, then Try it out uses it', async () => {
    const op = listOperation();
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();

    // not revealed: nothing in the page holds the key, and the call goes out without one
    const masked = page.getByLabel('Key value (hidden)');
    await masked.waitFor();
    const before = await execute(op);
    expect(before.status).toBe('401');
    expect(before.curl.toLowerCase()).not.toContain('x-auth-token');
    expect(await page.content()).not.toMatch(/fla_u_/);

    await page.getByRole('button', { name: 'Show key' }).click();
    const value = (await page.getByLabel('Key value', { exact: true }).textContent()) ?? '';
    expect(value).toMatch(/^fla_u_/);
    expect((await s.api('GET', '/api/v1/content/post', value)).status).toBe(200);

    // revealed: Swagger UI's Authorize dialog holds it, and Try it out sends it
    await docs().locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await expect.poll(() => dialog.getByText('Authorized').first().isVisible()).toBe(true);
    await snap(page, 'api-docs-authorize');
    await dialog.locator('.btn-done').first().click();
    const after = await execute(op);
    expect(after.status).toBe('200');
    expect(after.curl).toContain(`X-AUTH-TOKEN: ${value}`);
    expect(await op.locator('.live-responses-table .response .response-col_description').first().textContent()).toContain(
      'post-1',
    );
    await snap(page, 'api-docs');
    expect(await cspProblems()).toEqual([]);
  });

  it('records the reveal, and the read-only key gets a document of every type', async () => {
    await page.getByRole('link', { name: 'API keys' }).first().click();
    await expect.poll(() => page.getByRole('region', { name: 'Recent key activity' }).textContent()).toContain('revealed Blog');

    await card('Read only API KEY').getByRole('link', { name: 'API docs' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'API docs: Read only API KEY' }).isVisible()).toBe(true);
    const paths = await renderedPaths();
    for (const type of ['post', 'page', 'secret']) expect(paths).toContain(`/api/v1/content/${type}`);

    // a docs page loaded directly carries the Panel's CSP, and renders under it
    const res = await page.reload();
    expect(res?.headers()['content-security-policy']).toContain("style-src 'self'");
    expect(await renderedPaths()).toContain('/api/v1/content/secret');
    await snap(page, 'api-docs-read-only');

    // on a phone the document scrolls inside its frame, the page itself does not scroll sideways
    await page.setViewportSize(PHONE);
    await docs().locator('.opblock-summary-path').first().waitFor();
    await expectNoHorizontalOverflow(page);
    await snap(page, 'api-docs-phone');
    await page.setViewportSize(DESKTOP);
    expect(await cspProblems()).toEqual([]);
  });
});
