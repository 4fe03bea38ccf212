import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { launchChromium, newContext, signIn, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

/**
 * Issue 16 in Chromium: an administrator invites an editor on the Users page, the editor opens the one-time link in
 * another browser, chooses a password, is signed in, and sees content but no API keys, content types, webhooks or
 * users; the same link does not work twice. The editor writes and publishes a post (the read-only key then reads
 * it); an author, invited the same way, gets no Publish, Archive, plan or Delete on a draft, and the server refuses
 * the publish the author forces through the Panel's own API.
 */
describe.skipIf(!inject('browserAvailable'))('the Users page', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let admin: Page;
  let ed: Page;
  // a loaded machine may take more than expect.poll's default second
  const poll = <T>(f: () => T | Promise<T>) => expect.poll(f, { timeout: 10_000 });
  const visible = (l: Locator) => poll(() => l.isVisible()).toBe(true);
  const notice = (page: Page, t: string) => page.getByRole('status').filter({ hasText: t });

  /** The administrator invites `email` with `roleId` on the Users page; the link is opened in a new browser and used. */
  async function invite(email: string, roleId: string, password: string): Promise<Page> {
    await admin.goto('/users');
    await admin.getByLabel('E-mail').fill(email);
    await admin.getByLabel('Role', { exact: true }).selectOption(roleId);
    await admin.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();
    const page = await (await newContext(browser, s.baseURL)).newPage();
    await page.goto(link);
    await page.getByLabel('Choose a password').fill(password);
    await page.getByLabel('Repeat the password').fill(password);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  }

  /** Writes a new post in the Panel's form and saves it; answers its id. */
  async function writePost(page: Page, title: string): Promise<string> {
    await page.goto('/content/post');
    await page.getByRole('link', { name: 'New object' }).click();
    const form = page.locator('form');
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice(page, 'The object was created.'));
    await poll(() => page.url()).toMatch(/\/content\/post\/object\//);
    return decodeURIComponent(page.url().split('/').pop()!);
  }

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    const res = await s.api(
      'POST',
      '/api/v1/internal/contenttype',
      s.t.rw,
      ctd('article', { title: text({ isTitlePart: true }) }),
    );
    expect(res.status).toBe(200);
    const post = ctd('post', { title: text({ isTitlePart: true }) }, { draftPublic: true });
    expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, post)).status).toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('invites an editor, who joins through the link and sees only what an editor may use', async () => {
    const adminCtx = await newContext(browser, s.baseURL);
    admin = await adminCtx.newPage();
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
    ed = await edCtx.newPage();
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

  it('the editor sees the content types, writes a post and publishes it: the read-only key reads it', async () => {
    const errors = watchErrors(ed);
    await ed.goto('/content');
    // every content type and media, but no internal type an editor may not read (webhooks)
    const tiles = ed.getByRole('main').getByRole('link');
    await visible(tiles.filter({ hasText: 'Article' }));
    expect(await tiles.allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Post/), expect.stringMatching(/^Media/)]),
    );
    expect(await tiles.filter({ hasText: '_webhooks' }).count()).toBe(0);
    await snap(ed, 'users-editor-content');
    const id = await writePost(ed, 'Editor news');
    expect((await s.api('GET', `/api/v1/content/post/${id}`, s.t.ro)).status).toBe(404);
    const publication = ed.getByRole('region', { name: 'Publication' });
    // an editor may delete and publish: both are offered
    await visible(ed.getByRole('button', { name: 'Delete' }));
    await publication.getByRole('button', { name: 'Publish', exact: true }).click();
    await visible(notice(ed, 'The object was published.'));
    await poll(() => publication.locator('.publication-status .badge').textContent()).toBe('Public');
    await snap(ed, 'users-editor-published');
    const ro = await s.api('GET', `/api/v1/content/post/${id}`, s.t.ro);
    expect(ro.status).toBe(200);
    expect(ro.json).toMatchObject({ id, title: 'Editor news', internal: { status: 'public' } });
    expect(errors).toEqual([]);
  });

  it("an author's draft offers no Publish, Archive, plan or Delete; a publish forced through the API is refused", async () => {
    const author = await invite('author@example.test', 'author', 'an author password');
    const errors = watchErrors(author);
    const id = await writePost(author, 'Author draft');
    const publication = author.getByRole('region', { name: 'Publication' });
    await poll(() => publication.locator('.publication-status .badge').textContent()).toBe('Draft');
    for (const name of ['Publish', 'Unpublish', 'Archive'])
      expect(await publication.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await publication.getByRole('group', { name: 'Schedule' }).count()).toBe(0);
    expect(await author.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await snap(author, 'users-author-draft');
    // the list offers New object but no Delete either
    await author.goto('/content/post');
    await visible(author.getByRole('link', { name: 'Author draft' }));
    await visible(author.getByRole('link', { name: 'New object' }));
    expect(await author.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    expect(await author.getByRole('link', { name: 'Edit type' }).count()).toBe(0);

    // forced: the Panel's own API with the author's session and CSRF token answers 403, and nothing is published
    const forced = await author.evaluate(async (objectId) => {
      const { csrfToken } = (await (await fetch('/panel/api/session')).json()) as { csrfToken: string };
      const headers = { 'x-csrf-token': csrfToken };
      const publish = await fetch(`/panel/api/v1/content/post/${objectId}/publish`, { method: 'POST', headers });
      const remove = await fetch(`/panel/api/v1/content/post/${objectId}`, { method: 'DELETE', headers });
      return [publish.status, remove.status];
    }, id);
    expect(forced).toEqual([403, 403]);
    expect((await s.api('GET', `/api/v1/content/post/${id}`, s.t.ro)).status).toBe(404);
    const stored = await s.t.call('GET', `/api/v1/content/post/${id}`, { key: s.t.rw, headers: { 'x-mode': 'preview' } });
    expect(stored.json()).toMatchObject({ internal: { status: 'draft' } });
    // media: the author uploads (create) but deletes nothing; the preview has no Delete
    const form = new FormData();
    form.append('type', 'file');
    form.append('file', new Blob(['a note'], { type: 'text/plain' }), 'note.txt');
    const up = await fetch(`${s.baseURL}/api/media`, { method: 'POST', headers: { 'x-auth-token': s.t.rw }, body: form });
    expect(up.status).toBe(200);
    await author.goto('/media');
    await author.getByRole('button', { name: 'Preview note.txt' }).click();
    const preview = author.getByRole('dialog', { name: 'note.txt' });
    await visible(preview.getByRole('link', { name: 'Open original' }));
    expect(await preview.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await snap(author, 'users-author-media');
    // the editor, by contrast, sees the author's draft with Publish
    await ed.goto(`/content/post/object/${encodeURIComponent(id)}`);
    await visible(ed.getByRole('region', { name: 'Publication' }).getByRole('button', { name: 'Publish', exact: true }));
    expect(errors).toEqual([]);
  });
  it('the audit trail: the administrator filters by who, kind of event and time; an editor has no audit trail', async () => {
    const errors = watchErrors(admin);
    await admin.goto('/content');
    await admin.getByRole('button', { name: /User menu/ }).click();
    await admin.getByRole('menuitem', { name: 'Audit trail' }).click();
    await admin.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const rows = admin.getByRole('table', { name: 'Audit entries' }).locator('tbody tr');
    const texts = () => rows.allInnerTexts();
    await poll(async () => (await texts()).join('\n')).toContain('invited a user');
    expect((await texts()).join('\n')).toContain('user.joined');

    // the author's user events: joining, and nothing else the author did to users
    const filters = admin.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Who').fill('author@example.test');
    await filters.getByLabel('Events').selectOption({ label: 'Users and invitations' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await poll(texts).toEqual([expect.stringContaining('joined as author@example.test')]);
    await snap(admin, 'users-audit-filtered');
    // the same person's sign-ins
    await filters.getByLabel('Events').selectOption({ label: 'Sign-ins and sessions' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    // (polled until the table shows the new filter's rows, not the last one's)
    await poll(async () => {
      const r = await texts();
      return r.length > 0 && r.every((row) => row.includes('author@example.test') && row.includes('session.'));
    }).toBe(true);
    // a time range after everything: nothing
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await filters.getByLabel('From').fill(local(Date.now() + 3600_000));
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await visible(admin.getByText('No entries match'));
    await filters.getByRole('button', { name: 'Clear' }).click();
    await poll(async () => (await texts()).length).toBeGreaterThan(5);
    expect(errors).toEqual([]);

    // an editor's menu has no audit trail, and the server refuses it
    await ed.goto('/content');
    await ed.getByRole('button', { name: /User menu/ }).click();
    expect(await ed.getByRole('menuitem', { name: 'Audit trail' }).count()).toBe(0);
    expect(await ed.evaluate(async () => (await fetch('/panel/api/audit')).status)).toBe(403);
  });
});
