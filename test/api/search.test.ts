import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, type FieldSpec, number, ref, relation, rule, simpleList, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

type Hit = { score: number; item: Record<string, unknown> & { id: string; internal: { contentType: string } } };
type Body = {
  total_count: number;
  count: number;
  total_pages: number;
  current_page: number;
  summary: { aggregations: unknown };
  data: Hit[];
};

const textarea = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', inputType: 'textarea', ...o });
const richtext = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', inputType: 'richtext', ...o });
const select = (options: string[]): FieldSpec => ({ type: 'string', inputType: 'select', extraMeta: { options } });
const POSTS = [
  {
    id: 'p1',
    title: 'Quantum computing basics',
    body: 'An introduction to qubits and gates.',
    status: 'public',
    tags: ['science', 'tech'],
    price: 10,
  },
  {
    id: 'p2',
    title: 'Cooking pasta',
    body: 'Boil water. A quantum of salt is all it takes.',
    status: 'draft',
    tags: ['food'],
    price: 5,
  },
  {
    id: 'p3',
    title: 'Running shoes',
    body: 'We run every morning in the Café du Parc.',
    status: 'public',
    tags: ['sport', 'tech'],
    price: 120,
  },
  {
    id: 'p4',
    title: 'Garden',
    body: 'Flowers',
    summary: '<p>Beautiful <strong>roses</strong> &amp; tulips</p>',
    status: 'public',
    tags: [],
  },
];

