import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { capturedLogs } from '../support/test-app.js';
import { ctd, text } from '../support/fixtures.js';
import { launchChromium, newContext, signIn, snap } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

/** A second web server on another port, hence another origin: a site that embeds Flotilla's API. */
interface Site {
  origin: string;
  close(): Promise<void>;
}

const SITE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A site elsewhere</title>
<link rel="icon" href="data:,"></head><body><h1>A site on another origin</h1><ol id="calls"></ol></body></html>`;

async function startSite(): Promise<Site> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SITE_PAGE);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a `fetch` made by the site's page came to: an answer the page could read, or the browser's refusal. */
type Outcome = { read: true; status: number; body: string } | { read: false; error: string };

/** Runs `fetch(url, init)` in the page, as the site's own script would, and lists the outcome on the page. */
function fetchFromPage(page: Page, url: string, init: RequestInit = {}): Promise<Outcome> {
  return page.evaluate(
    async ({ url, init }) => {
      let outcome: Outcome;
      try {
        const res = await fetch(url, init);
        outcome = { read: true, status: res.status, body: await res.text() };
      } catch (e) {
        outcome = { read: false, error: String(e) };
      }
      const item = document.createElement('li');
      item.textContent = `${init.method ?? 'GET'} ${url} → ${outcome.read ? outcome.status : `blocked (${outcome.error})`}`;
      document.getElementById('calls')!.append(item);
      return outcome;
    },
    { url, init },
  );
}

/** Chromium's console lines for calls it refused under CORS (expected here; anything else fails the test). */
function watchConsole(page: Page): { cors: string[]; other: string[] } {
  const seen = { cors: [] as string[], other: [] as string[] };
  page.on('pageerror', (e) => seen.other.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const line = m.text();
    if (/has been blocked by CORS policy/.test(line)) seen.cors.push(line);
    // the refused calls fail as network errors, and the read-only key's expected 403 is logged too
    else if (!/Failed to load resource: (net::ERR_FAILED|the server responded with a status of 403)/.test(line))
      seen.other.push(line);
  });
  return seen;
}

/** Whether the server saw a CORS preflight (an OPTIONS request) for this path. */
const preflightSeen = (path: string) =>
  capturedLogs
    .flatMap((chunk) => chunk.split('\n'))
    .some((line) => {
      if (!line.includes('"OPTIONS"')) return false;
      const entry = JSON.parse(line) as { msg?: string; req?: { method?: string; url?: string } };
      return entry.msg === 'incoming request' && entry.req?.method === 'OPTIONS' && entry.req.url === path;
    });

async function addPosts(s: PanelServer, ids: string[]): Promise<void> {
  expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, ctd('post', { title: text() }))).status).toBe(200);
  for (const id of ids)
    expect((await s.api('POST', '/api/v1/content/post', s.t.rw, { id, title: `Post ${id}` })).status).toBe(200);
}

const titleOf = async (s: PanelServer, id: string) =>
  ((await s.api('GET', `/api/v1/content/post/${id}`, s.t.rw)).json as { title: string }).title;

/**
 * Acceptance of issue 12: a page served by another origin uses Flotilla's API from Chromium with the keys a site
 * would hold, and cannot use the Panel's own API, whose answers carry no CORS header.
 */
describe.skipIf(!inject('browserAvailable'))(
  'a page on another origin, CORS open to any origin (the default)',
  { timeout: 60_000 },
  () => {
    let site: Site;
    let s: PanelServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let console_: ReturnType<typeof watchConsole>;

    beforeAll(async () => {
      site = await startSite();
      s = await startPanelServer('sqlite');
      await addPosts(s, ['p1', 'p2']);
      browser = await launchChromium();
      context = await newContext(browser, s.baseURL);
      page = await context.newPage();
      console_ = watchConsole(page);
      await page.goto(site.origin);
      expect(new URL(page.url()).origin).not.toBe(new URL(s.baseURL).origin);
    });

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await s?.close();
      await site?.close();
    });

    it('lists content with the read-only key', async () => {
      const res = await fetchFromPage(page, `${s.baseURL}/api/v1/content/post?order_by=id`, {
        headers: { 'X-AUTH-TOKEN': s.t.ro },
      });
      expect(res).toMatchObject({ read: true, status: 200 });
      const list = JSON.parse((res as { body: string }).body) as { data: { id: string }[] };
      expect(list.data.map((o) => o.id)).toEqual(['p1', 'p2']);
    });

    it('PATCHes an object with the read-write key after a preflight, and reads a refusal of the read-only key', async () => {
      const init = (key: string, title: string): RequestInit => ({
        method: 'PATCH',
        // a custom header and a JSON body: not a "simple" request, so Chromium asks first
        headers: { 'X-AUTH-TOKEN': key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      const res = await fetchFromPage(page, `${s.baseURL}/api/v1/content/post/p1`, init(s.t.rw, 'Edited elsewhere'));
      expect(res).toMatchObject({ read: true, status: 200 });
      expect(JSON.parse((res as { body: string }).body)).toMatchObject({ id: 'p1', title: 'Edited elsewhere' });
      expect(preflightSeen('/api/v1/content/post/p1')).toBe(true);
      expect(await titleOf(s, 'p1')).toBe('Edited elsewhere');

      const refused = await fetchFromPage(page, `${s.baseURL}/api/v1/content/post/p2`, init(s.t.ro, 'Not allowed'));
      expect(refused).toMatchObject({ read: true, status: 403 });
      expect(await titleOf(s, 'p2')).toBe('Post p2');
      expect(console_.cors).toEqual([]);
    });

    it("cannot use the Panel's API, not even with a signed-in Panel session in the same browser", async () => {
      // sign in to the Panel in another tab: its session cookie is in this browser (same site, other port)
      const panel = await context.newPage();
      await signIn(panel);
      await panel.close();

      const keys = await fetchFromPage(page, `${s.baseURL}/panel/api/keys`, { credentials: 'include' });
      expect(keys).toMatchObject({ read: false });
      const login = await fetchFromPage(page, `${s.baseURL}/panel/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.test', password: 'wrong' }),
      });
      expect(login).toMatchObject({ read: false });
      // Chromium refused both for want of CORS headers; the preflighted sign-in was never sent
      expect(console_.cors).toHaveLength(2);
      expect(console_.cors.every((l) => /No 'Access-Control-Allow-Origin' header/.test(l))).toBe(true);
      expect(preflightSeen('/panel/api/session')).toBe(true);
      await snap(page, 'cross-origin-site');
      expect(console_.other).toEqual([]);
    });
  },
);

