import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, relation, text } from '../support/fixtures.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

// Finding 12 of the first hostile review: 5 000 posts, each relating to 20 others (a blog's "related posts").
const POSTS = 5000;
const FANOUT = 20;
const postId = (i: number) => `bp-${String(i).padStart(4, '0')}`;
/** Post i relates to i+7, i+14, … (mod POSTS): 20 distinct others. */
const relatedOf = (i: number) => Array.from({ length: FANOUT }, (_, k) => (i + 7 * (k + 1)) % POSTS);
const dataUrl = (i: number) => `/api/v1/content/blogpost/${postId(i)}`;
// ~2 KB of text per post, so that a post is ~3.5 KB of JSON with its relations, as in the review's data
const BODY = Array.from({ length: 300 }, (_, k) => ['word', 'lorem', 'ipsum', 'dolor', 'sit', 'amet'][k % 6]).join(' ');

const HEAVY = [
  '/api/v1/content/blogpost?limit=1000&hydrate=2',
  '/api/v1/content/blogpost?limit=1000&hydrate=1',
  '/api/v1/search?q=word&limit=100&hydrate=2',
  '/api/v1/search?q=word&limit=1000&hydrate=1',
];

/** Another app on the same database with other settings (the data is seeded once per dialect). */
async function sibling(t: TestApp, env: Record<string, string>): Promise<App> {
  const config = loadConfig({
    FLOTILLA_DATA_DIR: t.db.dataDir,
    ...(t.db.databaseUrl ? { DATABASE_URL: t.db.databaseUrl } : {}),
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createApp(config, { onResponse: (url, body) => t.responses.push({ url, body }) });
}

const get = (app: App, url: string, key: string) => app.server.inject({ method: 'GET', url, headers: { 'x-auth-token': key } });

function expectBudgetError(res: LightMyRequestResponse, setting: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
  expect(res.body.length).toBeLessThan(2000);
  const body = res.json();
  expect(body).toMatchObject({ code: 400, limit: setting });
  expect(body.message).toContain(setting);
  // it says how to stay under the budget
  expect(body.message).toMatch(/limit/);
  expect(body.message).toMatch(/hydrate/);
  expect(body.needed).toBeGreaterThan(body.max);
}

describe.each(dialectsUnderTest())('read budgets on %s (finding 12)', (dialect) => {
  const t = useTestApp(dialect);
  const siblings: App[] = [];

  beforeAll(async () => {
    const res = await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('blogpost', { title: text(), body: text(), related: relation('blogpost') }),
    });
    expect(res.statusCode, res.body).toBe(200);
    // seeded through storage (the writer would check every relation target one by one): 20 at a time
    const now = Date.UTC(2026, 0, 1);
    for (let from = 0; from < POSTS; from += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, POSTS - from) }, (_, k) => {
          const i = from + k;
          const related = relatedOf(i).map((j) => ({ dataUrl: dataUrl(j), type: 'internal' }));
          return t().app.storage.insertObject({
            actor: 'system',
            draftPublic: false,
            type: 'blogpost',
            id: postId(i),
            data: JSON.stringify({ title: `Post ${i}`, body: `${BODY} ${i}`, related }),
            title: `Post ${i}`,
            createdMs: now + i,
            updatedMs: now + i,
            refs: relatedOf(i).map((j) => ({ type: 'blogpost', id: postId(j) })),
          });
        }),
      );
    }
  }, 240_000);

  afterAll(async () => {
    for (const app of siblings) await app.close();
  });

  it('answers the heavy reads of the review with a 400 naming the budget, not a 5xx or a huge body', async () => {
    for (const url of HEAVY) {
      const res = await t().call('GET', url, { key: t().ro });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      expect(['FLOTILLA_HYDRATE_MAX_OBJECTS', 'FLOTILLA_RESPONSE_MAX_BYTES']).toContain(res.json().limit);
      expectBudgetError(res, res.json().limit);
    }
  });

  it('still answers ordinary reads, with every relation hydrated correctly', async () => {
    const plain = await t().call('GET', '/api/v1/content/blogpost?limit=1000&order_by=id', { key: t().ro });
    expect(plain.statusCode).toBe(200);
    expect(plain.json().data).toHaveLength(1000);

    const one = await t().call('GET', `/api/v1/content/blogpost/${postId(3)}?hydrate=2`, { key: t().ro });
    expect(one.statusCode).toBe(200);
    const post = one.json();
    expect(post.related.map((r: { id: string }) => r.id)).toEqual(relatedOf(3).map(postId));
    const first = relatedOf(3)[0];
    expect(post.related[0]).toMatchObject({ title: `Post ${first}`, internal: { contentType: 'blogpost' } });
    expect(post.related[0].related.map((r: { id: string }) => r.id)).toEqual(relatedOf(first).map(postId));
    // depth 2 ends there: the third level stays as stored
    const second = relatedOf(first)[0];
    expect(post.related[0].related[0].related).toEqual(relatedOf(second).map((j) => ({ dataUrl: dataUrl(j), type: 'internal' })));
  });

  it('counts inlined objects before loading them: a page just under FLOTILLA_HYDRATE_MAX_OBJECTS works', async () => {
    // limit=20&hydrate=2 inlines 20×20 + 20×20×20 = 8 400 objects
    const app = await sibling(t(), {
      FLOTILLA_HYDRATE_MAX_OBJECTS: '8400',
      FLOTILLA_RESPONSE_MAX_BYTES: String(256 * 1024 * 1024),
    });
    siblings.push(app);
    const ok = await get(app, '/api/v1/content/blogpost?limit=20&hydrate=2&order_by=id', t().ro);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    const page = ok.json();
    expect(page.data).toHaveLength(20);
    for (const [n, post] of (page.data as { id: string; related: { id: string; related: { id: string }[] }[] }[]).entries()) {
      expect(post.id).toBe(postId(n));
      expect(post.related.map((r) => r.id)).toEqual(relatedOf(n).map(postId));
      for (const [k, r] of post.related.entries())
        expect(r.related.map((x) => x.id)).toEqual(relatedOf(relatedOf(n)[k]).map(postId));
    }
    const over = await get(app, '/api/v1/content/blogpost?limit=21&hydrate=2&order_by=id', t().ro);
    expectBudgetError(over, 'FLOTILLA_HYDRATE_MAX_OBJECTS');
    expect(over.json()).toMatchObject({ max: 8400, needed: 21 * 20 + 21 * 400 });
    // search shares the budget
    const search = await get(app, '/api/v1/search?q=word&limit=21&hydrate=2', t().ro);
    expectBudgetError(search, 'FLOTILLA_HYDRATE_MAX_OBJECTS');
  });

  it('estimates the response size before building it: just under FLOTILLA_RESPONSE_MAX_BYTES works', async () => {
    const url = (limit: number) => `/api/v1/content/blogpost?limit=${limit}&hydrate=1&order_by=id`;
    const ten = await t().call('GET', url(10), { key: t().ro });
    expect(ten.statusCode).toBe(200);
    const size = Buffer.byteLength(ten.body);
    // 5 % above the real size: the estimate must be that close, and an 11th post (≈ +10 %) must not fit
    const app = await sibling(t(), { FLOTILLA_RESPONSE_MAX_BYTES: String(Math.ceil(size * 1.05)) });
    siblings.push(app);
    const ok = await get(app, url(10), t().ro);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    expect(ok.body).toBe(ten.body);
    expectBudgetError(await get(app, url(11), t().ro), 'FLOTILLA_RESPONSE_MAX_BYTES');
    expectBudgetError(await get(app, '/api/v1/search?q=word&limit=11&hydrate=1', t().ro), 'FLOTILLA_RESPONSE_MAX_BYTES');
    // without hydration too: a page of 1 000 posts is ~3.5 MB
    expectBudgetError(await get(app, '/api/v1/content/blogpost?limit=1000', t().ro), 'FLOTILLA_RESPONSE_MAX_BYTES');
  });
});
