import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
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

/**
 * Draft & Public in Chromium against a real server: a type made D&P in the Panel, a draft created in its form,
 * the list's two views, publishing and editing (what the read-only key sees is checked through the real API after
 * every step), a planned publication, and the Preview/Publish grants of a key rule.
 */
describe.skipIf(!inject('browserAvailable'))('Draft & Public in the Panel', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let objectId = '';

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
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
  });

  const notice = (t: string | RegExp) => page.getByRole('status').filter({ hasText: t });
  const visible = (l: Locator) => expect.poll(() => l.isVisible()).toBe(true);
  const publication = () => page.getByRole('region', { name: 'Publication' });
  const statusText = () => publication().locator('.publication-status .badge').textContent();
  const rows = () => page.getByRole('table').locator('tbody tr');
  /** What the read-only key (the one websites embed) gets for the object. */
  const asReadOnly = () => s.api('GET', `/api/v1/content/post/${objectId}`, s.t.ro);
  /** A GET of the Panel's API with the browser's session, as the Panel itself makes it. */
  const panelGet = (url: string) =>
    page.evaluate(async (u) => (await fetch(u, { headers: { accept: 'application/json' } })).json() as Promise<unknown>, url);

  it('makes a content type Draft & Public in the type editor', async () => {
    await page.goto('/content-types/new');
    const type = page.getByRole('region', { name: 'Content type' });
    await type.getByLabel('Label').fill('Post');
    await type.getByLabel('Draft & Public').check();
    const title = page.getByRole('group', { name: 'Field 1', exact: true }).first();
    await title.getByLabel('Label').fill('Title');
    await title.getByLabel('Required').check();
    await title.getByLabel('Part of the title').check();
    await page.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The content type “Post” was created.'));
    const stored = (await s.api('GET', '/api/v1/internal/contenttype/post', s.t.rw)).json as Json;
    expect(stored.draftPublic).toBe(true);
    expect(await type.getByLabel('Draft & Public').isChecked()).toBe(true);
  });

  it('creates a draft in the form: the Draft view lists it, the Public view and the read-only key do not', async () => {
    await page.goto('/content/post');
    await visible(page.getByRole('heading', { name: 'Post', level: 1 }));
    await page.getByRole('link', { name: 'New object' }).click();
    const form = page.locator('form');
    await form.getByLabel('Title').fill('First draft');
    // a new object has no publication yet
    expect(await publication().count()).toBe(0);
    await form.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The object was created.'));
    await expect.poll(() => page.url()).toMatch(/\/content\/post\/object\//);
    objectId = decodeURIComponent(page.url().split('/').pop()!);
    await expect.poll(statusText).toBe('Draft');
    expect(await publication().textContent()).toContain('Never published');
    expect((await asReadOnly()).status).toBe(404);

    await page.getByRole('link', { name: 'Post', exact: true }).click();
    const view = page.getByRole('group', { name: 'View' });
    expect(await view.getByRole('button', { name: 'Draft' }).getAttribute('aria-pressed')).toBe('true');
    await visible(rows().filter({ hasText: 'First draft' }));
    expect(await rows().first().getByRole('cell').nth(2).textContent()).toBe('Draft');
    await snap(page, 'draft-public-list-draft');

    await view.getByRole('button', { name: 'Public' }).click();
    await visible(page.getByText('Nothing is public yet'));
    expect(await rows().count()).toBe(0);
    await snap(page, 'draft-public-list-public');
  });

  it('publishes the draft: the read-only key reads it and the Public view lists it', async () => {
    await page.goto(`/content/post/object/${encodeURIComponent(objectId)}`);
    await publication().getByRole('button', { name: 'Publish', exact: true }).click();
    await visible(notice('The object was published.'));
    await expect.poll(statusText).toBe('Public');
    expect(await publication().textContent()).toContain('Last published');
    expect(await publication().getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
    const ro = await asReadOnly();
    expect(ro.status).toBe(200);
    expect(ro.json).toMatchObject({ id: objectId, title: 'First draft', internal: { status: 'public' } });

    await page.getByRole('link', { name: 'Post', exact: true }).click();
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Public' }).click();
    await visible(rows().filter({ hasText: 'First draft' }));
  });

  it('an edit makes it Modified: the Panel compares it with the public version, which the world still sees', async () => {
    await page.goto(`/content/post/object/${encodeURIComponent(objectId)}`);
    const form = page.locator('form');
    await form.getByLabel('Title').fill('Second take');
    // publishing waits for unsaved edits
    expect(await publication().getByRole('button', { name: 'Unpublish' }).isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The object was saved.'));
    await expect.poll(statusText).toBe('Modified');

    const compare = page.getByRole('region', { name: 'Public version' });
    const diff = compare.getByRole('table', { name: 'Differences from the public version' });
    await visible(diff);
    expect(await diff.locator('tbody tr').allInnerTexts()).toEqual(['Title\tFirst draft\tSecond take']);
    await snap(page, 'draft-public-modified');

    const ro = await asReadOnly();
    expect(ro.status).toBe(200);
    expect(ro.json).toMatchObject({ title: 'First draft' });
    // the Panel's editor reads the latest state; reloading keeps the edit in the form
    await page.reload();
    await expect.poll(() => form.getByLabel('Title').inputValue()).toBe('Second take');

    // the two views of the list: the public one still shows the published title
    await page.getByRole('link', { name: 'Post', exact: true }).click();
    await visible(rows().filter({ hasText: 'Second take' }));
    expect(await rows().first().getByRole('cell').nth(2).textContent()).toBe('Modified');
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Public' }).click();
    await visible(rows().filter({ hasText: 'First draft' }));
    expect(await rows().filter({ hasText: 'Second take' }).count()).toBe(0);
  });

  it('publishing again makes the edit public for the read-only key', async () => {
    await page.goto(`/content/post/object/${encodeURIComponent(objectId)}`);
    await publication().getByRole('button', { name: 'Publish', exact: true }).click();
    await visible(notice('The object was published.'));
    await expect.poll(statusText).toBe('Public');
    expect(await page.getByRole('region', { name: 'Public version' }).count()).toBe(0);
    const ro = await asReadOnly();
    expect(ro.json).toMatchObject({ title: 'Second take', internal: { status: 'public' } });
  });

  it('plans an unpublish (refusing a time too soon, at its field), shows the plan, and cancels it', async () => {
    const plan = publication().getByRole('group', { name: 'Schedule' });
    const when = plan.getByLabel('Date and time');
    // the browser's time zone is UTC, so a datetime-local value is a UTC time
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await plan.getByLabel('Action').selectOption({ label: 'Unpublish' });
    await when.fill(local(Date.now() - 60 * 60_000));
    await plan.getByRole('button', { name: 'Schedule' }).click();
    await visible(notice(/The plan was not changed/));
    await expect.poll(() => when.getAttribute('aria-invalid')).toBe('true');
    expect(await plan.textContent()).toContain('Schedule at least one minute ahead');

    const at = Date.now() + 2 * 60 * 60_000;
    await when.fill(local(at));
    await plan.getByRole('button', { name: 'Schedule' }).click();
    await visible(notice('The plan was saved.'));
    await visible(plan.getByText(/Unpublish planned for/));
    await snap(page, 'draft-public-schedule');
    const stored = (await panelGet(`/panel/api/content/post/${objectId}/schedule`)) as { schedule: Json | null };
    expect(stored.schedule).toMatchObject({ action: 'unpublish', at: `${local(at)}:00.000Z` });

    await plan.getByRole('button', { name: 'Cancel plan' }).click();
    await visible(notice('The plan was cancelled.'));
    await visible(plan.getByLabel('Date and time'));
    expect(await panelGet(`/panel/api/content/post/${objectId}/schedule`)).toEqual({ schedule: null });
  });

  it('a key rule offers Preview and Publish for a Draft & Public type only; the saved key carries them', async () => {
    await page.goto('/api-keys');
    await page.getByRole('button', { name: 'Add new API key' }).click();
    await page.getByRole('article', { name: 'New API key' }).getByLabel('Key name').fill('Preview site');
    const key = page.getByRole('article', { name: 'Preview site' });
    await key.getByRole('button', { name: 'Add rule' }).click();
    const rule = key.getByRole('group', { name: /^Rule for/ });
    await rule.getByLabel('Content type').selectOption({ label: 'Media (internal)' });
    expect(await rule.getByLabel('Preview').count()).toBe(0);
    expect(await rule.getByLabel('Publish').count()).toBe(0);
    await rule.getByLabel('Content type').selectOption({ label: 'Post' });
    await rule.getByLabel('Preview').check();
    await rule.getByLabel('Publish').check();
    await snap(page, 'draft-public-key-rule');
    await key.getByRole('button', { name: 'Save' }).click();
    await visible(notice(/“Preview site” was created/));

    const keys = (await panelGet('/panel/api/keys')) as { name: string; key: string; rules: Json[] }[];
    const saved = keys.find((k) => k.name === 'Preview site')!;
    expect(saved.rules).toEqual([
      {
        ctdName: 'post',
        canRead: true,
        canCreate: false,
        canUpdate: false,
        canDelete: false,
        canPreview: true,
        canPublish: true,
      },
    ]);
    // the grant works: the key may unpublish, and then preview the draft the read-only key no longer sees
    expect((await s.api('POST', `/api/v1/content/post/${objectId}/unpublish`, saved.key)).status).toBe(204);
    expect((await asReadOnly()).status).toBe(404);
    const preview = await fetch(`${s.baseURL}/api/v1/content/post/${objectId}`, {
      headers: { 'x-auth-token': saved.key, 'x-mode': 'preview' },
    });
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ title: 'Second take', internal: { status: 'draft' } });
  });

  it('fits a phone: the list with its view switch and the object with its publication need no sideways scrolling', async () => {
    await page.setViewportSize(PHONE);
    try {
      await page.goto('/content/post');
      await visible(rows().filter({ hasText: 'Second take' }));
      await expectNoHorizontalOverflow(page);
      await page.goto(`/content/post/object/${encodeURIComponent(objectId)}`);
      await expect.poll(statusText).toBe('Draft');
      await visible(publication().getByLabel('Date and time'));
      await expectNoHorizontalOverflow(page);
      await snap(page, 'draft-public-phone');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    expect(errors).toEqual([]);
  });
});
