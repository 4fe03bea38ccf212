import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { checkbox, ctd, dateTime, number, ref, relation, simpleList, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

describe.each(dialectsUnderTest())('list filters on %s', (dialect) => {
  const t = useTestApp(dialect);

  const ids = async (filters: unknown, extra = '') => {
    const res = await t().call(
      'GET',
      `/api/v1/content/item?limit=100&order_by=id&filters=${encodeURIComponent(JSON.stringify(filters))}${extra}`,
      { key: t().ro },
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data.map((o: { id: string }) => o.id);
  };

  beforeAll(async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('tag', { name: text() }) });
    const res = await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('item', {
        name: text(),
        price: number(),
        published: dateTime(),
        active: checkbox(),
        tags: relation('tag'),
        labels: simpleList(),
        specs: {
          type: 'array',
          inputType: 'object',
          extraSchema: { items: { type: 'object', properties: { key: { type: 'string' } } } },
          extraMeta: { items: { order: ['key'], propertiesConfig: { key: { label: 'Key', inputType: 'text', unique: false } } } },
        },
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    for (const id of ['t1', 't2']) await t().call('POST', '/api/v1/content/tag', { key: rw, body: { id, name: id } });
    const items = [
      {
        id: 'a',
        name: 'Apple pie',
        price: 5,
        published: '2024-01-10',
        active: true,
        tags: [ref('tag', 't1')],
        labels: ['red', 'sweet'],
        specs: [{ key: 'size' }],
      },
      {
        id: 'b',
        name: 'Banana',
        price: 100,
        published: '2024-03-01T10:30',
        active: false,
        tags: [ref('tag', 't2')],
        labels: ['yellow'],
      },
      {
        id: 'c',
        name: 'Cherry tart',
        price: 125,
        published: '2023-12-31',
        active: true,
        tags: [ref('tag', 't1'), ref('tag', 't2')],
        labels: [],
      },
      { id: 'd', name: '', price: 75 },
    ];
    for (const body of items) {
      const r = await t().call('POST', '/api/v1/content/item', { key: rw, body });
      expect(r.statusCode, r.body).toBe(200);
    }
  });

  it('equals and notEqual (scalar and list, numbers from strings)', async () => {
    expect(await ids({ name: { type: 'equals', filter: 'Banana' } })).toEqual(['b']);
    expect(await ids({ price: { type: 'equals', filter: '100' } })).toEqual(['b']);
    expect(await ids({ price: { type: 'equals', filter: [5, 125] } })).toEqual(['a', 'c']);
    expect(await ids({ name: { type: 'notEqual', filter: 'Banana' } })).toEqual(['a', 'c', 'd']);
    expect(await ids({ name: { type: 'notEquals', filter: ['Banana', 'Apple pie'] } })).toEqual(['c', 'd']);
    expect(await ids({ active: { type: 'equals', filter: true } })).toEqual(['a', 'c']);
  });

  it('contains, notContains, startsWith, endsWith (case-insensitive)', async () => {
    expect(await ids({ name: { type: 'contains', filter: 'AN' } })).toEqual(['b']);
    expect(await ids({ name: { type: 'notContains', filter: 'an' } })).toEqual(['a', 'c', 'd']);
    expect(await ids({ name: { type: 'startsWith', filter: 'ch' } })).toEqual(['c']);
    expect(await ids({ name: { type: 'endsWith', filter: 'PIE' } })).toEqual(['a']);
    expect(await ids({ name: { type: 'contains', filter: '%' } })).toEqual([]);
  });

  it('numeric comparisons and inclusive inRange', async () => {
    expect(await ids({ price: { type: 'lessThan', filter: 75 } })).toEqual(['a']);
    expect(await ids({ price: { type: 'lessThanOrEqual', filter: 75 } })).toEqual(['a', 'd']);
    expect(await ids({ price: { type: 'greaterThan', filter: 100 } })).toEqual(['c']);
    expect(await ids({ price: { type: 'greaterThanOrEqual', filter: 100 } })).toEqual(['b', 'c']);
    expect(await ids({ price: { type: 'inRange', filter: 75, filter2: 125 } })).toEqual(['b', 'c', 'd']);
  });

  it('dates compare as dates', async () => {
    expect(await ids({ published: { type: 'greaterThan', filter: '2024-01-01' } })).toEqual(['a', 'b']);
    expect(await ids({ published: { type: 'lessThan', filter: '2024-01-01' } })).toEqual(['c']);
    expect(await ids({ 'internal.createdAt': { type: 'greaterThan', filter: '2000-01-01 00:00:00' } })).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(await ids({ 'internal.updatedAt': { type: 'greaterThan', filter: '2999-01-01 00:00:00' } })).toEqual([]);
    expect(await ids({ 'internal.createdAt': { type: 'lessThan', filter: '2000-01-01T00:00:00+00:00' } })).toEqual([]);
  });

  it('empty and notEmpty', async () => {
    expect(await ids({ name: { type: 'empty' } })).toEqual(['d']);
    expect(await ids({ labels: { type: 'empty' } })).toEqual(['c', 'd']);
    expect(await ids({ labels: { type: 'notEmpty' } })).toEqual(['a', 'b']);
    expect(await ids({ published: { type: 'notEmpty' } })).toEqual(['a', 'b', 'c']);
  });

  it('array paths: [*].dataUrl with includes, contains, notContains, overlaps', async () => {
    const t1 = '/api/v1/content/tag/t1';
    expect(await ids({ 'tags[*].dataUrl': { type: 'includes', filter: t1 } })).toEqual(['a', 'c']);
    expect(await ids({ 'tags[*].dataUrl': { type: 'contains', filter: 't2' } })).toEqual(['b', 'c']);
    expect(await ids({ 'tags[*].dataUrl': { type: 'notContains', filter: 't2' } })).toEqual(['a', 'd']);
    expect(await ids({ 'tags[*].dataUrl': { type: 'overlaps', filter: [t1, '/api/v1/content/tag/zz'] } })).toEqual(['a', 'c']);
    expect(await ids({ labels: { type: 'includes', filter: 'yellow' } })).toEqual(['b']);
    expect(await ids({ labels: { type: 'overlaps', filter: ['red', 'yellow'] } })).toEqual(['a', 'b']);
    expect(await ids({ 'specs[*].key': { type: 'equals', filter: 'size' } })).toEqual(['a']);
  });

  it('ANDs several filters, combines with ids[]', async () => {
    expect(await ids({ active: { type: 'equals', filter: true }, price: { type: 'greaterThan', filter: 10 } })).toEqual(['c']);
    expect(await ids({ active: { type: 'equals', filter: true } }, '&ids[]=a&ids[]=b')).toEqual(['a']);
  });

  it('orders empty values last by default and first with empty_first', async () => {
    const list = async (q: string) =>
      (await t().call('GET', `/api/v1/content/item?order_by=published${q}`, { key: t().ro }))
        .json()
        .data.map((o: { id: string }) => o.id);
    expect(await list('')).toEqual(['c', 'a', 'b', 'd']);
    expect(await list('&empty_first=true')).toEqual(['d', 'c', 'a', 'b']);
    expect(await list('&order_direction=desc')).toEqual(['b', 'a', 'c', 'd']);
  });

  it('pages across the boundary between objects with and without the ordered field', async () => {
    const page = async (q: string) =>
      (await t().call('GET', `/api/v1/content/item?order_by=published${q}`, { key: t().ro }))
        .json()
        .data.map((o: { id: string }) => o.id);
    const one = [];
    for (let p = 1; p <= 5; p++) one.push(...(await page(`&limit=1&page=${p}`)));
    expect(one).toEqual(['c', 'a', 'b', 'd']);
    expect(await page('&limit=3&page=2')).toEqual(['d']);
    expect(await page('&limit=3&page=3')).toEqual([]);
    expect(await page('&limit=2&page=1&empty_first=true')).toEqual(['d', 'c']);
    expect(await page('&limit=2&page=2&empty_first=true')).toEqual(['a', 'b']);
    expect(await page('&limit=2&page=2&order_direction=desc')).toEqual(['c', 'd']);
    expect(await page('&limit=3&page=1&order_direction=desc&empty_first=true')).toEqual(['d', 'b', 'a']);
  });

  it('answers 400 with Flotiq bodies for malformed filters', async () => {
    const bad = await t().call('GET', '/api/v1/content/item?filters={oops', { key: t().ro });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ filters: ['Malformed filters json - Syntax error'] });
    const op = await t().call(
      'GET',
      `/api/v1/content/item?filters=${encodeURIComponent('{"name":{"type":"like","filter":"x"}}')}`,
      { key: t().ro },
    );
    expect(op.statusCode).toBe(400);
    const path = await t().call(
      'GET',
      `/api/v1/content/item?filters=${encodeURIComponent('{"na me\'":{"type":"equals","filter":"x"}}')}`,
      { key: t().ro },
    );
    expect(path.statusCode).toBe(400);
    const num = await t().call(
      'GET',
      `/api/v1/content/item?filters=${encodeURIComponent('{"price":{"type":"equals","filter":"abc"}}')}`,
      { key: t().ro },
    );
    expect(num.statusCode).toBe(400);
  });
});