describe.each(dialectsUnderTest())('GET /api/v1/search on %s', (dialect) => {
  const t = useTestApp(dialect);
  let postReader: string;
  let nothingReader: string;

  const search = async (query: string, key = t().ro) => {
    const res = await t().call('GET', `/api/v1/search?${query}`, { key });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Body;
  };
  const ids = async (query: string, key = t().ro) => (await search(query, key)).data.map((h) => h.item.id);
  const sorted = async (query: string, key = t().ro) => (await ids(query, key)).sort();
  const status = async (query: string, key = t().ro) => (await t().call('GET', `/api/v1/search?${query}`, { key })).statusCode;

  beforeAll(async () => {
    const rw = t().rw;
    const types = [
      ctd('author', { name: text() }),
      ctd('post', {
        title: text({ isTitlePart: true }),
        body: textarea(),
        summary: richtext(),
        status: select(['public', 'draft']),
        tags: simpleList(),
        price: number(),
      }),
      ctd('news', { headline: text(), body: text(), author: relation('author') }),
      ctd('secret', { title: text(), code: text() }),
    ];
    for (const body of types)
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    const objects: [string, Record<string, unknown>][] = [
      ['author', { id: 'a1', name: 'Ada Lovelace' }],
      ...POSTS.map((p): [string, Record<string, unknown>] => ['post', p]),
      [
        'news',
        { id: 'n1', headline: 'Quantum leap in physics', body: 'Researchers report progress.', author: [ref('author', 'a1')] },
      ],
      ['secret', { id: 's1', title: 'Quantum secret', code: 'zebra' }],
    ];
    for (const [type, body] of objects) {
      const res = await t().call('POST', `/api/v1/content/${type}`, { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    }
    const keys = t().app.services.keys;
    postReader = (
      await keys.createUserDefined(SYSTEM, 'post reader', [rule('post', { canRead: true }), rule('news', { canCreate: true })])
    ).key;
    nothingReader = (await keys.createUserDefined(SYSTEM, 'no reads', [rule('post', { canCreate: true })])).key;
  });

  it('answers the Flotiq envelope with scored items holding the whole object', async () => {
    const body = await search('q=qubits');
    expect(Object.keys(body)).toEqual(['total_count', 'count', 'total_pages', 'current_page', 'summary', 'data']);
    expect(body).toMatchObject({ total_count: 1, count: 1, total_pages: 1, current_page: 1, summary: { aggregations: [] } });
    const [hit] = body.data;
    expect(hit.score).toBeGreaterThan(0);
    expect(hit.item).toMatchObject({
      id: 'p1',
      title: POSTS[0].title,
      tags: ['science', 'tech'],
      internal: { contentType: 'post', objectTitle: POSTS[0].title },
    });
    expect(JSON.parse(hit.item.object_data as string)).toMatchObject({
      id: 'p1',
      title: POSTS[0].title,
      internal: { contentType: 'post' },
    });
    expect(hit.item.content_type_definition_id).toEqual(expect.any(String));
    expect(hit.item['@timestamp']).toEqual(expect.any(String));
  });

  it('searches every readable type, or the content_type[] asked for (repeated or comma-separated)', async () => {
    expect(await sorted('q=quantum')).toEqual(['n1', 'p1', 'p2', 's1']);
    expect(await sorted('q=quantum&content_type[]=post')).toEqual(['p1', 'p2']);
    expect(await sorted('q=quantum&content_type[]=post&content_type[]=news')).toEqual(['n1', 'p1', 'p2']);
    expect(await sorted('q=quantum&content_type=secret,news')).toEqual(['n1', 's1']);
    expect(await sorted('q=quantum&content_type[]=nosuchtype')).toEqual([]);
  });

  it('matches everything with q=* (or no q) and orders by a field, missing values last', async () => {
    expect((await search('q=*')).total_count).toBe(7);
    expect((await search('content_type[]=post')).total_count).toBe(4);
    expect(await ids('q=*&content_type[]=post&order_by=price&order_direction=desc')).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(await ids('q=*&content_type[]=post&order_by=title.keyword')).toEqual(['p2', 'p4', 'p1', 'p3']);
    expect((await search('q=*&content_type[]=post')).data.every((h) => h.score === 1)).toBe(true);
    expect(await sorted('q=*&content_type[]=post&order_by=internal.createdAt&order_direction=asc')).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
  });

  it('ranks a boosted title match above a body match (fields[] with ^boost)', async () => {
    expect(await ids('q=quantum&content_type[]=post&fields[]=title^3&fields[]=body')).toEqual(['p1', 'p2']);
    expect(await ids('q=quantum&content_type[]=post&fields[]=title&fields[]=body^5')).toEqual(['p2', 'p1']);
    const [first, second] = (await search('q=quantum&content_type[]=post&fields[]=title^3&fields[]=body')).data;
    expect(first.score).toBeGreaterThan(second.score);
    // fields[] restricts where the words may match
    expect(await ids('q=quantum&fields[]=title')).toEqual(expect.arrayContaining(['p1', 's1']));
    expect(await sorted('q=quantum&fields[]=title')).toEqual(['p1', 's1']);
    expect(await sorted('q=quantum&fields[]=headline')).toEqual(['n1']);
    expect(await sorted('q=qubits&fields[]=title')).toEqual([]);
    // the listed fields are searched together: required words may sit in different fields, exclusions cover all
    expect(await sorted('q=%2Bquantum%20%2Bqubits&fields[]=title&fields[]=body')).toEqual(['p1']);
    expect(await sorted('q=%2Bquantum%20%2Bqubits&fields[]=title')).toEqual([]);
    expect(await sorted('q=quantum%20-gates&fields[]=title&fields[]=body&content_type[]=post')).toEqual(['p2']);
    expect(await sorted('q=quantum%20-gates&fields[]=title&content_type[]=post')).toEqual(['p1']);
  });

  it('stems words, folds diacritics, strips HTML from richtext', async () => {
    expect(await sorted('q=running')).toEqual(['p3']);
    expect(await sorted('q=runs&fields[]=body')).toEqual(['p3']);
    expect(await sorted('q=cafe')).toEqual(['p3']);
    expect(await sorted('q=roses')).toEqual(['p4']);
    expect(await sorted('q=strong')).toEqual([]);
    expect(await sorted('q=amp')).toEqual([]);
  });

  it('query modes: default (OR, +required, -excluded, prefix*), exact phrase, fuzzy typos', async () => {
    expect(await sorted('q=pasta%20physics')).toEqual(['n1', 'p2']);
    expect(await sorted('q=%2Bquantum%20%2Bphysics')).toEqual(['n1']);
    expect(await sorted('q=quantum%20AND%20salt')).toEqual(['p2']);
    expect(await sorted('q=quantum%20-pasta%20-secret')).toEqual(['n1', 'p1']);
    expect(await sorted('q=quantum%20NOT%20physics&content_type[]=news')).toEqual([]);
    expect(await sorted('q=quant*')).toEqual(['n1', 'p1', 'p2', 's1']);
    expect(await sorted('q=%22computing%20basics%22')).toEqual(['p1']);
    expect(await sorted('q=quantum%20computing&query_mode=exact')).toEqual(['p1']);
    expect(await sorted('q=computing%20quantum&query_mode=exact')).toEqual([]);
    expect(await sorted('q=quantm')).toEqual([]);
    expect(await sorted('q=quantm&query_mode=fuzzy')).toEqual(['n1', 'p1', 'p2', 's1']);
    expect(await sorted('q=tulpis&query_mode=fuzzy')).toEqual(['p4']);
    expect(await status('q=quantum&query_mode=sloppy')).toBe(400);
    expect(await status('q=-quantum')).toBe(400);
  });

  it('filters on exact values (lists by element, numbers by value) before aggregating; post_filters after', async () => {
    expect(await sorted('q=*&filters[status]=public')).toEqual(['p1', 'p3', 'p4']);
    expect(await sorted('q=quantum&filters[status]=public')).toEqual(['p1']);
    expect(await sorted('q=*&filters[tags]=tech&filters[status]=public')).toEqual(['p1', 'p3']);
    expect(await sorted('q=*&filters[price]=10.0')).toEqual(['p1']);
    expect(await sorted('q=*&filters[status][]=draft&filters[status][]=public&content_type[]=post')).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    expect(await sorted('q=*&filters[status]=Public')).toEqual([]);

    const agg = await search('q=*&content_type[]=post&aggregate_by[]=status&post_filters[status]=draft');
    expect(agg.total_count).toBe(1);
    expect(agg.data.map((h) => h.item.id)).toEqual(['p2']);
    expect(agg.summary.aggregations).toEqual({
      status: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'public', doc_count: 3 },
          { key: 'draft', doc_count: 1 },
        ],
      },
    });
    const filtered = await search('q=*&content_type[]=post&aggregate_by[]=status&filters[status]=draft');
    expect(filtered.summary.aggregations).toEqual({
      status: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: 'draft', doc_count: 1 }] },
    });
    const tags = await search('q=*&aggregate_by[]=tags&aggregate_by_numeric[]=price');
    expect(tags.summary.aggregations).toEqual({
      tags: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'tech', doc_count: 2 },
          { key: 'food', doc_count: 1 },
          { key: 'science', doc_count: 1 },
          { key: 'sport', doc_count: 1 },
        ],
      },
      price: { count: 3, min: 5, max: 120, avg: 45, sum: 135 },
    });
    const text = await search('q=quantum&aggregate_by[]=status');
    expect(text.summary.aggregations).toEqual({
      status: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'draft', doc_count: 1 },
          { key: 'public', doc_count: 1 },
        ],
      },
    });
  });

  it('pages with page/limit, counts pages, and refuses results beyond the first 10 000', async () => {
    const first = await search('q=*&limit=3&page=1&order_by=id');
    const second = await search('q=*&limit=3&page=2&order_by=id');
    const third = await search('q=*&limit=3&page=3&order_by=id');
    expect(first).toMatchObject({ total_count: 7, count: 3, total_pages: 3, current_page: 1 });
    expect(third).toMatchObject({ count: 1, current_page: 3 });
    expect([...first.data, ...second.data, ...third.data].map((h) => h.item.id)).toEqual([
      'a1',
      'n1',
      'p1',
      'p2',
      'p3',
      'p4',
      's1',
    ]);
    expect((await search('q=*&limit=3&page=9')).data).toEqual([]);
    expect(await status('q=*&limit=1000&page=10')).toBe(200);
    const beyond = await t().call('GET', '/api/v1/search?q=*&limit=1000&page=11', { key: t().ro });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json()).toEqual({ page: [expect.stringContaining('10000')] });
    expect(await status('q=*&limit=1001')).toBe(400);
  });

  it('hydrates relations the key may read', async () => {
    const hit = (await search('q=leap&hydrate=1')).data[0];
    expect(hit.item.author).toEqual([expect.objectContaining({ id: 'a1', name: 'Ada Lovelace' })]);
    expect(JSON.parse(hit.item.object_data as string).author).toEqual([ref('author', 'a1')]);
    expect((await search('q=leap')).data[0].item.author).toEqual([ref('author', 'a1')]);
  });

  it('a user-defined key sees only its readable types; asking for another is a 403', async () => {
    const body = await search('q=quantum', postReader);
    expect(body.total_count).toBe(2);
    expect(body.data.map((h) => h.item.id).sort()).toEqual(['p1', 'p2']);
    expect((await search('q=*', postReader)).total_count).toBe(4);
    expect((await search('q=*&aggregate_by[]=status', postReader)).summary.aggregations).toMatchObject({
      status: {
        buckets: [
          { key: 'public', doc_count: 3 },
          { key: 'draft', doc_count: 1 },
        ],
      },
    });
    for (const type of ['secret', 'news', 'nosuchtype']) {
      const res = await t().call('GET', `/api/v1/search?q=quantum&content_type[]=${type}`, { key: postReader });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
    }
    // fields of types it cannot read are unknown to it, exactly like fields that exist nowhere
    expect(await status('q=*&filters[code]=zebra', postReader)).toBe(400);
    expect(await status('q=*&filters[nosuchfield]=zebra', postReader)).toBe(400);
    expect(await status('q=*&aggregate_by[]=headline', postReader)).toBe(400);
    expect(await status('q=*&filters[code]=zebra')).toBe(200);
    const none = await search('q=quantum&aggregate_by[]=status', nothingReader);
    expect(none).toMatchObject({ total_count: 0, count: 0, data: [], summary: { aggregations: { status: { buckets: [] } } } });
    expect(await status('q=quantum', 'fla_ro_unknown')).toBe(401);
  });

  it('refuses unknown fields, bad boosts and unsortable orders with a 400', async () => {
    expect(await status('q=quantum&fields[]=price')).toBe(400);
    expect(await status('q=quantum&fields[]=title^0')).toBe(400);
    expect(await status('q=*&order_by=nosuch')).toBe(400);
    expect(await status('q=*&order_by=tags')).toBe(400);
    expect(await status('q=*&aggregate_by_numeric[]=title')).toBe(400);
    expect(await status('q=*&order_by=internal.updatedAt&order_direction=desc')).toBe(200);
  });

  it('follows writes in the same transaction: create, change, delete, rollback', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'w1', title: 'Walrus facts' } });
    expect(await ids('q=walrus')).toEqual(['w1']);
    await t().call('PATCH', '/api/v1/content/post/w1', { key: rw, body: { title: 'Narwhal facts' } });
    expect(await ids('q=walrus')).toEqual([]);
    expect(await ids('q=narwhal')).toEqual(['w1']);
    expect(await ids('q=*&filters[title]=Narwhal%20facts')).toEqual(['w1']);
    expect((await t().call('DELETE', '/api/v1/content/post/w1', { key: rw })).statusCode).toBe(200);
    // the count and the facets come from the index itself: they prove the entry is gone, not just filtered out
    expect(await search('q=narwhal&aggregate_by[]=title')).toMatchObject({
      total_count: 0,
      data: [],
      summary: { aggregations: { title: { buckets: [] } } },
    });
    expect((await search('q=*&filters[title]=Narwhal%20facts')).total_count).toBe(0);

    const storage = t().app.storage;
    const query = {
      scope: 'all' as const,
      clauses: [{ occur: 'must' as const, term: { kind: 'word' as const, word: 'okapi' } }],
      fuzzy: false,
      fields: [],
      filters: [],
      postFilters: [],
      termsAggregations: [],
      statsAggregations: [],
      order: undefined,
      offset: 0,
      limit: 10,
      previewTypes: [],
    };
    const p1 = (await storage.getObject('post', 'p1', 'preview'))!;
    await expect(
      storage.transaction(async (tx) => {
        await tx.updateObject({
          type: 'post',
          id: 'p1',
          actor: 'system',
          draftPublic: false,
          data: JSON.stringify({ ...POSTS[0], id: undefined, title: 'Okapi' }),
          title: 'Okapi',
          createdMs: p1.createdMs,
          updatedMs: p1.updatedMs,
          refs: [],
          version: p1.version + 1,
        });
        expect((await tx.search(query)).total).toBe(1); // visible inside the transaction that wrote it
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await storage.search(query)).total).toBe(0);
    expect(await ids('q=qubits')).toEqual(['p1']);
  });

  it('reindexes a type when its definition changes, and forgets purged objects', async () => {
    const rw = t().rw;
    const res = await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('memo', { title: text(), note: text() }),
    });
    expect(res.statusCode).toBe(200);
    await t().call('POST', '/api/v1/content/memo', { key: rw, body: { id: 'm1', title: 'Lemur', note: 'hidden gecko' } });
    expect(await ids('q=gecko')).toEqual(['m1']);
    expect(await ids('q=lemur&fields[]=title')).toEqual(['m1']);
    // the note field goes away, and a new text field moves title to another slot
    const put = await t().call('PUT', '/api/v1/internal/contenttype/memo', {
      key: rw,
      body: ctd('memo', { intro: text(), title: text() }),
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await ids('q=gecko')).toEqual([]);
    expect(await ids('q=lemur&fields[]=title')).toEqual(['m1']);
    expect(await ids('q=lemur&fields[]=intro')).toEqual([]);
    expect((await t().call('POST', '/api/v1/internal/contenttype/memo/purge', { key: rw, body: {} })).statusCode).toBe(204);
    expect((await search('q=lemur')).total_count).toBe(0);
  });

  it('follows in-place rewrites of object data (as CTD migrations do)', async () => {
    const storage = t().app.storage;
    const rewrite = async (body: string) => {
      await storage.transaction(async (tx) => {
        const row = (await tx.getObject('post', 'p3', 'preview'))!;
        await tx.rewriteObjectData(row, JSON.stringify({ ...POSTS[2], id: undefined, body }), POSTS[2].title);
        // as every writing service does: the change's event, in its transaction
        await tx.recordEvent({ kind: 'object', action: 'update', contentType: 'post', objectId: 'p3', version: 1 }, 'system', 1);
      });
    };
    await rewrite('We jog past the aquarium');
    expect(await ids('q=aquarium')).toEqual(['p3']);
    expect((await search('q=morning')).total_count).toBe(0);
    await rewrite(POSTS[2].body);
    expect(await ids('q=morning')).toEqual(['p3']);
    expect((await search('q=aquarium')).total_count).toBe(0);
  });

  it('rebuilds the index from the stored objects', async () => {
    const storage = t().app.storage;
    const before = await sorted('q=quantum');
    expect(await storage.rebuildSearchIndex(true)).toBeGreaterThanOrEqual(7);
    expect(await sorted('q=quantum')).toEqual(before);
    // at start only when migration 3 left its marker (as on a database that had objects before search existed)
    expect(await storage.rebuildSearchIndex(false)).toBe(0);
    await storage.setMeta('search:rebuild', '1');
    expect(await storage.rebuildSearchIndex(false)).toBeGreaterThanOrEqual(7);
    expect(await storage.getMeta('search:rebuild')).toBeUndefined();
  });
});

