import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import {
  MissingTypeError,
  StaleWriteError,
  TypeInUseError,
  type Channel,
  type ConnectionStats,
  type KeyChange,
  type KeyUsageRow,
  type ListQuery,
  type EventRecord,
  type NewObject,
  type ObjectWrite,
  type SchemaState,
  type Storage,
  type StorageProbe,
  type StoredKey,
  type StoredObject,
  type StoredSchedule,
  type StoredType,
  type View,
  type WrittenTypes,
} from '../port.js';
import type { DialectOps } from './dialect-ops.js';
import { idKey, type Database } from './schema.js';
import { whereFilters } from './where.js';
import { param, StatementShapes } from './statement-shapes.js';
import { SharedReads } from '../../core/shared-reads.js';
import type { FilterOp } from '../filter-node.js';
import { objectColumns, ORDER_COLUMNS, toObject, typeLit, visibleRows, type ObjectRow } from './object-rows.js';
import type { Signals } from './signals.js';
import type { PlannerStatistics } from './statistics.js';
import { SqlPanelStore } from './panel-store.js';
import { SqlWebhookStore } from './webhook-store.js';
import type { WebhookStore } from '../webhook-port.js';
import { noticesOf, type ChangeNotice, type ContentEvent, type NewEvent } from '../../core/content-event.js';
import type { PanelStore } from '../panel-port.js';
import type { SearchQuery, SearchResult } from '../search-query.js';
import { SearchIndex } from './search-index.js';
import { ObjectWrites } from './object-writes.js';
import { column, RowInsert } from './row-insert.js';
import { addKeyUsage, keyUsage, pruneKeyUsage } from './key-usage-store.js';
import { TypeGenerations } from './type-generations.js';
import { WrittenObjects } from './written-objects.js';

const toKey = (r: Database['api_keys']): StoredKey => ({
  id: r.id,
  kind: r.kind as StoredKey['kind'],
  name: r.name,
  hmac: r.hmac,
  secretEnc: r.secret_enc,
  rules: r.rules,
  requestLimit: r.request_limit === null ? null : Number(r.request_limit),
  createdMs: Number(r.created_ms),
  updatedMs: Number(r.updated_ms),
  lastUsedMs: r.last_used_ms === null ? null : Number(r.last_used_ms),
  expiresMs: r.expires_ms === null ? null : Number(r.expires_ms),
  prevHmac: r.prev_hmac,
  prevUntilMs: r.prev_until_ms === null ? null : Number(r.prev_until_ms),
  allowedNetworks: r.allowed_networks,
  allowedOrigins: r.allowed_origins,
});

const toSchedule = (r: Selectable<Database['schedules']>): StoredSchedule => ({
  type: r.type,
  id: r.id,
  action: r.action as StoredSchedule['action'],
  atMs: Number(r.at_ms),
  createdMs: Number(r.created_ms),
  createdBy: r.created_by,
});

const toEvent = (r: Selectable<Database['events']>): ContentEvent => ({
  seq: Number(r.seq),
  kind: r.kind as ContentEvent['kind'],
  action: r.action as ContentEvent['action'],
  contentType: r.content_type,
  objectId: r.object_id,
  version: r.version === null ? null : Number(r.version),
  actor: r.actor,
  atMs: Number(r.at_ms),
  heldBefore: r.lease_until_ms !== null,
});

/** New events: unprocessed (done_ms stays NULL). */
const insertEvents = new RowInsert('events', [
  column('at_ms', 'bigint'),
  column('kind'),
  column('action'),
  column('content_type'),
  column('object_id'),
  column('version', 'integer'),
  column('actor'),
]);

/** The notices of one transaction as a signal payload (distinct pairs; far below PostgreSQL's 8 000-byte limit). */
const noticePayload = (recorded: ChangeNotice[]) => JSON.stringify(noticesOf(recorded));

const typesOf = (recorded: ChangeNotice[]) => recorded.map((n) => n.contentType);

/** The name of a field index: stable, so that readers can name it without a lookup. */
export function fieldIndexName(type: string, field: string, kind: 'value' | 'text'): string {
  return `fx_${createHash('sha1').update(`${type}\0${field}\0${kind}`).digest('hex').slice(0, 20)}`;
}

/** Filters a trigram index serves (decision 0003, PostgreSQL addendum). */
const SUBSTRING_OPS: ReadonlySet<FilterOp> = new Set<FilterOp>(['contains', 'startsWith', 'endsWith']);
/** How many rows of a type a page with such a filter walks in order before asking the index for every match. */
const WALK_WINDOW = 1000;

/** Every row but a D&P object's public copy: each object's latest state, whether deleted or not. */
const LATEST_ROWS = sql<boolean>`objects.visibility <> 'public'`;

