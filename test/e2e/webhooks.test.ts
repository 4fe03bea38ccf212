import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.js';
import { ctd, text } from '../support/fixtures.js';
import { Receiver, type Received } from '../support/receiver.js';
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

type Json = Record<string, unknown>;

const PATH = '/hooks/site';

/**
 * Webhooks in Chromium against a real server and a real receiver on 127.0.0.1: a webhook made in the Panel's form
 * receives a change made in the Panel, its execution log shows the delivery, and the secret the Panel reveals is
 * the one the deliveries are signed with.
 */
describe.skipIf(!inject('browserAvailable'))('the Webhooks page', { timeout: 90_000 }, () => {
  let s: PanelServer;
  const receiver = new Receiver();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let hookId = '';
  let objectId = '';
  let secret = '';

  beforeAll(async () => {
    await receiver.start();
    s = await startPanelServer('sqlite', { FLOTILLA_WEBHOOK_RETRY_BASE_MS: '100' });
    for (const name of ['article', 'note']) {
      const res = await s.api(
        'POST',
        '/api/v1/internal/contenttype',
        s.t.rw,
        ctd(name, { title: text({ required: true, isTitlePart: true }) }),
      );
      expect(res.status).toBe(200);
    }
    browser = await launchChromium();
    context = await newContext(browser, s.baseURL);
    page = await context.newPage();
    errors = watchErrors(page);
    await signIn(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
    await receiver.stop();
  });

  const notice = (t: string | RegExp) => page.getByRole('status').filter({ hasText: t });
  const visible = (l: Locator, timeout = 5_000) => expect.poll(() => l.isVisible(), { timeout }).toBe(true);
  const form = () => page.getByRole('form', { name: 'Webhook' });
  const logRows = () => page.getByRole('table', { name: 'Executions' }).locator('tbody tr');
  const bodyOf = (r: Received) => JSON.parse(r.body) as Json;
  const verified = (r: Received, key: string) =>
    verifySignature(key, String(r.headers['x-flotilla-signature']), r.body, Math.floor(Date.now() / 1000));
  /** Refreshes the execution log until a row holds every one of `texts`; returns that row. */
  async function logRowWith(...texts: string[]): Promise<Locator> {
    const row = logRows().filter({ hasText: texts[0] });
    const matching = texts.slice(1).reduce((r, t) => r.filter({ hasText: t }), row);
    await expect
      .poll(
        async () => {
          if ((await matching.count()) > 0) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    return matching.first();
  }

  it('creates a webhook through the form; a refused URL is shown at the URL field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await visible(page.getByRole('heading', { name: 'Webhooks', level: 1 }));
    await visible(page.getByText('No webhooks yet'));
    await page.getByRole('link', { name: 'New webhook' }).click();
    await visible(page.getByRole('heading', { name: 'New webhook', level: 1 }));

    const f = form();
    await f.getByLabel('Name', { exact: true }).fill('Rebuild site');
    // the metadata address is refused by the server's URL policy, not by the browser
    await f.getByLabel('URL').fill('http://169.254.169.254/latest');
    await f.getByRole('group', { name: 'Content types' }).getByLabel('Article').check();
    const actions = f.getByRole('group', { name: 'Actions' });
    await actions.getByLabel('Update').uncheck();
    await actions.getByLabel('Delete').uncheck();
    await actions.getByLabel('Custom').check();
    await f.getByRole('button', { name: 'Add header' }).click();
    const header = f.getByRole('group', { name: 'Header 1' });
    await header.getByLabel('Header name').fill('X-Team');
    await header.getByLabel('Header value').fill('blue');
    expect(await page.getByText('Not saved yet').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Save' }).click();
    await visible(notice(/The webhook was not saved/));
    const url = f.getByLabel('URL');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    // the message sits under the URL field, tied to its input
    const described = (await url.getAttribute('aria-describedby')) ?? '';
    const messages = await page.locator(`[id="${described.split(' ').pop()}"]`).textContent();
    expect(messages).toMatch(/169\.254|link-local|metadata|not allowed/i);
    expect(await f.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('false');
    await snap(page, 'webhook-url-error');
    expect((await s.api('GET', '/api/v1/content/_webhooks', s.t.rw)).json).toMatchObject({ total_count: 0 });

    await url.fill(receiver.url + PATH);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(notice('The webhook “Rebuild site” was created.'));
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/webhooks\/[^/]+$/);
    hookId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
    await visible(page.getByRole('heading', { name: 'Rebuild site', level: 1 }));
    expect(await url.getAttribute('aria-invalid')).toBe('false');

    const stored = (await s.api('GET', `/api/v1/content/_webhooks/${hookId}`, s.t.rw)).json as Json;
    expect(stored).toMatchObject({
      name: 'Rebuild site',
      type: 'async',
      url: receiver.url + PATH,
      enabled: true,
      content_type_definitions: [{ content_type_definition_name: 'article' }],
      actions: [{ action: 'Create' }, { action: 'Custom' }],
      headers: [{ header_name: 'X-Team', header_value: 'blue' }],
    });

    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    const row = page.getByRole('row').filter({ hasText: 'Rebuild site' });
    await visible(row);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells).toEqual(['Rebuild site', 'Asynchronous', receiver.url + PATH, 'Enabled', 'Article', 'Create, Custom']);
    await snap(page, 'webhooks');
  });

  it('delivers an object created in the Panel; the execution log shows it done with HTTP 200', async () => {
    await page.goto('/content/article/new');
    await page.getByLabel('Title').fill('Hello hooks');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The object was created.'));
    await expect.poll(() => page.url()).toMatch(/\/content\/article\/object\//);
    objectId = decodeURIComponent(page.url().split('/').pop()!);
    // a type the webhook does not cover sends nothing
    expect((await s.api('POST', '/api/v1/content/note', s.t.rw, { id: 'n1', title: 'quiet' })).status).toBe(200);

    const [got] = await receiver.waitFor(PATH, 1);
    expect(bodyOf(got)).toMatchObject({
      webhookId: hookId,
      action: 'Create',
      contentTypeName: 'article',
      payload: { id: objectId, title: 'Hello hooks' },
    });
    expect(got.headers['x-team']).toBe('blue');

    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByRole('link', { name: 'Rebuild site' }).click();
    const row = await logRowWith(`article / ${objectId}`, 'Done');
    const cells = await row.getByRole('cell').allTextContents();
    // Time, Status, Action, Type / object, Attempts, HTTP, Duration, Error
    expect(cells.slice(1, 6)).toEqual(['Done', 'Create', `article / ${objectId}`, '1', '200']);
    expect(cells[6]).toMatch(/^\d+ ms$/);
    expect(cells[7]).toBe('');
    expect(await logRows().count()).toBe(1);
    expect(receiver.at(PATH)).toHaveLength(1);
    await snap(page, 'webhook-log');
  });

  it('reveals the secret the deliveries are signed with, copies it, and rotates it after confirmation', async () => {
    const section = page.getByRole('region', { name: 'Signing secret' });
    expect(await section.textContent()).not.toContain('whsec_');
    await section.getByRole('button', { name: 'Show secret' }).click();
    const value = section.getByLabel('Secret value', { exact: true });
    await expect.poll(() => value.textContent()).toMatch(/^whsec_/);
    secret = (await value.textContent())!;
    expect(verified(receiver.at(PATH)[0], secret)).toBe(true);
    await snap(page, 'webhook-secret');

    await page.evaluate(() => navigator.clipboard.writeText(''));
    await section.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    await section.getByRole('button', { name: 'Rotate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await confirm.getByRole('button', { name: 'Rotate' }).click();
    await visible(notice(/new signing secret/));
    await expect.poll(() => value.textContent()).not.toBe(secret);
    const rotated = (await value.textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect((await s.t.call('GET', `/panel/api/webhooks/${hookId}/secret`, { key: s.t.rw })).statusCode).toBe(403);
    secret = rotated;
  });

  it('"Send test event" delivers a test event signed with the new secret, and the log shows it', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    await visible(notice('A test event was queued.'));
    const got = await receiver.waitFor(PATH, 2);
    expect(bodyOf(got[1])).toMatchObject({ webhookId: hookId, action: 'Test' });
    expect(verified(got[1], secret)).toBe(true);
    // the log refreshes itself while the test delivery is pending: no click needed
    const row = logRows().filter({ hasText: 'Test' }).filter({ hasText: 'Done' });
    await visible(row, 20_000);
    expect((await row.getByRole('cell').allTextContents()).slice(1, 6)).toEqual(['Done', 'Test', '—', '1', '200']);
    expect(await logRows().count()).toBe(2);
  });

  it('"Run webhook" on the object page runs the Custom action and reports the delivery', async () => {
    await page.goto(`/content/article/object/${encodeURIComponent(objectId)}`);
    await page.getByRole('button', { name: 'Run webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run a webhook on this object' });
    const item = dialog.getByRole('listitem', { name: 'Rebuild site' });
    await item.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => item.getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/^Done\s*HTTP 200 in \d+ ms$/);
    await snap(page, 'webhook-run');
    const got = receiver.at(PATH);
    expect(got).toHaveLength(3);
    expect(bodyOf(got[2])).toMatchObject({
      action: 'Custom',
      contentTypeName: 'article',
      payload: { id: objectId, title: 'Hello hooks' },
    });
    expect(verified(got[2], secret)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    // a type no Custom webhook covers offers no run
    await page.goto('/content/note/object/n1');
    await visible(page.getByRole('heading', { name: 'quiet', level: 1 }));
    expect(await page.getByRole('button', { name: 'Run webhook' }).count()).toBe(0);
  });

  it('fits a phone: the list and a webhook with its log need no sideways scrolling', async () => {
    await page.setViewportSize(PHONE);
    try {
      for (const [path, title] of [
        ['/webhooks', 'Webhooks'],
        [`/webhooks/${encodeURIComponent(hookId)}`, 'Rebuild site'],
      ]) {
        await page.goto(path);
        await visible(page.getByRole('heading', { name: title, level: 1 }));
        await page
          .getByRole('status')
          .filter({ hasText: /Loading/ })
          .waitFor({ state: 'detached' });
        await expectNoHorizontalOverflow(page);
      }
      await visible(logRows().first());
      await snap(page, 'webhook-phone');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('deletes the webhook after confirmation; it then receives nothing', async () => {
    await page.goto(`/webhooks/${encodeURIComponent(hookId)}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete' }).click();
    await visible(notice('The webhook “Rebuild site” was deleted.'));
    await visible(page.getByText('No webhooks yet'));
    expect(new URL(page.url()).pathname).toBe('/webhooks');
    expect((await s.api('GET', `/api/v1/content/_webhooks/${hookId}`, s.t.rw)).status).toBe(404);
    expect((await s.api('POST', '/api/v1/content/article', s.t.rw, { title: 'after' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at(PATH)).toHaveLength(3);
    expect(errors).toEqual([]);
  });
});