describe.each(dialectsUnderTest())('search beyond the ranked pool on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    const rw = t().rw;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('item', { name: text(), n: number() }) }))
        .statusCode,
    ).toBe(200);
    for (let b = 0; b < 11; b++) {
      // every item says "apple"; one in seven says it twice, so relevance differs
      const batch = Array.from({ length: 100 }, (_, i) => {
        const n = b * 100 + i;
        return {
          id: `i${String(n).padStart(4, '0')}`,
          name: n % 7 === 0 ? `apple apple ${n}` : `apple pie number ${n} with cream`,
          n,
        };
      });
      const res = await t().call('POST', '/api/v1/content/item/batch', { key: rw, body: batch });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('keeps total_count exact and reaches every match once, ranked pool first', async () => {
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      const res = await t().call('GET', `/api/v1/search?q=apple&limit=500&page=${page}`, { key: t().ro });
      expect(res.statusCode).toBe(200);
      pages.push(res.json() as Body);
    }
    expect(pages.map((p) => p.total_count)).toEqual([1100, 1100, 1100]);
    expect(pages.map((p) => p.count)).toEqual([500, 500, 100]);
    const all = pages.flatMap((p) => p.data);
    expect(new Set(all.map((h) => h.item.id)).size).toBe(1100);
    const ranked = all.slice(0, 1000).map((h) => h.score);
    expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
    // the pool is the 1000 newest matches; the 100 oldest follow it
    expect(all.slice(1000).every((h) => Number(h.item.id.slice(1)) < 100)).toBe(true);
    expect(Number(all[0].item.id.slice(1)) % 7).toBe(0);
  });
});