/** The one Storage implementation, over Kysely; dialect differences come from DialectOps. */
export class SqlStorage implements Storage {
  readonly panel: PanelStore;
  readonly webhooks: WebhookStore;
  private readonly searchIndex: SearchIndex;
  private readonly objectWrites: ObjectWrites;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: DialectOps,
    private readonly signals: Signals,
    private readonly stats: PlannerStatistics,
    private readonly inTransaction = false,
    private readonly indexes: { known: Set<string>; loaded: boolean } = { known: new Set(), loaded: false },
    /** Inside a transaction: what its recorded events changed, announced once it commits. */
    private readonly recorded?: ChangeNotice[],
    /** Per-type write generations (decision 0019), shared by this storage and its transactions. */
    private readonly generations = new TypeGenerations(ops, ops.name === 'postgres'),
    /** What the connecting adapter knows of its connections and migrations (decision 0023). */
    private readonly probe: StorageProbe = { latestSchema: 0, connections: () => ({ max: 0, total: 0 }) },
    /** Hot statements compiled once, shared by this storage and its transactions. */
    private readonly shapes = new StatementShapes(),
    /** Recently committed objects for their events' consumers on this node, shared likewise. */
    private readonly written = new WrittenObjects(),
    /** Inside a transaction: the objects its events carry, handed to `written` once it commits. */
    private readonly writtenNow?: StoredObject[],
  ) {
    this.panel = new SqlPanelStore(db);
    this.webhooks = new SqlWebhookStore(db, ops);
    this.searchIndex = new SearchIndex(db, ops);
    this.objectWrites = new ObjectWrites(db, ops, this.searchIndex);
  }

  get dialect() {
    return this.ops.name;
  }

  get shared(): boolean {
    return this.ops.name === 'postgres';
  }

  async startupLock<T>(fn: () => Promise<T>): Promise<T> {
    // SQLite: one process, and pinning its single connection here would leave fn none to use
    if (this.ops.name !== 'postgres') return fn();
    return this.db.connection().execute(async (c) => {
      await sql`SELECT pg_advisory_lock(424243)`.execute(c);
      try {
        return await fn();
      } finally {
        await sql`SELECT pg_advisory_unlock(424243)`.execute(c);
      }
    });
  }

  async transaction<T>(fn: (tx: Storage) => Promise<T>, opts: { relaxed?: boolean } = {}): Promise<T> {
    if (this.inTransaction) return fn(this);
    const recorded: ChangeNotice[] = [];
    const writtenNow: StoredObject[] = [];
    const result = await this.db.transaction().execute(async (trx) => {
      if (opts.relaxed && this.ops.relaxedCommit) await sql.raw(this.ops.relaxedCommit).execute(trx);
      const out = await fn(
        new SqlStorage(
          trx,
          this.ops,
          this.signals,
          this.stats,
          true,
          this.indexes,
          recorded,
          this.generations,
          this.probe,
          this.shapes,
          this.written,
          writtenNow,
        ),
      );
      // other nodes hear of the change at commit, and only if it commits
      if (recorded.length > 0) await this.signals.notifyInTransaction(trx, 'events', noticePayload(recorded));
      // last: the generation rows stay locked only while the transaction commits (decision 0019)
      if (recorded.length > 0) await this.generations.bump(trx, typesOf(recorded));
      return out;
    });
    if (writtenNow.length > 0) this.written.keep(writtenNow);
    if (recorded.length > 0) {
      this.generations.committed(typesOf(recorded));
      this.signals.local('events', noticePayload(recorded));
    }
    return result;
  }

  async typeGenerations(types: readonly string[]): Promise<number[]> {
    return this.generations.read(this.db, types);
  }

  // ---- the outbox (docs/decisions/0012-events-and-webhooks.md)

  async recordEvent(e: NewEvent, actor: string, atMs: number): Promise<void> {
    await this.recordEvents([{ event: e, actor, atMs }]);
  }

  async recordEvents(events: EventRecord[]): Promise<void> {
    if (!this.recorded) throw new Error('recordEvent outside a transaction: an event must commit with its change');
    if (events.length > 0) {
      await insertEvents.run(
        this.db,
        this.ops,
        events.map(({ event: e, actor, atMs }) => [atMs, e.kind, e.action, e.contentType, e.objectId, e.version, actor]),
      );
    }
    for (const { event: e, object } of events) {
      this.recorded.push({ kind: e.kind, contentType: e.contentType });
      if (object && this.written.wants(object.type)) this.writtenNow!.push(object);
    }
  }

  rememberWritten(types: WrittenTypes): void {
    this.written.want(types);
  }

  takeWritten(type: string, id: string, version: number): StoredObject | undefined {
    return this.written.take(type, id, version);
  }

  onCommitted(fn: (notices: ChangeNotice[] | '*') => void): void {
    this.signals.subscribe((channel, payload) => {
      if (channel === 'events') fn(payload === '*' ? '*' : (JSON.parse(payload) as ChangeNotice[]));
    });
  }

  async processEvents(
    limit: number,
    nowMs: number,
    fn: (events: ContentEvent[], tx: Storage, hold: (seq: number, untilMs: number) => void) => Promise<void>,
  ): Promise<number> {
    return this.transaction(
      async (tx) => {
        const db = (tx as SqlStorage).db;
        const rows = await sql<Selectable<Database['events']>>`SELECT * FROM events WHERE done_ms IS NULL
        AND (lease_until_ms IS NULL OR lease_until_ms < ${nowMs})
        ORDER BY seq LIMIT ${limit}${sql.raw(this.ops.skipLocked)}`.execute(db);
        if (rows.rows.length === 0) return 0;
        const events = rows.rows.map(toEvent);
        // a batch's holds share one lease (the fan-out asks one per batch): the latest asked
        const held = new Set<number>();
        let leaseUntil = 0;
        await fn(events, tx, (seq, untilMs) => {
          held.add(seq);
          leaseUntil = Math.max(leaseUntil, untilMs);
        });
        // an id list, planned per call: with one id array (DialectOps.isIn) PostgreSQL kept one plan for it, and a
        // claim's update took ~12 ms in the import bench instead of ~2; a single UPDATE … IN (SELECT … SKIP LOCKED)
        // RETURNING was no better there (its bitmap scan rereads the pending index's dead entries until a vacuum)
        const done = events.filter((e) => !held.has(e.seq)).map((e) => e.seq);
        if (done.length > 0) await db.updateTable('events').set({ done_ms: nowMs }).where('seq', 'in', done).execute();
        // lease_until_ms is in no index
        if (held.size > 0)
          await db
            .updateTable('events')
            .set({ lease_until_ms: leaseUntil })
            .where('seq', 'in', [...held])
            .execute();
        return events.length;
        // a claim lost in a crash is claimed again, and every consumer is idempotent
      },
      { relaxed: true },
    );
  }

  async finishEvents(seqs: readonly number[], nowMs: number): Promise<void> {
    if (seqs.length === 0) return;
    await this.db
      .updateTable('events')
      .set({ done_ms: nowMs, lease_until_ms: null })
      .where('seq', 'in', [...seqs])
      .where('done_ms', 'is', null)
      .execute();
  }

  async sweepDeleted(deletedBeforeMs: number, forgetBeforeMs: number, limit: number): Promise<number> {
    return this.transaction(async (tx) => {
      const db = (tx as SqlStorage).db;
      const rows = await db
        .selectFrom('objects')
        .select(['seq', 'type', 'id_key', 'id', 'deleted_ms', 'visibility'])
        .where('deleted_ms', 'is not', null)
        .where('deleted_ms', '<', deletedBeforeMs)
        .orderBy('deleted_ms')
        .limit(limit)
        .execute();
      await (tx as SqlStorage).searchIndex.removeSeqs(rows.map((r) => Number(r.seq)));
      for (const r of rows) {
        if (r.visibility !== 'public') {
          await db
            .insertInto('removed_ids')
            .values({ type: r.type, id_key: r.id_key, id: r.id, removed_ms: Number(r.deleted_ms) })
            .onConflict((oc) => oc.columns(['type', 'id_key']).doNothing())
            .execute();
        }
        await db.deleteFrom('object_versions').where('type', '=', r.type).where('id_key', '=', r.id_key).execute();
        await db.deleteFrom('object_refs').where('src_type', '=', r.type).where('src_key', '=', r.id_key).execute();
        await db.deleteFrom('objects').where('seq', '=', Number(r.seq)).execute();
      }
      await db.deleteFrom('removed_ids').where('removed_ms', '<', forgetBeforeMs).execute();
      return rows.length;
    });
  }

  async pruneEvents(processedBeforeMs: number): Promise<void> {
    await this.db.deleteFrom('events').where('done_ms', 'is not', null).where('done_ms', '<', processedBeforeMs).execute();
  }

  async close(): Promise<void> {
    await this.signals.close();
    await this.db.destroy();
    await this.probe.stopped?.();
  }

  // ---- operations (decision 0023)

  async schemaState(): Promise<SchemaState> {
    const r = await sql<{ v: number | string | null }>`SELECT MAX(version) AS v FROM schema_migrations`.execute(this.db);
    return { current: Number(r.rows[0]?.v ?? 0), latest: this.probe.latestSchema };
  }

  connections(): ConnectionStats {
    return this.probe.connections();
  }

  async pendingEvents(): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('done_ms', 'is', null)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // ---- content types

  async listTypes(): Promise<StoredType[]> {
    const rows = await this.db
      .selectFrom('content_types')
      .select([
        'name',
        sql<string>`${sql.raw(this.ops.name === 'postgres' ? 'definition::text' : 'definition')}`.as('definition'),
        'version',
      ])
      .execute();
    return rows.map((r) => ({ name: r.name, definition: r.definition, version: Number(r.version) }));
  }

  async getType(name: string): Promise<StoredType | undefined> {
    return (await this.listTypes()).find((t) => t.name === name);
  }

  async insertType(name: string, definition: string, nowMs: number): Promise<void> {
    await this.db
      .insertInto('content_types')
      .values({ name, definition: this.ops.jsonParam(definition) as never, version: 1, created_ms: nowMs, updated_ms: nowMs })
      .execute();
  }

  async updateType(name: string, definition: string, nowMs: number): Promise<void> {
    await this.searchIndex.onTypeChange(name, definition);
    await this.db
      .updateTable('content_types')
      .set({ definition: this.ops.jsonParam(definition) as never, version: sql`version + 1`, updated_ms: nowMs })
      .where('name', '=', name)
      .execute();
  }

  async deleteType(name: string): Promise<void> {
    try {
      await this.db.deleteFrom('content_types').where('name', '=', name).execute();
    } catch (e) {
      // key_rules.ctd_name references the type ON DELETE RESTRICT: a rule saved meanwhile, on any node, wins
      if (this.ops.isForeignKeyViolation(e)) throw new TypeInUseError();
      throw e;
    }
  }

  async syncFieldIndexes(type: string, fields: { name: string; text: boolean }[]): Promise<void> {
    const name = (f: string, kind: 'value' | 'text') => fieldIndexName(type, f, kind);
    const wanted = new Map<string, { key: string; ddl: string }>();
    for (const f of fields) {
      const idx = name(f.name, 'value');
      wanted.set(idx, { key: `fieldindex:${type}:${f.name}`, ddl: this.ops.fieldIndexDdl(idx, type, f.name) });
      const textIdx = name(f.name, 'text');
      const textDdl = f.text ? this.ops.textIndexDdl?.(textIdx, type, f.name) : undefined;
      if (textDdl) wanted.set(textIdx, { key: `fieldindex:${type}:${f.name}:text`, ddl: textDdl });
    }
    // exact prefix match in code: `_` in type names is a LIKE wildcard and would reach other types' rows
    const prefix = `fieldindex:${type}:`;
    const owned = (
      await this.db.selectFrom('meta').select(['key', 'value']).where('key', 'like', `fieldindex:%`).execute()
    ).filter((r) => r.key.startsWith(prefix));
    const ownedNames = new Set(owned.map((r) => r.value));
    for (const [idx, { key, ddl }] of wanted) {
      this.indexes.known.add(idx);
      if (ownedNames.has(idx)) continue;
      await sql.raw(ddl).execute(this.db);
      await this.setMeta(key, idx);
    }
    for (const row of owned) {
      if (wanted.has(row.value) || !row.value.startsWith('fx_')) continue;
      this.indexes.known.delete(row.value);
      await sql.raw(`DROP INDEX IF EXISTS "${row.value}"`).execute(this.db);
      await this.db.deleteFrom('meta').where('key', '=', row.key).execute();
    }
  }

  // ---- objects (a D&P object may have two rows: see visibleRows in object-rows.ts and decision 0014)

  private selectObjects() {
    return this.db
      .selectFrom('objects')
      .select([
        'seq',
        'type',
        'id',
        this.ops.dataText.as('data'),
        'title',
        'version',
        'created_ms',
        'updated_ms',
        'deleted_ms',
        'updated_by',
        'visibility',
        'status',
        'public_version',
        'published_ms',
      ]);
  }

  async getObject(type: string, id: string, view: View): Promise<StoredObject | undefined> {
    const [r] = await this.shapes.rows<ObjectRow, Database>(
      this.db,
      `get:${type}:${view}`,
      () => this.selectObjects().where('type', '=', typeLit(type)).where('id_key', '=', param('key')).where(visibleRows(view)),
      { key: idKey(id) },
    );
    return r ? toObject(r) : undefined;
  }

  async getObjectAnyState(type: string, id: string): Promise<StoredObject | undefined> {
    const r = await this.selectObjects()
      .where('type', '=', typeLit(type))
      .where('id_key', '=', idKey(id))
      .where('visibility', '<>', 'public')
      .executeTakeFirst();
    return r ? toObject(r as ObjectRow) : undefined;
  }

  async getObjectsAnyState(type: string, ids: string[]): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    // a row whatever its state (deleted too), the latest of a D&P object: the fan-out reads each batch's objects
    for (let i = 0; i < ids.length; i += 500)
      out.push(...(await this.objectsByIds(`getAnyState:${type}`, type, ids.slice(i, i + 500), LATEST_ROWS)));
    return out;
  }

  async getObjects(type: string, ids: string[], view: View): Promise<StoredObject[]> {
    if (ids.length === 0) return [];
    return this.objectsByIds(`getMany:${type}:${view}`, type, ids, visibleRows(view));
  }

  /** The objects of `type` among `ids` whose rows pass `rows`: one statement compiled per `shape` and count. */
  private async objectsByIds(shape: string, type: string, ids: string[], rows: RawBuilder<boolean>): Promise<StoredObject[]> {
    const found = await this.shapes.rows<ObjectRow, Database>(
      this.db,
      `${shape}:${ids.length}`,
      () =>
        this.selectObjects()
          .where('type', '=', typeLit(type))
          .where(
            this.ops.isIn(
              'id_key',
              ids.map((_, i) => param(`k${i}`)),
              'text',
            ),
          )
          .where(rows),
      Object.fromEntries(ids.map((id, i) => [`k${i}`, idKey(id)])),
    );
    return found.map((r) => toObject(r));
  }

  private liveWhere(q: Pick<ListQuery, 'type' | 'where' | 'ids' | 'view'>): RawBuilder<boolean> {
    const parts: RawBuilder<unknown>[] = [sql`objects.type = ${typeLit(q.type)}`, visibleRows(q.view)];
    const w = whereFilters(this.ops, q.where);
    if (w) parts.push(w);
    if (q.ids) parts.push(q.ids.length ? sql`objects.id_key IN (${sql.join(q.ids.map(idKey))})` : sql`1 = 0`);
    return sql<boolean>`${sql.join(parts, sql` AND `)}`;
  }

  async listObjects(q: ListQuery): Promise<StoredObject[]> {
    const dir = sql.raw(q.direction === 'desc' ? 'DESC' : 'ASC');
    if (q.order.kind === 'column') {
      const order = sql`ORDER BY ${sql.ref(`objects.${ORDER_COLUMNS[q.order.column]}`)} ${dir}, objects.seq ${dir}`;
      if (this.ops.walksSubstringPages && q.offset + q.limit <= WALK_WINDOW && q.where.some((f) => SUBSTRING_OPS.has(f.op))) {
        // the trigram index finds every match, and the page would sort them all (7 000 rows for a word in 7 % of
        // 100 000 titles): walk the type in page order first, and stop at the page's last match
        const rows = await this.pageRows({ ...q, window: WALK_WINDOW }, order, q.limit, q.offset);
        if (rows.length === q.limit) return rows;
      }
      return this.pageRows(q, order, q.limit, q.offset);
    }
    // Objects without the field come last (first with empty_first) in both directions. A single ORDER BY with a
    // NULL-placement term cannot walk the (field, seq) index, so the page is read as two index-ordered segments.
    const key = this.ops.value(q.order.path);
    // with filters the planner may know a better path (a selective filter); without, walk the field's index
    const hint = q.order.path.length === 1 && q.where.length === 0 && !q.ids ? await this.indexHint(q.type, q.order.path[0]) : '';
    const present = { ...q, extra: sql`${key} IS NOT NULL`, hint };
    const missing = { ...q, extra: sql`${key} IS NULL` };
    const byKey = sql`ORDER BY ${key} ${dir}, objects.seq ${dir}`;
    const bySeq = sql`ORDER BY objects.seq ${dir}`;
    const [first, firstOrder, second, secondOrder] = q.emptyFirst
      ? [missing, bySeq, present, byKey]
      : [present, byKey, missing, bySeq];
    let rows: StoredObject[];
    try {
      rows = await this.pageRows(first, firstOrder, q.limit, q.offset);
    } catch (e) {
      if (!hint) throw e;
      // the hint named an index that a rolled-back change had announced: forget the hints and plan freely
      this.indexes.known.clear();
      this.indexes.loaded = false;
      rows = await this.pageRows({ ...first, hint: '' }, firstOrder, q.limit, q.offset);
    }
    if (rows.length === q.limit) return rows;
    // the first segment ended on this page (or before it): the second segment starts where the first one ended
    const firstTotal = rows.length > 0 ? q.offset + rows.length : await this.countWhere(first);
    const more = await this.pageRows(second, secondOrder, q.limit - rows.length, Math.max(0, q.offset - firstTotal));
    return rows.concat(more);
  }

  private async indexHint(type: string, field: string): Promise<string> {
    if (!this.indexes.loaded) {
      const rows = await this.db.selectFrom('meta').select('value').where('key', 'like', 'fieldindex:%').execute();
      for (const r of rows) this.indexes.known.add(r.value);
      this.indexes.loaded = true;
    }
    const idx = fieldIndexName(type, field, 'value');
    return this.indexes.known.has(idx) ? this.ops.forceIndex(idx) : '';
  }

  /**
   * A page of rows. With `window`, only the first `window` live rows of the type in `order` are considered (a page
   * shorter than `limit` then says nothing about the rows beyond them): the scan stops as soon as the page is full.
   */
  private async pageRows(
    q: ListQuery & { extra?: RawBuilder<unknown>; hint?: string; window?: number },
    order: RawBuilder<unknown>,
    limit: number,
    offset: number,
  ): Promise<StoredObject[]> {
    const from = q.window
      ? sql`(SELECT objects.* FROM objects WHERE objects.type = ${typeLit(q.type)} AND ${visibleRows(q.view)}
          ${order} LIMIT ${q.window}) AS objects`
      : sql`objects ${sql.raw(q.hint ?? '')}`;
    const rows = await sql<ObjectRow>`SELECT ${objectColumns(this.ops)}
      FROM ${from} WHERE ${this.liveWhere(q)}${q.extra ? sql` AND ${q.extra}` : sql``}
      ${order} LIMIT ${limit} OFFSET ${offset}`.execute(this.db);
    return rows.rows.map(toObject);
  }

  private async countWhere(q: ListQuery & { extra?: RawBuilder<unknown> }): Promise<number> {
    const r = await sql<{
      n: number;
    }>`SELECT COUNT(*) AS n FROM objects WHERE ${this.liveWhere(q)}${q.extra ? sql` AND ${q.extra}` : sql``}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async countObjects(q: Pick<ListQuery, 'type' | 'where' | 'ids' | 'view'>): Promise<number> {
    const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM objects WHERE ${this.liveWhere(q)}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async countLiveObjects(type: string): Promise<number> {
    return this.countObjects({ type, where: [], view: 'preview' });
  }

  async eachObject(type: string, batch: number, fn: (rows: StoredObject[]) => Promise<void>): Promise<void> {
    let after = 0;
    for (;;) {
      const rows = (
        await this.selectObjects()
          .where('type', '=', typeLit(type))
          .where('deleted_ms', 'is', null)
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(batch)
          .execute()
      ).map((r) => toObject(r as ObjectRow));
      if (rows.length === 0) return;
      await fn(rows);
      after = rows[rows.length - 1].seq;
    }
  }

  async writeObjects(writes: ObjectWrite[]): Promise<(StoredObject | undefined)[]> {
    if (writes.length === 0) return [];
    this.stats.noteWrites(writes.length);
    return this.transaction(async (tx) => {
      try {
        return await (tx as SqlStorage).objectWrites.write(writes);
      } catch (e) {
        // a deadlock victim (PostgreSQL) has written nothing once rolled back: the caller may read and try again
        if (this.ops.isTransientConflict(e)) throw new StaleWriteError();
        throw e;
      }
    });
  }

  async insertObject(o: NewObject): Promise<StoredObject> {
    const [row] = await this.writeObjects([{ kind: 'create', obj: o }]);
    if (!row) throw new Error(`UNIQUE constraint failed: an object ${o.type}/${o.id} exists`);
    return row;
  }

  async updateObject(o: NewObject & { version: number }): Promise<StoredObject> {
    const [row] = await this.writeObjects([{ kind: 'update', obj: o }]);
    return row!;
  }

  /** Removes the public row of an object (its relations and search entry too). */
  private async dropPublicRow(type: string, key: string): Promise<void> {
    const rows = await this.db
      .deleteFrom('objects')
      .where('type', '=', type)
      .where('id_key', '=', key)
      .where('visibility', '=', 'public')
      .returning('seq')
      .execute();
    await this.searchIndex.removeSeqs(rows.map((r) => Number(r.seq)));
    await this.db
      .deleteFrom('object_refs')
      .where('src_type', '=', type)
      .where('src_key', '=', key)
      .where('src_public', '=', 1)
      .execute();
  }

  /** The latest live row of an object, locked for the change that follows. */
  private async latestRow(type: string, id: string): Promise<StoredObject | undefined> {
    const r = await sql<ObjectRow>`SELECT ${objectColumns(this.ops)} FROM objects
      WHERE type = ${typeLit(type)} AND id_key = ${idKey(id)} AND visibility <> 'public' AND deleted_ms IS NULL${sql.raw(this.ops.name === 'postgres' ? ' FOR UPDATE' : '')}`.execute(
      this.db,
    );
    return r.rows[0] ? toObject(r.rows[0]) : undefined;
  }

  async publishObject(type: string, id: string, nowMs: number): Promise<{ row: StoredObject; changed: boolean } | undefined> {
    const row = await this.latestRow(type, id);
    if (!row) return undefined;
    if (row.visibility === 'both' && row.status === 'public') return { row, changed: false };
    const key = idKey(id);
    await this.dropPublicRow(type, key);
    await this.db
      .updateTable('objects')
      .set({ visibility: 'both', status: 'public', public_version: row.version, published_ms: nowMs, unpublished_ms: null })
      .where('seq', '=', row.seq)
      .execute();
    await this.searchIndex.onWrite(row.seq, type, row.data, 'both');
    return {
      row: { ...row, visibility: 'both', status: 'public', publicVersion: row.version, publishedMs: nowMs },
      changed: true,
    };
  }

  async unpublishObject(
    type: string,
    id: string,
    status: 'draft' | 'archived',
    nowMs: number,
  ): Promise<{ row: StoredObject; changed: boolean } | undefined> {
    const row = await this.latestRow(type, id);
    if (!row) return undefined;
    if (row.status === status) return { row, changed: false };
    const key = idKey(id);
    const wasPublic = row.visibility === 'both' || row.status === 'modified';
    await this.dropPublicRow(type, key);
    await this.db
      .updateTable('objects')
      .set({ visibility: 'latest', status, ...(wasPublic ? { unpublished_ms: nowMs } : {}) })
      .where('seq', '=', row.seq)
      .execute();
    if (row.visibility !== 'latest') await this.searchIndex.onWrite(row.seq, type, row.data, 'latest');
    return { row: { ...row, visibility: 'latest', status }, changed: true };
  }

  async setDraftPublic(type: string, on: boolean, nowMs: number): Promise<void> {
    if (on) {
      await this.db
        .updateTable('objects')
        .set({ status: 'public', public_version: sql`version`, published_ms: nowMs })
        .where('type', '=', type)
        .where('status', 'is', null)
        .where('deleted_ms', 'is', null)
        .execute();
      return;
    }
    // every object's latest state becomes what everybody sees
    const copies = await this.db
      .deleteFrom('objects')
      .where('type', '=', type)
      .where('visibility', '=', 'public')
      .returning('seq')
      .execute();
    await this.searchIndex.removeSeqs(copies.map((r) => Number(r.seq)));
    await this.db.deleteFrom('object_refs').where('src_type', '=', type).where('src_public', '=', 1).execute();
    const latest = await this.db
      .updateTable('objects')
      .set({ visibility: 'both', status: null, public_version: null, published_ms: null, unpublished_ms: null })
      .where('type', '=', type)
      .where('visibility', '=', 'latest')
      .returning(['seq', this.ops.dataText.as('data')])
      .execute();
    for (const r of latest) await this.searchIndex.onWrite(Number(r.seq), type, String(r.data), 'both');
    await this.db.updateTable('objects').set({ status: null }).where('type', '=', type).execute();
  }

  async rewriteObjectData(row: StoredObject, data: string, title: string): Promise<void> {
    await this.db
      .updateTable('objects')
      .set({ data: this.ops.jsonParam(data) as never, title })
      .where('seq', '=', row.seq)
      .execute();
    await this.searchIndex.onWrite(row.seq, row.type, data, row.visibility);
  }

  async softDeleteObject(type: string, id: string, nowMs: number): Promise<void> {
    const key = idKey(id);
    await this.searchIndex.onDelete(type, id);
    await this.db.updateTable('objects').set({ deleted_ms: nowMs }).where('type', '=', type).where('id_key', '=', key).execute();
    await this.db.deleteFrom('object_refs').where('src_type', '=', type).where('src_key', '=', key).execute();
  }

  async purgeDeletedObject(type: string, id: string): Promise<void> {
    const key = idKey(id);
    await this.searchIndex.onDelete(type, id, true);
    await this.db
      .deleteFrom('objects')
      .where('type', '=', type)
      .where('id_key', '=', key)
      .where('deleted_ms', 'is not', null)
      .execute();
    await this.db.deleteFrom('object_versions').where('type', '=', type).where('id_key', '=', key).execute();
    // the id is about to be used again: it is no longer a removed object
    await this.db.deleteFrom('removed_ids').where('type', '=', type).where('id_key', '=', key).execute();
  }

  async purgeType(type: string, nowMs: number): Promise<void> {
    await this.searchIndex.onPurgeType(type);
    // live objects become removed now; soft-deleted ones keep the time they were deleted
    await sql`INSERT INTO removed_ids (type, id_key, id, removed_ms)
      SELECT type, id_key, id, COALESCE(deleted_ms, ${nowMs}) FROM objects WHERE type = ${typeLit(type)} AND visibility <> 'public'
      ON CONFLICT (type, id_key) DO UPDATE SET id = EXCLUDED.id, removed_ms = EXCLUDED.removed_ms`.execute(this.db);
    await this.db.deleteFrom('object_refs').where('src_type', '=', type).execute();
    await this.db.deleteFrom('object_versions').where('type', '=', type).execute();
    await this.db.deleteFrom('schedules').where('type', '=', type).execute();
    await this.db.deleteFrom('objects').where('type', '=', type).execute();
  }

  async listRemoved(type: string, afterMs: number, view: View): Promise<string[]> {
    const deleted = sql`SELECT id, deleted_ms AS at FROM objects
      WHERE type = ${typeLit(type)} AND deleted_ms IS NOT NULL AND deleted_ms > ${afterMs} AND visibility <> 'public'
      UNION ALL SELECT id, removed_ms AS at FROM removed_ids WHERE type = ${type} AND removed_ms > ${afterMs}`;
    // the public view also lost the objects taken out of it (unpublished or archived) and not published again
    const hidden = sql`SELECT id, unpublished_ms AS at FROM objects
      WHERE type = ${type} AND deleted_ms IS NULL AND visibility = 'latest' AND status IN ('draft', 'archived')
        AND unpublished_ms IS NOT NULL AND unpublished_ms > ${afterMs}`;
    const r = await sql<{ id: string }>`SELECT id FROM (${view === 'public' ? sql`${deleted} UNION ALL ${hidden}` : deleted}) g
      ORDER BY at`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  async isReferenced(type: string, id: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('object_refs')
      .select('src_key')
      .where('dst_type', '=', type)
      .where('dst_key', '=', idKey(id))
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async findByFieldValue(type: string, field: string, value: unknown, excludeId?: string): Promise<string | undefined> {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    const r = await sql<{ id: string }>`SELECT objects.id FROM objects
      WHERE objects.type = ${typeLit(type)} AND ${visibleRows('preview')} AND ${this.ops.value([field])} = ${this.ops.scalar(value)}
      ${excludeId === undefined ? sql`` : sql`AND objects.id_key <> ${idKey(excludeId)}`} LIMIT 1`.execute(this.db);
    return r.rows[0]?.id;
  }

  async findByFieldValues(type: string, field: string, values: unknown[]): Promise<string[][]> {
    const out = values.map((): string[] => []);
    const candidates = values.flatMap((v, i) =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [{ i, v }] : [],
    );
    // the values as a relation joined on the field's expression: each value is compared as findByFieldValue compares
    // (in slices: SQLite allows 500 terms in a compound SELECT)
    for (let n = 0; n < candidates.length; n += 400) {
      const part = candidates.slice(n, n + 400);
      const c = sql.join(
        part.map(({ i, v }) => sql`SELECT ${sql.lit(i)} AS i, ${this.ops.scalar(v)} AS v`),
        sql` UNION ALL `,
      );
      const r = await sql<{ i: number; id: string }>`SELECT c.i, objects.id FROM (${c}) c
        JOIN objects ON objects.type = ${typeLit(type)} AND ${visibleRows('preview')} AND ${this.ops.value([field])} = c.v`.execute(
        this.db,
      );
      for (const row of r.rows) out[Number(row.i)].push(row.id);
    }
    return out;
  }

  // ---- versions

  /** The versions a view may see: preview every one; the public view only those that were published. */
  private versionsQuery(type: string, id: string, view: View) {
    const key = idKey(id);
    const dataText = this.ops.name === 'postgres' ? sql<string>`data::text` : sql<string>`data`;
    if (view === 'preview') {
      return sql`SELECT version, ${dataText} AS data, created_ms, updated_by FROM object_versions WHERE type = ${type} AND id_key = ${key}
      UNION ALL SELECT version, ${dataText} AS data, updated_ms AS created_ms, updated_by FROM objects
        WHERE type = ${typeLit(type)} AND id_key = ${key} AND ${visibleRows('preview')}`;
    }
    const current = sql`SELECT version, ${dataText} AS data, updated_ms AS created_ms, updated_by FROM objects
        WHERE type = ${typeLit(type)} AND id_key = ${key} AND ${visibleRows('public')} AND (status IS NULL OR status = 'public')`;
    return sql`SELECT version, ${dataText} AS data, created_ms, updated_by FROM object_versions
        WHERE type = ${type} AND id_key = ${key}
          AND (published_ms IS NOT NULL OR NOT EXISTS (SELECT 1 FROM objects o WHERE o.type = ${typeLit(type)} AND o.id_key = ${key}
            AND o.status IS NOT NULL))
          AND version NOT IN (SELECT version FROM (${current}) c)
      UNION ALL ${current}`;
  }

  async listVersions(type: string, id: string, view: View, limit: number, offset: number, direction: 'asc' | 'desc') {
    const r = await sql<{
      version: number;
      data: string;
      created_ms: number;
      updated_by: string | null;
    }>`SELECT * FROM (${this.versionsQuery(type, id, view)}) v
      ORDER BY version ${sql.raw(direction === 'desc' ? 'DESC' : 'ASC')} LIMIT ${sql.lit(limit)} OFFSET ${sql.lit(offset)}`.execute(
      this.db,
    );
    return r.rows.map((x) => ({
      version: Number(x.version),
      data: x.data,
      createdMs: Number(x.created_ms),
      updatedBy: x.updated_by ?? null,
    }));
  }

  async countVersions(type: string, id: string, view: View): Promise<number> {
    const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM (${this.versionsQuery(type, id, view)}) v`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async getVersion(type: string, id: string, version: number, view: View) {
    const r = await sql<{
      version: number;
      data: string;
      created_ms: number;
    }>`SELECT * FROM (${this.versionsQuery(type, id, view)}) v
      WHERE version = ${version}`.execute(this.db);
    const x = r.rows[0];
    return x ? { version: Number(x.version), data: x.data, createdMs: Number(x.created_ms) } : undefined;
  }

  // ---- schedules (Draft & Public publications planned for later)

  async scheduleObject(s: StoredSchedule): Promise<void> {
    const row = {
      type: s.type,
      id_key: idKey(s.id),
      id: s.id,
      action: s.action,
      at_ms: s.atMs,
      created_ms: s.createdMs,
      created_by: s.createdBy,
    };
    await this.db
      .insertInto('schedules')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['type', 'id_key'])
          .doUpdateSet({ id: s.id, action: s.action, at_ms: s.atMs, created_ms: s.createdMs, created_by: s.createdBy }),
      )
      .execute();
  }

  async getSchedule(type: string, id: string): Promise<StoredSchedule | undefined> {
    const r = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('type', '=', type)
      .where('id_key', '=', idKey(id))
      .executeTakeFirst();
    return r ? toSchedule(r) : undefined;
  }

  async cancelSchedule(type: string, id: string, createdBeforeMs?: number): Promise<boolean> {
    let q = this.db.deleteFrom('schedules').where('type', '=', type).where('id_key', '=', idKey(id));
    if (createdBeforeMs !== undefined) q = q.where('created_ms', '<', createdBeforeMs);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async runDueSchedules(nowMs: number, limit: number, fn: (s: StoredSchedule, tx: Storage) => Promise<void>): Promise<number> {
    return this.transaction(async (tx) => {
      const db = (tx as SqlStorage).db;
      const due = await sql<Selectable<Database['schedules']>>`SELECT * FROM schedules WHERE at_ms <= ${nowMs}
        ORDER BY at_ms LIMIT ${limit}${sql.raw(this.ops.skipLocked)}`.execute(db);
      for (const r of due.rows) {
        await fn(toSchedule(r), tx);
        await db.deleteFrom('schedules').where('type', '=', r.type).where('id_key', '=', r.id_key).execute();
      }
      return due.rows.length;
    });
  }

  // ---- keys

  async listKeys(): Promise<StoredKey[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('created_ms').orderBy('id').execute()).map(toKey);
  }

  async getKeyByHmac(hmac: string): Promise<StoredKey | undefined> {
    // several nodes: every request reads the key row (decision 0019), and concurrent requests share those reads
    if (this.shared && !this.inTransaction) {
      this.keyReads ??= new SharedReads((hmacs) => this.keysByHmac(hmacs));
      return this.keyReads.read(hmac);
    }
    return (await this.keysByHmac([hmac])).get(hmac);
  }

  private keyReads: SharedReads<string, StoredKey> | undefined;

  /** The key rows presented as these HMACs, by the HMAC asked for (a key's current value or its previous one). */
  private async keysByHmac(hmacs: string[]): Promise<Map<string, StoredKey>> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where((eb) => eb.or([this.ops.isIn('hmac', hmacs, 'text'), this.ops.isIn('prev_hmac', hmacs, 'text')]))
      .execute();
    const asked = new Set(hmacs);
    const found = new Map<string, StoredKey>();
    for (const r of rows) {
      const key = toKey(r);
      if (asked.has(r.hmac)) found.set(r.hmac, key);
      if (r.prev_hmac !== null && asked.has(r.prev_hmac)) found.set(r.prev_hmac, key);
    }
    return found;
  }

  async getKey(id: string): Promise<StoredKey | undefined> {
    // compiled once: a webhook's deliveries look up the key that saved it in every fan-out batch
    const [r] = await this.shapes.rows<Database['api_keys'], Database>(
      this.db,
      'getKey',
      () => this.db.selectFrom('api_keys').selectAll().where('id', '=', param('id')),
      { id },
    );
    return r ? toKey(r) : undefined;
  }

  async insertKey(k: StoredKey): Promise<void> {
    await this.transaction(async (tx) => {
      const db = (tx as SqlStorage).db;
      await db.insertInto('api_keys').values(this.keyRow(k)).execute();
      await (tx as SqlStorage).writeKeyRules(k.id, k.rules);
    });
  }

  async updateKey(id: string, change: KeyChange): Promise<{ before: StoredKey; after: StoredKey } | undefined> {
    return this.transaction(async (tx) => {
      const db = (tx as SqlStorage).db;
      // claim the row first: PostgreSQL holds its lock until commit, so `before` is what this change replaces and a
      // concurrent change waits; SQLite runs one write transaction at a time
      const before = await db
        .updateTable('api_keys')
        .set({ updated_ms: sql`updated_ms` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!before) return undefined;
      const set: Partial<Database['api_keys']> = { updated_ms: change.updatedMs };
      if (change.name !== undefined) set.name = change.name;
      if (change.rules !== undefined) set.rules = change.rules;
      if (change.requestLimit !== undefined) set.request_limit = change.requestLimit;
      if (change.hmac !== undefined) set.hmac = change.hmac;
      if (change.secretEnc !== undefined) set.secret_enc = change.secretEnc;
      if (change.lastUsedMs !== undefined) set.last_used_ms = change.lastUsedMs;
      if (change.expiresMs !== undefined) set.expires_ms = change.expiresMs;
      if (change.previous === null) Object.assign(set, { prev_hmac: null, prev_until_ms: null });
      else if (change.previous) Object.assign(set, { prev_hmac: before.hmac, prev_until_ms: change.previous.untilMs });
      if (change.allowedNetworks !== undefined) set.allowed_networks = change.allowedNetworks;
      if (change.allowedOrigins !== undefined) set.allowed_origins = change.allowedOrigins;
      const after = await db.updateTable('api_keys').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      if (change.rules !== undefined) await (tx as SqlStorage).writeKeyRules(id, change.rules);
      return { before: toKey(before), after: toKey(after) };
    });
  }

  /** The key's rule rows, one per named type: the foreign key to content_types is what keeps rules and types in step. */
  private async writeKeyRules(keyId: string, rules: string): Promise<void> {
    const names = [...new Set((JSON.parse(rules) as { ctdName: string }[]).map((r) => r.ctdName))];
    await this.db.deleteFrom('key_rules').where('key_id', '=', keyId).execute();
    if (names.length === 0) return;
    try {
      await this.db
        .insertInto('key_rules')
        .values(names.map((ctd_name) => ({ key_id: keyId, ctd_name })))
        .execute();
    } catch (e) {
      if (this.ops.isForeignKeyViolation(e)) throw new MissingTypeError();
      throw e;
    }
  }

  private keyRow(k: StoredKey): Database['api_keys'] {
    return {
      id: k.id,
      kind: k.kind,
      name: k.name,
      hmac: k.hmac,
      secret_enc: k.secretEnc,
      rules: k.rules,
      request_limit: k.requestLimit,
      created_ms: k.createdMs,
      updated_ms: k.updatedMs,
      last_used_ms: k.lastUsedMs,
      expires_ms: k.expiresMs,
      prev_hmac: k.prevHmac,
      prev_until_ms: k.prevUntilMs,
      allowed_networks: k.allowedNetworks,
      allowed_origins: k.allowedOrigins,
    };
  }

  async deleteKey(id: string): Promise<void> {
    // key_rules rows go with it (ON DELETE CASCADE); usage counts have no foreign key (a late batch may still add
    // some, which the 90-day pruning removes)
    await this.transaction(async (tx) => {
      await (tx as SqlStorage).db.deleteFrom('key_usage').where('key_id', '=', id).execute();
      await (tx as SqlStorage).db.deleteFrom('api_keys').where('id', '=', id).execute();
    });
  }

  async addKeyUsage(rows: KeyUsageRow[]): Promise<void> {
    if (rows.length > 0) await this.transaction((tx) => addKeyUsage((tx as SqlStorage).db, rows));
  }

  keyUsage(keyId: string, fromDay: string): Promise<KeyUsageRow[]> {
    return keyUsage(this.db, keyId, fromDay);
  }

  pruneKeyUsage(beforeDay: string): Promise<void> {
    return pruneKeyUsage(this.db, beforeDay);
  }

  async touchKey(id: string, hmac: string, nowMs: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_ms: nowMs }).where('id', '=', id).where('hmac', '=', hmac).execute();
  }

  async keyNamesReferencingType(type: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('key_rules')
      .innerJoin('api_keys', 'api_keys.id', 'key_rules.key_id')
      .select('api_keys.name')
      .where('key_rules.ctd_name', '=', type)
      .orderBy('api_keys.created_ms')
      .orderBy('api_keys.id')
      .execute();
    return rows.map((r) => r.name);
  }

  // ---- meta and signals

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async consumeMeta(key: string, value: string): Promise<boolean> {
    const r = await this.db.deleteFrom('meta').where('key', '=', key).where('value', '=', value).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  // ---- search (SQL in search-index.ts and the dialect search files)

  search(q: SearchQuery): Promise<SearchResult> {
    return this.searchIndex.search(q);
  }

  rebuildSearchIndex(force: boolean): Promise<number> {
    return this.searchIndex.rebuild(force);
  }

  async notify(channel: Channel, payload: string): Promise<void> {
    await this.signals.notify(channel, payload);
  }

  subscribe(fn: (channel: Channel, payload: string) => void): void {
    this.signals.subscribe(fn);
  }
}