// PostgreSQL pages a substring filter by walking the type in page order over its first 1000 rows before it asks the
// trigram index for every match (decision 0003, PostgreSQL addendum): pages inside, across and beyond that window
// must be exactly those of the filter over all rows, on both databases
describe.each(dialectsUnderTest())('substring filters over many rows on %s', (dialect) => {
  const t = useTestApp(dialect);
  const N = 1300;
  const name = (n: number) =>
    `row ${n}${n % 10 === 0 ? ' common' : ''}${n >= 1290 ? ' late' : ''}${n % 97 === 0 ? ' sparse' : ''}`;

  beforeAll(async () => {
    const rw = t().rw;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('row', { name: text() }) })).statusCode,
    ).toBe(200);
    for (let b = 0; b < N / 100; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => ({ id: `r${b * 100 + i}`, name: name(b * 100 + i) }));
      const res = await t().call('POST', '/api/v1/content/row/batch', { key: rw, body: batch });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  const page = async (type: string, word: string, limit: number, pageNo: number, extra = '') => {
    const filters = encodeURIComponent(JSON.stringify({ name: { type, filter: word } }));
    const res = await t().call('GET', `/api/v1/content/row?limit=${limit}&page=${pageNo}&filters=${filters}${extra}`, {
      key: t().ro,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { total_count: number; data: { id: string }[] };
    return { total: body.total_count, ids: body.data.map((o) => o.id) };
  };
  const expected = (keep: (n: number) => boolean, desc = false) => {
    const all = Array.from({ length: N }, (_, n) => n).filter(keep);
    return (desc ? all.reverse() : all).map((n) => `r${n}`);
  };

  it('a common word: pages inside and across the window', async () => {
    const all = expected((n) => n % 10 === 0);
    expect(await page('contains', 'COMMON', 20, 1)).toEqual({ total: 130, ids: all.slice(0, 20) });
    expect((await page('contains', 'common', 30, 4)).ids).toEqual(all.slice(90, 120));
    expect((await page('contains', 'common', 50, 3)).ids).toEqual(all.slice(100, 130));
    expect((await page('contains', 'common', 20, 1, '&order_by=internal.createdAt&order_direction=desc')).ids).toEqual(
      expected((n) => n % 10 === 0, true).slice(0, 20),
    );
  });

  it('a word only beyond the window, and a sparse one that never fills a page inside it', async () => {
    expect(await page('contains', 'late', 20, 1)).toEqual({ total: 10, ids: expected((n) => n >= 1290) });
    expect(await page('contains', 'sparse', 20, 1)).toEqual({ total: 14, ids: expected((n) => n % 97 === 0) });
    expect((await page('endsWith', 'late', 5, 2)).ids).toEqual(expected((n) => n >= 1290).slice(5, 10));
    expect((await page('startsWith', 'row 12', 200, 1)).ids).toEqual(expected((n) => String(n).startsWith('12')));
  });
});
