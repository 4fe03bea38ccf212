import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { checkbox, ctd, type FieldSpec, number, ref, relation, rule, simpleList, text } from '../support/fixtures.js';
import { ADMIN, useTestApp } from '../support/test-app.js';

const V2 = '/api/v2/graphql';
const V1 = '/api/graphql';
const geo: FieldSpec = {
  type: 'object',
  inputType: 'geo',
  extraSchema: {
    properties: { lat: { type: 'number' }, lon: { type: 'number' } },
    required: ['lat', 'lon'],
    additionalProperties: false,
  },
};
const block: FieldSpec = {
  type: 'object',
  inputType: 'block',
  extraSchema: {
    properties: {
      time: { type: 'number' },
      blocks: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            type: { type: 'string' },
            data: { type: 'object', properties: { text: { type: 'string' } }, additionalProperties: true },
          },
        },
      },
      version: { type: 'string' },
    },
    additionalProperties: false,
  },
};
const links: FieldSpec = {
  type: 'array',
  inputType: 'object',
  extraSchema: {
    items: {
      type: 'object',
      properties: { label: { type: 'string' }, who: { type: 'array', items: { $ref: '#/components/schemas/DataSource' } } },
    },
  },
  extraMeta: {
    items: {
      order: ['label', 'who'],
      propertiesConfig: {
        label: { label: 'Label', inputType: 'text', unique: false },
        who: {
          label: 'Who',
          inputType: 'datasource',
          unique: false,
          validation: { relationContenttype: 'author', relationMultiple: true },
        },
      },
    },
  },
};