describe.skipIf(!inject('browserAvailable'))(
  'a page on an origin FLOTILLA_CORS_ORIGINS does not name',
  { timeout: 60_000 },
  () => {
    let site: Site;
    let s: PanelServer;
    let browser: Browser;
    let page: Page;
    let console_: ReturnType<typeof watchConsole>;

    beforeAll(async () => {
      site = await startSite();
      s = await startPanelServer('sqlite', { FLOTILLA_CORS_ORIGINS: 'https://www.allowed.example' });
      await addPosts(s, ['q1']);
      browser = await launchChromium();
      page = await (await newContext(browser, s.baseURL)).newPage();
      console_ = watchConsole(page);
      await page.goto(site.origin);
    });

    afterAll(async () => {
      await browser?.close();
      await s?.close();
      await site?.close();
    });

    it('is refused by the browser: the list is unreadable and the preflighted PATCH is never sent', async () => {
      const list = await fetchFromPage(page, `${s.baseURL}/api/v1/content/post`, { headers: { 'X-AUTH-TOKEN': s.t.ro } });
      expect(list).toMatchObject({ read: false });
      const patch = await fetchFromPage(page, `${s.baseURL}/api/v1/content/post/q1`, {
        method: 'PATCH',
        headers: { 'X-AUTH-TOKEN': s.t.rw, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'Edited elsewhere' }),
      });
      expect(patch).toMatchObject({ read: false });
      expect(preflightSeen('/api/v1/content/post/q1')).toBe(true);
      expect(await titleOf(s, 'q1')).toBe('Post q1');
      expect(console_.cors).toHaveLength(2);
      await snap(page, 'cross-origin-refused');
      expect(console_.other).toEqual([]);

      // the same calls from a server (no browser, no CORS) still work: CORS guards browsers, keys guard the API
      expect((await s.api('GET', '/api/v1/content/post', s.t.ro)).status).toBe(200);
    });
  },
);
