import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContentEvent } from '../../src/core/content-event.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, number, ref, relation, simpleList, text } from '../support/fixtures.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

const C = '/api/v1/content';
type Seen = Pick<ContentEvent, 'action' | 'objectId' | 'version'>;

/** Rows of the test's database, read over a connection of the test's own (never the server's). */
async function rows(t: TestApp, sqlite: string, postgres: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  if (!t.db.databaseUrl) {
    const db = new BetterSqlite3(path.join(t.db.dataDir, 'flotilla.sqlite'));
    try {
      // an fts5vocab table lists every token of the contentless index: what a document's entry holds
      db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_tokens USING fts5vocab(main, search_fts, instance)`);
      return db.prepare(sqlite).all(...params) as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: t.db.databaseUrl });
  await c.connect();
  try {
    return (await c.query(postgres, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

/** The search index entry of an object's latest row, without its row number: what a search can find of it. */
async function indexEntry(t: TestApp, type: string, id: string): Promise<unknown> {
  const [row] = await rows(
    t,
    `SELECT seq FROM objects WHERE type = ? AND id_key = ? AND visibility <> 'public'`,
    `SELECT seq FROM objects WHERE type = $1 AND id_key = $2 AND visibility <> 'public'`,
    [type, id.toLowerCase()],
  );
  const seq = Number(row.seq);
  return rows(
    t,
    `SELECT term, col, "offset" FROM temp.fts_tokens WHERE doc = ? ORDER BY col, "offset", term`,
    // key tokens in order (their order follows the stored document's, which jsonb may have reordered)
    `SELECT 'doc' AS part, NULL AS slot, type, ARRAY(SELECT unnest(keys) ORDER BY 1) AS keys, tsv::text AS tsv
       FROM search_docs WHERE seq = $1
     UNION ALL SELECT 'field', slot, type, ARRAY(SELECT unnest(keys) ORDER BY 1), tsv::text FROM search_fields WHERE seq = $1
     ORDER BY part, slot`,
    [seq],
  );
}

/**
 * A batch is one transaction (docs/decisions/0015-batch-writes.md): every item is checked before anything is
 * written, the valid ones are written together with their versions, search entries and events, and a reader sees
 * all of them or none.
 */
describe.each(dialectsUnderTest())('a batch is one transaction, on %s', (dialect) => {
  const t = useTestApp(dialect);
  const seen: ContentEvent[] = [];
  const drained = async (type: string): Promise<Seen[]> => {
    await t().app.services.events.wake();
    return seen
      .splice(0)
      .filter((e) => e.contentType === type)
      .map(({ action, objectId, version }) => ({ action, objectId, version }));
  };
  /** Runs once, from inside the writer's checks of `type`, when an item with this title is checked. */
  const onCheck = (type: string, title: string, fn: () => Promise<void>) => {
    let fired = false;
    t().app.services.writer.useCheck(type, async (_p, data) => {
      if (data.title === title && !fired) {
        fired = true;
        await fn();
      }
      return {};
    });
  };

  beforeAll(async () => {
    t().app.services.events.use('test-recorder', async (events) => void seen.push(...events));
    for (const body of [
      ctd('crate', { title: text({ required: true }), see: relation('crate') }),
      ctd('bulk', { title: text({ required: true }) }),
      ctd('slot', { title: text(), code: text({ unique: true }), n: number() }),
      ctd('idx', { title: text({ required: true }), tags: simpleList(), n: number(), see: relation('crate') }),
      ctd('draft', { title: text({ required: true }) }, { draftPublic: true }),
    ]) {
      const res = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  beforeEach(async () => {
    await t().app.services.events.wake();
    seen.length = 0;
  });

  it('checks every item before it writes any: an id another writer takes meanwhile is reported, the rest is written whole', async () => {
    // while the last item is checked, another client creates the first item's id: with every check made before
    // the first write, the batch's insert of it meets the other writer's row at the database
    onCheck('crate', 'third', async () => {
      const res = await t().call('POST', `${C}/crate`, { key: t().rw, body: { id: 'c1', title: 'rival' } });
      expect(res.statusCode, res.body).toBe(200);
    });
    const items = [
      { id: 'c1', title: 'first' },
      { id: 'c2', title: 'second', see: [ref('crate', 'c1')] },
      { id: 'c3', title: 'third' },
    ];
    const res = await t().call('POST', `${C}/crate/batch`, { key: t().rw, body: items });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({
      batch_total_count: 3,
      batch_success_count: 2,
      batch_error_count: 1,
      errors: [{ id: 'c1', data: items[0], errors: { id: ['This value is already used'] } }],
    });
    // the other writer's object is intact, written once; the batch's others are whole: row, version, search entry, event
    expect((await t().call('GET', `${C}/crate/c1`, { key: t().ro })).json()).toMatchObject({ title: 'rival' });
    for (const [id, title] of [
      ['c1', 'rival'],
      ['c2', 'second'],
      ['c3', 'third'],
    ]) {
      expect(await t().app.storage.countVersions('crate', id, 'preview')).toBe(1);
      const hits = (await t().call('GET', `/api/v1/search?q=${title}&content_type[]=crate`, { key: t().rw })).json();
      expect(hits.data.map((h: { item: { id: string } }) => h.item.id)).toEqual([id]);
    }
    expect(await drained('crate')).toEqual([
      { action: 'create', objectId: 'c1', version: 1 },
      { action: 'create', objectId: 'c2', version: 1 },
      { action: 'create', objectId: 'c3', version: 1 },
    ]);
  });

  it('a reader sees all of a batch or none of it', async () => {
    const counts: number[] = [];
    let done = false;
    const read = () => t().app.storage.countObjects({ type: 'bulk', where: [], view: 'preview' });
    let reader: Promise<void> | undefined;
    // starts reading while the last item is checked, and keeps reading until the batch has answered
    onCheck('bulk', 'b99', async () => {
      reader = (async () => {
        while (!done) {
          counts.push(await read());
          await new Promise((r) => setImmediate(r));
        }
      })();
      await new Promise((r) => setTimeout(r, 5));
    });
    const body = Array.from({ length: 100 }, (_, i) => ({ id: `b${i}`, title: `b${i}` }));
    const res = await t().call('POST', `${C}/bulk/batch`, { key: t().rw, body });
    done = true;
    await reader;
    expect(res.statusCode, res.body).toBe(200);
    counts.push(await read());
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(100);
    expect(counts.filter((n) => n !== 0 && n !== 100)).toEqual([]);
  });

  it('a concurrent edit between check and write: the batch is checked again and writes on top of it', async () => {
    await t().call('POST', `${C}/slot`, { key: t().rw, body: { id: 's1', title: 'one', code: 'a' } });
    await drained('slot');
    onCheck('slot', 'renamed', async () => {
      const res = await t().call('PATCH', `${C}/slot/s1`, { key: t().rw, body: { n: 7 } });
      expect(res.statusCode, res.body).toBe(200);
    });
    const res = await t().call('PATCH', `${C}/slot/batch`, { key: t().rw, body: [{ id: 's1', title: 'renamed' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t().call('GET', `${C}/slot/s1`, { key: t().ro })).json()).toMatchObject({ title: 'renamed', n: 7, code: 'a' });
    expect(await drained('slot')).toEqual([
      { action: 'update', objectId: 's1', version: 2 },
      { action: 'update', objectId: 's1', version: 3 },
    ]);
  });

  it('later items see earlier ones: ids, unique values, relation targets and edits of the same object', async () => {
    await t().call('POST', `${C}/slot/batch`, {
      key: t().rw,
      body: [
        { id: 'u1', code: 'x' },
        { id: 'u2', code: 'y' },
      ],
    });
    // u1 gives up "x" and u2 takes it; u3 may not take "z" after u1 took it; a refused edit of u2 leaves the next
    // edit of u2 building on what is stored
    const res = await t().call('PATCH', `${C}/slot/batch`, {
      key: t().rw,
      body: [
        { id: 'u1', code: 'z' },
        { id: 'u2', code: 'x' },
        { id: 'u2', code: 'z' },
        { id: 'u2', n: 5 },
        { id: 'u1', n: 1 },
      ],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([
      { id: 'u2', data: { id: 'u2', code: 'z' }, errors: { code: ['This value is already used'] } },
    ]);
    expect((await t().call('GET', `${C}/slot/u1`, { key: t().ro })).json()).toMatchObject({ code: 'z', n: 1 });
    expect((await t().call('GET', `${C}/slot/u2`, { key: t().ro })).json()).toMatchObject({ code: 'x', n: 5 });
    expect(await t().app.storage.countVersions('slot', 'u2', 'preview')).toBe(3);
    const created = await t().call('POST', `${C}/crate/batch`, {
      key: t().rw,
      body: [
        { id: 'r1', title: 'r1', see: [ref('crate', 'r2')] },
        { id: 'r2', title: 'r2' },
        { id: 'r3', title: 'r3', see: [ref('crate', 'r2')] },
      ],
    });
    expect(created.json().errors).toEqual([
      { id: 'r1', data: expect.anything(), errors: { see: ['This value does not exist in database'] } },
    ]);
    expect((await t().call('GET', `${C}/crate/r3`, { key: t().ro })).statusCode).toBe(200);
  });

  it('unique values are looked up for a whole batch at once, however many (FLOTILLA_BATCH_LIMIT allows 10 000)', async () => {
    await t().call('POST', `${C}/slot/batch`, {
      key: t().rw,
      body: [
        { id: 'v1', code: 'v-7' },
        { id: 'v2', code: '700' },
      ],
    });
    const values = Array.from({ length: 1200 }, (_, i): unknown => (i === 700 ? '700' : `v-${i}`));
    values.push(700, true, null, ['v-7']);
    const found = await t().app.storage.findByFieldValues('slot', 'code', values);
    expect(found.length).toBe(values.length);
    expect(found.flatMap((ids, i) => ids.map((id) => [i, id]))).toEqual([
      [7, 'v1'],
      [700, 'v2'],
    ]);
  });

  it('the search entries a batch writes are the ones a rebuild of the index writes', async () => {
    await t().call('POST', `${C}/crate`, { key: t().rw, body: { id: 'target', title: 'target' } });
    const items = [
      { id: 'i1', title: 'Zażółć gęślą jaźń', tags: ['alpha', 'Beta'], n: 3, see: [ref('crate', 'target')] },
      { id: 'i2', title: 'plain words here', n: 4.5 },
    ];
    expect((await t().call('POST', `${C}/idx/batch`, { key: t().rw, body: items })).statusCode).toBe(200);
    // a slot filled and a slot emptied
    const patched = await t().call('PATCH', `${C}/idx/batch`, {
      key: t().rw,
      body: [
        { id: 'i2', tags: ['gamma'] },
        { id: 'i1', tags: [] },
      ],
    });
    expect(patched.statusCode).toBe(200);
    expect((await t().call('POST', `${C}/draft/batch`, { key: t().rw, body: [{ id: 'd1', title: 'a draft' }] })).statusCode).toBe(
      200,
    );
    const entries = async () => [
      await indexEntry(t(), 'idx', 'i1'),
      await indexEntry(t(), 'idx', 'i2'),
      await indexEntry(t(), 'draft', 'd1'),
    ];
    const written = await entries();
    expect(written.every((e) => Array.isArray(e) && e.length > 0)).toBe(true);
    await t().app.storage.rebuildSearchIndex(true);
    expect(await entries()).toEqual(written);
  });

  it.runIf(dialect === 'postgres')(
    'an item the database refuses fails the whole batch: 500, nothing written, no event',
    async () => {
      // PostgreSQL's jsonb cannot hold U+0000, which passes validation: the multi-row insert fails at the database
      const res = await t().call('POST', `${C}/bulk/batch`, {
        key: t().rw,
        body: [
          { id: 'z1', title: 'fine' },
          { id: 'z2', title: 'nul \u0000 inside' },
          { id: 'z3', title: 'fine too' },
        ],
      });
      expect(res.statusCode).toBe(500);
      for (const id of ['z1', 'z2', 'z3'])
        expect((await t().call('GET', `${C}/bulk/${id}`, { key: t().rw })).statusCode).toBe(404);
      expect(await drained('bulk')).toEqual([]);
    },
  );
});
