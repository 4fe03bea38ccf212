import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, rule, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

type Edges = { edges: { node: Record<string, unknown> }[] };

/**
 * GraphQL's response cache (decision 0019, addendum of session 7): a repeated query is answered from memory while
 * the write generations of every type the key reads are unchanged, and never after a write to any of them.
 */
describe.each(dialectsUnderTest())('GraphQL response cache on %s', (dialect) => {
  const t = useTestApp(dialect);
  const gql = async (query: string, opts: { key?: string; variables?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await t().call('POST', '/api/v2/graphql', {
      key: opts.key ?? t().ro,
      body: { query, variables: opts.variables },
      headers: opts.headers,
    });
    return { status: res.statusCode, body: res.json(), text: res.body };
  };
  const svc = () => t().app.services.graphql;
  const POSTS = '{ post(first: 20, order_by: "title") { edges { node { id title author { name } } } } }';
  const posts = (body: { data: { post: Edges } }) =>
    body.data.post.edges.map(
      (e) => `${String(e.node.title)} by ${(e.node.author as { name: string }[]).map((a) => a.name).join('+')}`,
    );

  beforeAll(async () => {
    const c = t().call;
    for (const def of [
      ctd('author', { name: text({ isTitlePart: true }) }),
      ctd('post', { title: text({ isTitlePart: true }), author: relation('author') }),
      ctd('page', { title: text({ isTitlePart: true }) }, { draftPublic: true }),
    ])
      expect((await c('POST', '/api/v1/internal/contenttype', { key: t().rw, body: def })).statusCode).toBe(200);
    await c('POST', '/api/v1/content/author', { key: t().rw, body: { id: 'au-1', name: 'Ada' } });
    await c('POST', '/api/v1/content/post', {
      key: t().rw,
      body: { id: 'p-1', title: 'a one', author: [ref('author', 'au-1')] },
    });
  });

  it('answers a repeated query from the cache, and after a write to the related type the next answer is new', async () => {
    const first = await gql(POSTS);
    expect(first.status).toBe(200);
    expect(posts(first.body)).toEqual(['a one by Ada']);
    const hits = svc().cacheStats.hits;
    const loads = svc().relationQueries;
    const again = await gql(POSTS);
    expect(again.text).toBe(first.text);
    expect(svc().cacheStats.hits).toBe(hits + 1);
    expect(svc().relationQueries).toBe(loads);
    // the related type changes: the cached answer (which embeds Ada) is stale
    await t().call('PATCH', '/api/v1/content/author/au-1', { key: t().rw, body: { name: 'Ada L.' } });
    expect(posts((await gql(POSTS)).body)).toEqual(['a one by Ada L.']);
    // the listed type changes: created, then deleted
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p-2', title: 'b two', author: [] } });
    expect(posts((await gql(POSTS)).body)).toEqual(['a one by Ada L.', 'b two by ']);
    expect(posts((await gql(POSTS)).body)).toEqual(['a one by Ada L.', 'b two by ']);
    await t().call('DELETE', '/api/v1/content/post/p-2', { key: t().rw });
    expect(posts((await gql(POSTS)).body)).toEqual(['a one by Ada L.']);
  });

  it('keeps answers apart by variables and operation', async () => {
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p-3', title: 'c three', author: [] } });
    const doc =
      'query A($n: Int) { post(first: $n, order_by: "title") { edges { node { id } } } } query B { author { edges { node { name } } } }';
    const ids = (b: { data: { post: Edges } }) => b.data.post.edges.map((e) => e.node.id);
    const run = async (operationName: string, variables?: unknown) =>
      (await t().call('POST', '/api/v2/graphql', { key: t().ro, body: { query: doc, operationName, variables } })).json();
    for (let i = 0; i < 2; i++) {
      expect(ids(await run('A', { n: 1 }))).toEqual(['p-1']);
      expect(ids(await run('A', { n: 2 }))).toEqual(['p-1', 'p-3']);
      expect((await run('B')).data.author.edges).toEqual([{ node: { name: 'Ada L.' } }]);
    }
  });

  it('keeps the preview and the public answer apart for one key', async () => {
    await t().call('POST', '/api/v1/content/page', { key: t().rw, body: { id: 'pg-1', title: 'draft only' } });
    const q = '{ page { edges { node { id title } } } }';
    const preview = { 'x-mode': 'preview' };
    const titles = (b: { data: { page: Edges } }) => b.data.page.edges.map((e) => e.node.title);
    for (let i = 0; i < 2; i++) {
      expect(titles((await gql(q, { key: t().rw, headers: preview })).body)).toEqual(['draft only']);
      expect(titles((await gql(q, { key: t().rw })).body)).toEqual([]);
    }
    await t().call('POST', '/api/v1/content/page/pg-1/publish', { key: t().rw });
    expect(titles((await gql(q, { key: t().rw })).body)).toEqual(['draft only']);
    await t().call('PATCH', '/api/v1/content/page/pg-1', { key: t().rw, body: { title: 'edited' } });
    expect(titles((await gql(q, { key: t().rw, headers: preview })).body)).toEqual(['edited']);
    expect(titles((await gql(q, { key: t().rw })).body)).toEqual(['draft only']);
  });

  it('is cleared with the schemas when a content type changes', async () => {
    expect((await gql(POSTS)).status).toBe(200);
    const res = await t().call('PUT', '/api/v1/internal/contenttype/author', {
      key: t().rw,
      body: ctd('author', { name: text({ isTitlePart: true }), bio: text() }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const q = '{ author { edges { node { name bio } } } }';
    expect((await gql(q)).body.data.author.edges).toEqual([{ node: { name: 'Ada L.', bio: null } }]);
    // a key made now, with rules of its own, is answered from its own schema
    const narrow = await t().app.services.keys.createUserDefined(SYSTEM, 'posts only', [rule('post', { canRead: true })]);
    expect((await gql(POSTS, { key: narrow.key })).status).toBe(400);
  });
});
