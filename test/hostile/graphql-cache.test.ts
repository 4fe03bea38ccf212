import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, rule, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const PROTO = Object.getOwnPropertyNames(Object.prototype);

/**
 * GraphQL's response cache under attack: an answer cached for one key, view or rule set must never reach a request
 * that could not have read it — a key narrowed after caching, another key with less read, a preview asked without
 * the grant, a key removed — and prototype names as variables or operation names cannot confuse its keys.
 */
describe.each(dialectsUnderTest())('attacks on the GraphQL response cache on %s', (dialect) => {
  const t = useTestApp(dialect);
  const SECRET_NAME = 'Ada the secret author';
  const POSTS = '{ post(first: 20, order_by: "title") { edges { node { id title author { name } } } } }';
  const gql = async (key: string, query: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) => {
    const res = await t().call('POST', '/api/v2/graphql', { key, body: { query, ...extra }, headers });
    return { status: res.statusCode, text: res.body };
  };

  beforeAll(async () => {
    for (const def of [
      ctd('author', { name: text({ isTitlePart: true }) }),
      ctd('post', { title: text({ isTitlePart: true }), author: relation('author') }),
      ctd('page', { title: text({ isTitlePart: true }) }, { draftPublic: true }),
      // a relation to objects of any type: two keys' schemas both accept a query over it
      ctd('note', { title: text({ isTitlePart: true }), about: relation('') }),
    ])
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: def })).statusCode).toBe(200);
    await t().call('POST', '/api/v1/content/author', { key: t().rw, body: { id: 'au-1', name: SECRET_NAME } });
    await t().call('POST', '/api/v1/content/post', {
      key: t().rw,
      body: { id: 'p-1', title: 'public post', author: [ref('author', 'au-1')] },
    });
    await t().call('POST', '/api/v1/content/page', { key: t().rw, body: { id: 'pg-1', title: 'unpublished draft' } });
    await t().call('POST', '/api/v1/content/note', {
      key: t().rw,
      body: { id: 'n-1', title: 'note', about: [ref('author', 'au-1'), ref('post', 'p-1')] },
    });
  });

  it('one query valid for two keys: the key with less read never gets the answer cached for the other', async () => {
    const q = '{ note { edges { node { title about { __typename ... on post { title } } } } } }';
    const wide = await t().app.services.keys.createUserDefined(SYSTEM, 'wide', [
      rule('note', { canRead: true }),
      rule('post', { canRead: true }),
      rule('author', { canRead: true }),
    ]);
    const narrow = await t().app.services.keys.createUserDefined(SYSTEM, 'narrow', [
      rule('note', { canRead: true }),
      rule('post', { canRead: true }),
    ]);
    const about = async (key: string) => {
      const res = await gql(key, q);
      expect(res.status, res.text).toBe(200);
      return (
        JSON.parse(res.text) as { data: { note: { edges: { node: { about: { __typename: string }[] } }[] } } }
      ).data.note.edges[0].node.about.map((a) => a.__typename);
    };
    for (let i = 0; i < 2; i++) expect(await about(wide.key)).toEqual(['author', 'post']);
    // the author linked from the note exists, but this key may not learn even that
    for (let i = 0; i < 2; i++) expect(await about(narrow.key)).toEqual(['post']);
    expect(await about(wide.key)).toEqual(['author', 'post']);
  });

  it('a key narrowed after its answer was cached gets no cached author, and a key with less read never did', async () => {
    const k = await t().app.services.keys.createUserDefined(SYSTEM, 'reader', [
      rule('post', { canRead: true }),
      rule('author', { canRead: true }),
    ]);
    const postsOnly = await t().app.services.keys.createUserDefined(SYSTEM, 'posts only', [rule('post', { canRead: true })]);
    for (let i = 0; i < 2; i++) expect((await gql(k.key, POSTS)).text).toContain(SECRET_NAME);
    // same document, same data, less read: the relation field does not exist in its schema
    const other = await gql(postsOnly.key, POSTS);
    expect(other.status).toBe(400);
    expect(other.text).not.toContain(SECRET_NAME);
    // the same key, narrowed: refused from its next request
    await t().app.services.keys.update(SYSTEM, k.id, { rules: [rule('post', { canRead: true })] });
    const narrowed = await gql(k.key, POSTS);
    expect(narrowed.status).toBe(400);
    expect(narrowed.text).not.toContain(SECRET_NAME);
    // …and a relation to anything (`author` listed through a query that asks only for ids) shows nothing either
    const ids = await gql(k.key, '{ post { edges { node { id title } } } }');
    expect(ids.status).toBe(200);
    expect(ids.text).not.toContain(SECRET_NAME);
    // a removed key: 401, not the cached answer
    for (let i = 0; i < 2; i++) expect((await gql(t().ro, POSTS)).text).toContain(SECRET_NAME);
    const gone = await t().app.services.keys.createUserDefined(SYSTEM, 'to remove', [
      rule('post', { canRead: true }),
      rule('author', { canRead: true }),
    ]);
    expect((await gql(gone.key, POSTS)).text).toContain(SECRET_NAME);
    await t().app.services.keys.remove(SYSTEM, gone.id);
    const removed = await gql(gone.key, POSTS);
    expect(removed.status).toBe(401);
    expect(removed.text).not.toContain(SECRET_NAME);
  });

  it('a draft cached for a preview is never served to a public read or to a key without the preview grant', async () => {
    const q = '{ page { edges { node { id title } } } }';
    const preview = { 'x-mode': 'preview' };
    for (let i = 0; i < 2; i++) expect((await gql(t().rw, q, {}, preview)).text).toContain('unpublished draft');
    const readers = [
      t().ro,
      (await t().app.services.keys.createUserDefined(SYSTEM, 'page reader', [rule('page', { canRead: true })])).key,
    ];
    for (const key of readers) {
      expect((await gql(key, q)).text).not.toContain('unpublished draft');
      // asking for the preview without the grant: refused, whatever the cache holds
      const asked = await gql(key, q, {}, preview);
      expect(asked.text).not.toContain('unpublished draft');
    }
    expect((await gql(t().rw, q)).text).not.toContain('unpublished draft');
  });

  it('prototype names as variables and operation names are answered as data and keep their answers apart', async () => {
    const doc = 'query Q($n: Int) { post(first: $n) { edges { node { id } } } }';
    for (const name of PROTO) {
      for (const extra of [
        { variables: { [name]: 1, n: 1 } },
        { variables: JSON.parse(`{"${name}": {"n": 5}, "n": 1}`) as unknown },
        { operationName: name },
        { operationName: 'Q', variables: `{"${name}": null}` },
      ]) {
        const res = await gql(t().ro, doc, extra);
        expect(res.status, `${name} ${JSON.stringify(extra)}: ${res.text}`).toBeLessThan(500);
      }
    }
    // after all of that, the plain question still gets its own answer
    expect(JSON.parse((await gql(t().ro, doc, { variables: { n: 1 } })).text).data.post.edges).toEqual([{ node: { id: 'p-1' } }]);
    const unknownOp = await gql(t().ro, doc, { operationName: '__proto__' });
    expect(unknownOp.status).toBe(400);
  });
});