describe.each(dialectsUnderTest())('GraphQL on %s', (dialect) => {
  const t = useTestApp(dialect);
  let postOnly = '';
  const gql = async (key: string | undefined, query: string, variables?: Record<string, unknown>, url = V2) => {
    const res = await t().call('POST', url, { key, body: { query, variables } });
    return { status: res.statusCode, body: res.json() };
  };
  const sdl = async (key: string, url = V2) => {
    const res = await t().call('GET', `${url}/schema`, { key });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body;
  };

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) => {
      const res = await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    };
    const put = async (type: string, body: Record<string, unknown>) => {
      const res = await t().call('POST', `/api/v1/content/${type}`, { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    };
    await mk(ctd('secret', { code: text() }));
    await mk(ctd('author', { name: text({ required: true, isTitlePart: true }), __translations: text() }));
    await mk(ctd('category', { name: text({ required: true, unique: true, isTitlePart: true }), parent: relation('category') }));
    await mk(
      ctd('post', {
        title: text({ required: true, isTitlePart: true }),
        views: number(),
        published: checkbox(),
        tags: simpleList(),
        category: relation('category'),
        author: relation('author'),
        secret: relation('secret'),
        anything: relation(''),
        location: geo,
        body: block,
        links,
      }),
    );
    await put('secret', { id: 's1', code: 'launch' });
    await put('author', { id: 'a1', name: 'Ada' });
    await put('author', { id: 'a2', name: 'Bob', __translations: 'Robert' });
    await put('category', { id: 'c-root', name: 'Root' });
    await put('category', { id: 'c-tech', name: 'Tech', parent: [ref('category', 'c-root')] });
    await put('category', { id: 'c-food', name: 'Food', parent: [ref('category', 'c-root')] });
    for (let i = 1; i <= 25; i++) {
      const n = String(i).padStart(2, '0');
      await put('post', {
        id: `p-${n}`,
        title: `Post ${n}`,
        views: i,
        published: i % 2 === 0,
        tags: ['t', `t${i}`],
        category: [ref('category', i % 2 ? 'c-tech' : 'c-food')],
        author: [ref('author', i % 3 ? 'a1' : 'a2')],
        secret: [ref('secret', 's1')],
      });
    }
    await put('post', {
      id: 'p-rich',
      title: 'Rich',
      views: 1000,
      anything: [ref('author', 'a1'), ref('secret', 's1'), ref('category', 'c-tech'), ref('post', 'p-02')],
      location: { lat: 52.2, lon: 21 },
      body: { time: 1, blocks: [{ id: 'b1', type: 'paragraph', data: { text: 'Hi' } }], version: '2' },
      links: [{ label: 'first', who: [ref('author', 'a2'), ref('author', 'a1')] }],
    });
    postOnly = (await t().app.services.keys.createUserDefined(SYSTEM, 'post only', [rule('post', { canRead: true })])).key;
  });

  it('lists with first/offset/order and reports totalCount and hasNextPage', async () => {
    const q = `{ post(first: 5, offset: 5, order_by: "views", order_direction: "desc", filter: { views: { type: "lessThan", filter: "100" } }) {
      totalCount pageInfo { hasNextPage } edges { node { id title views published tags internal { contentType objectTitle latestVersion } } } } }`;
    const { status, body } = await gql(t().ro, q);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.post.totalCount).toBe(25);
    expect(body.data.post.pageInfo.hasNextPage).toBe(true);
    const nodes = body.data.post.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.map((n: { views: number }) => n.views)).toEqual([20, 19, 18, 17, 16]);
    expect(nodes[0]).toEqual({
      id: 'p-20',
      title: 'Post 20',
      views: 20,
      published: true,
      tags: ['t', 't20'],
      internal: { contentType: 'post', objectTitle: 'Post 20', latestVersion: 1 },
    });
    const last = await gql(
      t().ro,
      '{ post(first: 5, offset: 20, order_by: "views") { pageInfo { hasNextPage } edges { node { views } } } }',
    );
    expect(last.body.data.post.pageInfo.hasNextPage).toBe(true);
    const end = await gql(
      t().ro,
      '{ post(first: 6, offset: 20, order_by: "views") { pageInfo { hasNextPage } edges { node { views } } } }',
    );
    expect(end.body.data.post.pageInfo.hasNextPage).toBe(false);
    const byDefault = await gql(t().ro, '{ post { edges { node { id } } } }');
    expect(byDefault.body.data.post.edges).toHaveLength(10);
  });

  it('filters with the REST operators (numbers as strings, inRange with filter2, relations by dataUrl)', async () => {
    const count = async (filter: string) => (await gql(t().ro, `{ post(filter: ${filter}) { totalCount } }`)).body;
    expect((await count('{ views: { type: "greaterThan", filter: "20" } }')).data.post.totalCount).toBe(6);
    expect((await count('{ views: { type: "inRange", filter: "3", filter2: "5" } }')).data.post.totalCount).toBe(3);
    expect((await count('{ title: { type: "startsWith", filter: "Post 1" } }')).data.post.totalCount).toBe(10);
    expect((await count('{ category: { type: "contains", filter: "c-tech" } }')).data.post.totalCount).toBe(13);
    const bad = await count('{ views: { type: "nope", filter: "1" } }');
    expect(bad.data.post).toBeNull();
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors[0].message).toMatch(/Unknown filter type/);
    const tooMany = await gql(t().ro, '{ post(first: 1001) { totalCount } }');
    expect(tooMany.body.errors[0]).toMatchObject({ path: ['post'], extensions: { code: 'BAD_USER_INPUT' } });
    const withVars = await gql(
      t().ro,
      'query Q($n: Int, $f: postFilterInput) { post(first: $n, filter: $f) { edges { node { id } } } }',
      {
        n: 2,
        f: { views: { type: 'lessThanOrEqual', filter: '2' } },
      },
    );
    expect(withVars.body.data.post.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(['p-01', 'p-02']);
  });

  it('gets one object by id and by field/value; a missing one is NOT_FOUND', async () => {
    const byId = await gql(t().ro, '{ post(id: "p-03") { totalCount edges { node { id title } } } }');
    expect(byId.body.data.post).toEqual({ totalCount: 1, edges: [{ node: { id: 'p-03', title: 'Post 03' } }] });
    const byField = await gql(t().ro, '{ category(field: "name", value: "Tech") { edges { node { id } } } }');
    expect(byField.body.data.category.edges).toEqual([{ node: { id: 'c-tech' } }]);
    const missing = await gql(t().ro, '{ post(id: "nope") { edges { node { id } } } }');
    expect(missing.status).toBe(200);
    expect(missing.body.data.post).toBeNull();
    expect(missing.body.errors).toEqual([
      { message: 'Not found', locations: [{ line: 1, column: 3 }], path: ['post'], extensions: { code: 'NOT_FOUND' } },
    ]);
    const half = await gql(t().ro, '{ post(field: "title") { totalCount } }');
    expect(half.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('resolves relations, lists, geo and block fields; "any type" relations are a union', async () => {
    const q = `{ post(id: "p-rich") { edges { node {
      location { lat lon } body links { label who { name } }
      anything { __typename ... on author { name } ... on category { name parent { name } } ... on post { title } ... on secret { code } }
    } } } }`;
    const { body } = await gql(t().ro, q);
    expect(body.errors).toBeUndefined();
    const node = body.data.post.edges[0].node;
    expect(node.location).toEqual({ lat: 52.2, lon: 21 });
    expect(node.body.blocks[0].data.text).toBe('Hi');
    expect(node.links).toEqual([{ label: 'first', who: [{ name: 'Bob' }, { name: 'Ada' }] }]);
    expect(node.anything).toEqual([
      { __typename: 'author', name: 'Ada' },
      { __typename: 'secret', code: 'launch' },
      { __typename: 'category', name: 'Tech', parent: [{ name: 'Root' }] },
      { __typename: 'post', title: 'Post 02' },
    ]);
    // a property name GraphQL reserves (`__` prefix) gets a usable one
    const odd = await gql(t().ro, '{ author(order_by: "name") { edges { node { name _translations } } } }');
    expect(odd.body.data.author.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { name: 'Ada', _translations: null },
      { name: 'Bob', _translations: 'Robert' },
    ]);
  });

  it('loads relations in one query per type per level, whatever the page size', async () => {
    const svc = t().app.services.graphql;
    const q = (n: number) =>
      `{ post(first: ${n}, order_by: "views") { edges { node { id category { name parent { name } } author { name } } } } }`;
    const before = svc.relationQueries;
    const { body } = await gql(t().ro, q(25));
    expect(body.errors).toBeUndefined();
    expect(body.data.post.edges).toHaveLength(25);
    expect(body.data.post.edges[0].node).toEqual({
      id: 'p-01',
      category: [{ name: 'Tech', parent: [{ name: 'Root' }] }],
      author: [{ name: 'Ada' }],
    });
    // level 1: category + author; level 2: category (parents)
    expect(svc.relationQueries - before).toBe(3);
    const small = svc.relationQueries;
    await gql(t().ro, q(2));
    expect(svc.relationQueries - small).toBe(3);
  });

  it('serves the legacy schema: XList with page/limit/filter, X by id or field/value, no internal', async () => {
    const list = await gql(
      t().ro,
      '{ postList(page: 2, limit: 3, order_by: "views", filter: "{\\"views\\":{\\"type\\":\\"lessThan\\",\\"filter\\":100}}") { id views category { name } } }',
      undefined,
      V1,
    );
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.postList).toEqual([
      { id: 'p-04', views: 4, category: [{ name: 'Food' }] },
      { id: 'p-05', views: 5, category: [{ name: 'Tech' }] },
      { id: 'p-06', views: 6, category: [{ name: 'Food' }] },
    ]);
    const byDefault = await gql(t().ro, '{ postList { id } }', undefined, V1);
    expect(byDefault.body.data.postList).toHaveLength(20);
    const one = await gql(
      t().ro,
      '{ post(id: "p-01") { id title author { name } } category(field: "name", value: "Food") { id } }',
      undefined,
      V1,
    );
    expect(one.body.data).toEqual({
      post: { id: 'p-01', title: 'Post 01', author: [{ name: 'Ada' }] },
      category: { id: 'c-food' },
    });
    const missing = await gql(t().ro, '{ post(id: "nope") { id } }', undefined, V1);
    expect(missing.body).toMatchObject({ data: { post: null }, errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const noInternal = await gql(t().ro, '{ post(id: "p-01") { internal { contentType } } }', undefined, V1);
    expect(noInternal.status).toBe(400);
    expect(noInternal.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badFilter = await gql(t().ro, '{ postList(filter: "{oops") { id } }', undefined, V1);
    expect(badFilter.body.errors[0]).toMatchObject({
      message: 'filters: Malformed filters json - Syntax error',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('answers the SDL of the caller schema on /schema, and supports GET queries', async () => {
    const text2 = await sdl(t().ro);
    for (const line of [
      'type Query {',
      'post(id: String, field: String, value: String, first: Int, offset: Int, order_by: String, order_direction: String, filter: postFilterInput): postConnection',
      'type post {',
      'internal: flotiq___internal',
      'id: String!',
      'title: String!',
      'views: Float',
      'published: Boolean',
      'tags: [String]',
      'category: [category!]',
      'anything: [FlotiqAnyObject!]',
      'location: post_location',
      'body: JSON',
      'links: [post_links!]',
      'type post_links {',
      'who: [author!]',
      'type postConnection {',
      'edges: [postEdge]',
      'pageInfo: postPageInfo',
      'totalCount: Int',
      'input postFilterInput {',
      'input FlotiqFieldFilterInput {',
      'type flotiq___internal {',
      'union FlotiqAnyObject = _media | _plugin_settings | _tag | _webhooks | author | category | post | secret',
      'type _media {',
      'type _media_variants {',
      'scalar JSON',
    ]) {
      expect(text2).toContain(line);
    }
    expect(text2).not.toMatch(/Mutation|Subscription/);
    const legacy = await sdl(t().ro, V1);
    expect(legacy).toContain(
      'postList(page: Int, limit: Int, order_by: String, order_direction: String, filter: String): [post!]',
    );
    expect(legacy).toContain('post(id: String, field: String, value: String): post');
    expect(legacy).not.toContain('flotiq___internal');
    const viaGet = await t().call(
      'GET',
      `${V2}?query=${encodeURIComponent('{ author(order_by: "name") { edges { node { name } } } }')}`,
      { key: t().ro },
    );
    expect(viaGet.json().data.author.edges).toEqual([{ node: { name: 'Ada' } }, { node: { name: 'Bob' } }]);
  });

  it('supports introspection, limited to the readable types', async () => {
    const q = '{ __schema { queryType { fields { name } } types { name } } secret: __type(name: "secret") { name } }';
    const all = (await gql(t().ro, q)).body.data;
    expect(all.__schema.queryType.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['post', 'secret', 'author', 'category', '_media', '_tag']),
    );
    expect(all.secret).toEqual({ name: 'secret' });
    const scoped = (await gql(postOnly, q)).body.data;
    expect(scoped.__schema.queryType.fields.map((f: { name: string }) => f.name)).toEqual(['post']);
    const names = scoped.__schema.types.map((t: { name: string }) => t.name);
    expect(names).toContain('post');
    expect(names.filter((n: string) => /secret|author|category|_media|_tag/.test(n))).toEqual([]);
    expect(scoped.secret).toBeNull();
    const postType = (await gql(postOnly, '{ __type(name: "post") { fields { name } } }')).body.data.__type;
    expect(postType.fields.map((f: { name: string }) => f.name)).toEqual([
      'internal',
      'id',
      'title',
      'views',
      'published',
      'tags',
      'anything',
      'location',
      'body',
      'links',
    ]);
  });

  it('a key that reads only post: secret is absent from SDL, introspection and execution', async () => {
    const text2 = await sdl(postOnly);
    expect(text2).toContain('type post {');
    expect(text2).not.toMatch(/secret|author|category|_media|_tag/);
    expect(text2).toContain('union FlotiqAnyObject = post');
    expect(text2).not.toContain('who:'); // the list item's only visible field would be a relation to author
    const denied = await gql(postOnly, '{ secret { edges { node { id code } } } }');
    expect(denied.status).toBe(400);
    expect(denied.body.data).toBeUndefined();
    expect(denied.body.errors[0]).toMatchObject({
      message: 'Cannot query field "secret" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const unknown = await gql(postOnly, '{ nosuchtype { edges { node { id } } } }');
    expect(unknown.body.errors[0].message).toBe('Cannot query field "nosuchtype" on type "Query".');
    const relation = await gql(postOnly, '{ post(id: "p-01") { edges { node { secret { id } } } } }');
    expect(relation.status).toBe(400);
    expect(relation.body.errors[0].message).toBe('Cannot query field "secret" on type "post".');
    const filter = await gql(postOnly, '{ post(filter: { secret: { type: "contains", filter: "s1" } }) { totalCount } }');
    expect(filter.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const any = await gql(postOnly, '{ post(id: "p-rich") { edges { node { anything { __typename ... on post { id } } } } } }');
    expect(any.body.data.post.edges[0].node.anything).toEqual([{ __typename: 'post', id: 'p-02' }]);
    const legacy = await gql(postOnly, '{ secretList { id } }', undefined, V1);
    expect(legacy.body).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    expect(legacy.body.data).toBeUndefined();
    expect(await sdl(postOnly, V1)).not.toContain('secret');
  });

  it('read-only and read-write keys see every type; a key that reads nothing gets an empty schema', async () => {
    for (const key of [t().ro, t().rw]) {
      const text2 = await sdl(key);
      expect(text2).toContain('type secret {');
      expect(text2).toContain('secret: [secret!]');
      const { body } = await gql(key, '{ secret { edges { node { code } } } }');
      expect(body.data.secret.edges).toEqual([{ node: { code: 'launch' } }]);
    }
    const createOnly = (await t().app.services.keys.createUserDefined(SYSTEM, 'create only', [rule('post', { canCreate: true })]))
      .key;
    expect(await sdl(createOnly)).toMatch(
      /^type Query {\n {2}"""This key can read no content type"""\n {2}_empty: Boolean\n}\s*$/,
    );
    expect((await gql(createOnly, '{ post { totalCount } }')).status).toBe(400);
    expect((await gql(createOnly, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses queries that are too deep, too aliased or too costly, before running them', async () => {
    const svc = t().app.services.graphql;
    const before = svc.relationQueries;
    let nested = 'name';
    for (let i = 0; i < 10; i++) nested = `parent { ${nested} }`;
    const deep = await gql(t().ro, `{ category { edges { node { ${nested} } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0]).toMatchObject({
      message: 'Query depth 14 exceeds the limit of 12',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
    });
    const aliases = Array.from({ length: 21 }, (_, i) => `a${i}: author(first: 1) { totalCount }`).join(' ');
    const aliased = await gql(t().ro, `{ ${aliases} }`);
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' } });
    const costly = await gql(t().ro, '{ post(first: 1000) { edges { node { category { parent { parent { name } } } } } } }');
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' } });
    const viaVariable = await gql(
      t().ro,
      'query($n: Int) { post(first: $n) { edges { node { category { parent { parent { name } } } } } } }',
      { n: 1000 },
    );
    expect(viaVariable.body.errors[0].extensions.limit).toBe('cost');
    const wide = Array.from(
      { length: 20 },
      (_, i) => `p${i}: post(first: 1000) { edges { node { id title views published tags } } }`,
    ).join(' ');
    expect((await gql(t().ro, `{ ${wide} }`)).body.errors[0].extensions.limit).toBe('cost');
    expect(svc.relationQueries).toBe(before);
    // repeated fragments merge at execution, and the estimate follows execution: this is one cheap `post`
    const frags = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map(
      (f, i, all) =>
        `fragment ${f} on Query { ${all[i + 1] ? `...${all[i + 1]} ...${all[i + 1]}` : 'post(first: 1000) { edges { node { id } } }'} }`,
    );
    const merged = await gql(t().ro, `query { ...A } ${frags.join(' ')}`);
    expect(merged.body.errors).toBeUndefined();
    expect(merged.body.data.post.edges).toHaveLength(26);
    const fine = await gql(t().ro, '{ post(first: 1000) { edges { node { id category { name } } } } }');
    expect(fine.body.errors).toBeUndefined();
    // cyclic introspection is refused too (graphql-js's own introspection-depth rule answers first here)
    const intro = await gql(
      t().ro,
      '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }',
    );
    expect(intro.status).toBe(400);
    expect(intro.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const standard = await gql(t().ro, getIntrospectionQuery());
    expect(standard.body.errors).toBeUndefined();
    expect(standard.body.data.__schema.queryType.name).toBe('Query');
  });

  it('answers GraphQL errors for broken requests, and 401 (Flotiq JSON) without a valid key', async () => {
    const parse = await gql(t().ro, '{ post { ');
    expect(parse.status).toBe(400);
    expect(parse.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const noQuery = await t().call('POST', V2, { key: t().ro, body: {} });
    expect(noQuery.json().errors[0]).toMatchObject({
      message: 'Must provide a query string',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const mutation = await gql(t().ro, 'mutation { post { totalCount } }');
    expect(mutation.status).toBe(400);
    expect(mutation.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badVar = await gql(t().ro, 'query($n: Int) { post(first: $n) { totalCount } }', { n: 'ten' });
    expect(badVar.status).toBe(400);
    expect(badVar.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const url of [V2, V1]) {
      const none = await t().call('POST', url, { body: { query: '{ __typename }' } });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ code: 401, message: 'Unauthorized' });
      expect((await t().call('GET', `${url}/schema`, { key: 'fla_ro_nope' })).statusCode).toBe(401);
    }
  });

  it('rebuilds the schema when a CTD changes: a new field is queryable at once', async () => {
    const rw = t().rw;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('note', { title: text() }) })).statusCode,
    ).toBe(200);
    expect((await t().call('POST', '/api/v1/content/note', { key: rw, body: { id: 'n1', title: 'First' } })).statusCode).toBe(
      200,
    );
    expect((await gql(t().ro, '{ note { edges { node { title } } } }')).body.data.note.edges).toEqual([
      { node: { title: 'First' } },
    ]);
    expect((await gql(t().ro, '{ note { edges { node { subtitle } } } }')).status).toBe(400);
    const changed = await t().call('PUT', '/api/v1/internal/contenttype/note', {
      key: rw,
      body: ctd('note', { title: text(), subtitle: text() }),
    });
    expect(changed.statusCode).toBe(200);
    expect((await t().call('PATCH', '/api/v1/content/note/n1', { key: rw, body: { subtitle: 'Second' } })).statusCode).toBe(200);
    const after = await gql(t().ro, '{ note { edges { node { title subtitle } } } }');
    expect(after.body).toEqual({ data: { note: { edges: [{ node: { title: 'First', subtitle: 'Second' } }] } } });
    expect(await sdl(t().ro)).toContain('subtitle: String');
    expect(await sdl(postOnly)).not.toContain('note');
  });

  it.runIf(dialect === 'postgres')('rebuilds the schema when a CTD changes on another node (LISTEN/NOTIFY)', async () => {
    const other = await createApp(
      loadConfig({
        FLOTILLA_DATA_DIR: t().db.dataDir,
        DATABASE_URL: t().db.databaseUrl as string,
        LOG_LEVEL: 'error',
        FLOTILLA_ADMIN_EMAIL: ADMIN.email,
        FLOTILLA_ADMIN_PASSWORD: ADMIN.password,
      }),
    );
    try {
      expect((await gql(t().ro, '{ memo { totalCount } }')).status).toBe(400); // cached here without memo
      const created = await other.server.inject({
        method: 'POST',
        url: '/api/v1/internal/contenttype',
        headers: { 'x-auth-token': t().rw, 'content-type': 'application/json' },
        payload: JSON.stringify(ctd('memo', { text: text() })),
      });
      expect(created.statusCode).toBe(200);
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await gql(t().ro, '{ memo { totalCount } }')).status;
      }
      expect(status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
