import { sql, type Kysely } from 'kysely';
import { StaleWriteError, type NewObject, type ObjectWrite, type StoredObject } from '../port.js';
import type { DialectOps } from './dialect-ops.js';
import { typeLit } from './object-rows.js';
import { column, MAX_PARAMS, RowInsert } from './row-insert.js';
import { idKey, type Database } from './schema.js';
import type { IndexedRow, SearchIndex } from './search-index.js';

/** `xs` in slices small enough for a statement of `perItem` parameters each. */
function chunks<T>(xs: readonly T[], perItem: number): T[][] {
  const n = Math.max(1, Math.floor(MAX_PARAMS / perItem));
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/**
 * The writes in rounds in which no object appears twice (its first write in the first round, its second in the
 * second, …): each round is written in bulk, and an object written twice gets its versions in order.
 */
function rounds(writes: readonly ObjectWrite[]): number[][] {
  const seen = new Map<string, number>();
  const out: number[][] = [];
  writes.forEach((w, i) => {
    const key = `${w.obj.type}\0${idKey(w.obj.id)}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (out[n] ??= []).push(i);
  });
  return out;
}

/** The latest row of an object being updated, as claimed. */
interface Claimed {
  seq: number;
  id_key: string;
  version: number;
  created_ms: number;
  visibility: string;
  status: string | null;
  public_version: number | null;
  published_ms: number | null;
}

const num = (v: number | null) => (v === null ? null : Number(v));

/** New rows (the columns left out keep their defaults: not deleted, never published). */
const insertObjects = new RowInsert(
  'objects',
  [
    column('type'),
    column('id'),
    column('id_key'),
    column('data', 'jsonb'),
    column('title'),
    column('version', 'integer'),
    column('created_ms', 'bigint'),
    column('updated_ms', 'bigint'),
    column('updated_by'),
    column('visibility'),
    column('status'),
  ],
  'ON CONFLICT (type, id_key, visibility) DO NOTHING RETURNING seq, id_key',
);

const insertObjectRefs = new RowInsert('object_refs', [
  column('src_type'),
  column('src_key'),
  column('dst_type'),
  column('dst_key'),
  column('src_public', 'integer'),
]);

/**
 * Bulk object writes (Storage.writeObjects): per round, a few multi-row statements for the rows, the versions they
 * replace, their relations and search entries, whatever the number of objects. Runs inside the caller's transaction.
 */
export class ObjectWrites {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: DialectOps,
    private readonly search: SearchIndex,
  ) {}

  async write(writes: readonly ObjectWrite[]): Promise<(StoredObject | undefined)[]> {
    const out: (StoredObject | undefined)[] = new Array<StoredObject | undefined>(writes.length).fill(undefined);
    for (const round of rounds(writes)) {
      const indexed: IndexedRow[] = [];
      const updates = round.filter((i) => writes[i].kind === 'update');
      const creates = round.filter((i) => writes[i].kind === 'create');
      for (const list of groupBy(updates, (i) => writes[i].obj.type).values()) await this.update(writes, list, out, indexed);
      for (const list of groupBy(creates, (i) => writes[i].obj.type).values()) await this.create(writes, list, out, indexed);
      await this.search.onWriteMany(indexed);
    }
    return out;
  }

  /** New objects of one type. Ids another writer took meanwhile are skipped (the unique key decides, even in a race). */
  private async create(
    writes: readonly ObjectWrite[],
    list: number[],
    out: (StoredObject | undefined)[],
    indexed: IndexedRow[],
  ): Promise<void> {
    const type = writes[list[0]].obj.type;
    // in id order, so that two transactions inserting the same ids take the unique key's locks in one order
    const sorted = [...list].sort((a, b) => (idKey(writes[a].obj.id) < idKey(writes[b].obj.id) ? -1 : 1));
    await this.purgeDeleted(
      type,
      sorted.map((i) => idKey(writes[i].obj.id)),
    );
    const seqs = new Map<string, number>();
    const inserted = await insertObjects.run<{ seq: number; id_key: string }>(
      this.db,
      this.ops,
      sorted.map((i) => this.newRow(writes[i].obj)),
    );
    for (const r of inserted) seqs.set(r.id_key, Number(r.seq));
    const written: NewObject[] = [];
    for (const i of list) {
      const o = writes[i].obj;
      const seq = seqs.get(idKey(o.id));
      if (seq === undefined) continue;
      const visibility = o.draftPublic ? 'latest' : 'both';
      out[i] = {
        seq,
        type: o.type,
        id: o.id,
        data: o.data,
        title: o.title,
        version: 1,
        createdMs: o.createdMs,
        updatedMs: o.updatedMs,
        deletedMs: null,
        updatedBy: o.actor,
        visibility,
        status: o.draftPublic ? 'draft' : null,
        publicVersion: null,
        publishedMs: null,
      };
      indexed.push({ seq, type: o.type, data: o.data, fields: o.fields, visibility, fresh: true });
      written.push(o);
    }
    await this.insertRefs(written);
    // the ids are in use again: they are no longer removed objects
    for (const part of chunks(written, 1)) {
      await this.db
        .deleteFrom('removed_ids')
        .where('type', '=', type)
        .where(
          this.ops.isIn(
            'id_key',
            part.map((o) => idKey(o.id)),
            'text',
          ),
        )
        .execute();
    }
  }

  /** The values of a new row, in the columns of insertObjects. */
  private newRow(o: NewObject): unknown[] {
    return [
      o.type,
      o.id,
      idKey(o.id),
      o.data,
      o.title,
      1,
      o.createdMs,
      o.updatedMs,
      o.actor,
      o.draftPublic ? 'latest' : 'both',
      o.draftPublic ? 'draft' : null,
    ];
  }

  /** Removes what soft-deleted objects with these ids left (rows, versions, search entries) so the ids can be used again. */
  private async purgeDeleted(type: string, keys: string[]): Promise<void> {
    for (const part of chunks(keys, 1)) {
      const gone = await this.db
        .deleteFrom('objects')
        .where('type', '=', typeLit(type))
        .where(this.ops.isIn('id_key', part, 'text'))
        .where('deleted_ms', 'is not', null)
        .returning(['seq', 'id_key'])
        .execute();
      if (gone.length === 0) continue;
      await this.search.removeSeqs(gone.map((r) => Number(r.seq)));
      await this.db
        .deleteFrom('object_versions')
        .where('type', '=', type)
        .where(this.ops.isIn('id_key', [...new Set(gone.map((r) => r.id_key))], 'text'))
        .execute();
    }
  }

  /** New versions of stored objects of one type: claimed first (all or none), then written. */
  private async update(
    writes: readonly ObjectWrite[],
    list: number[],
    out: (StoredObject | undefined)[],
    indexed: IndexedRow[],
  ): Promise<void> {
    const type = writes[list[0]].obj.type;
    const claimed = await this.claim(
      type,
      list.map((i) => idKey(writes[i].obj.id)),
    );
    const stale = list.filter(
      (i) => claimed.get(idKey(writes[i].obj.id))?.version !== (writes[i] as { obj: { version: number } }).obj.version - 1,
    );
    if (stale.length > 0) throw new StaleWriteError(stale.map((i) => writes[i].obj.id));
    const rows = list.map((i) => claimed.get(idKey(writes[i].obj.id))!);
    // keep the states being replaced as version rows, so every version stays readable (and, where it was the one
    // published, the public view may list it)
    for (const part of chunks(rows, 1)) {
      await sql`INSERT INTO object_versions (type, id_key, version, data, created_ms, published_ms, updated_by)
        SELECT type, id_key, version, data, updated_ms, CASE WHEN public_version = version THEN published_ms END, updated_by
        FROM objects WHERE seq IN (${sql.join(part.map((r) => r.seq))})`.execute(this.db);
    }
    for (const [n, i] of list.entries()) {
      const o = writes[i].obj as NewObject & { version: number };
      const c = rows[n];
      let visibility = c.visibility as StoredObject['visibility'];
      let status = (c.status ?? null) as StoredObject['status'];
      if (o.draftPublic && visibility === 'both' && status === 'public') {
        // the first edit of a published object: what the world sees stays, as a copy of its own
        await this.splitPublished(Number(c.seq), type, c.id_key);
        visibility = 'latest';
        status = 'modified';
      }
      await this.db
        .updateTable('objects')
        .set({
          data: this.ops.jsonParam(o.data) as never,
          title: o.title,
          version: o.version,
          updated_ms: o.updatedMs,
          updated_by: o.actor,
          visibility,
          status,
        })
        .where('seq', '=', Number(c.seq))
        .execute();
      out[i] = {
        seq: Number(c.seq),
        type,
        id: o.id,
        data: o.data,
        title: o.title,
        version: o.version,
        createdMs: Number(c.created_ms),
        updatedMs: o.updatedMs,
        deletedMs: null,
        updatedBy: o.actor,
        visibility,
        status,
        publicVersion: num(c.public_version),
        publishedMs: num(c.published_ms),
      };
      indexed.push({ seq: Number(c.seq), type, data: o.data, fields: o.fields, visibility, fresh: false });
    }
    // the relations of the latest rows (those of published copies are kept apart, `src_public = 1`)
    for (const part of chunks(rows, 1)) {
      await this.db
        .deleteFrom('object_refs')
        .where('src_type', '=', type)
        .where(
          this.ops.isIn(
            'src_key',
            part.map((r) => r.id_key),
            'text',
          ),
        )
        .where('src_public', '=', 0)
        .execute();
    }
    await this.insertRefs(list.map((i) => writes[i].obj));
  }

  /**
   * The latest live rows of these objects, locked until commit (PostgreSQL; in seq order, so that two transactions
   * lock in one order; SQLite runs one write transaction at a time).
   */
  private async claim(type: string, keys: string[]): Promise<Map<string, Claimed>> {
    const out = new Map<string, Claimed>();
    for (const part of chunks(keys, 1)) {
      const r = await sql<Claimed>`SELECT seq, id_key, version, created_ms, visibility, status, public_version, published_ms
        FROM objects WHERE type = ${typeLit(type)} AND ${this.ops.isIn('id_key', part, 'text')} AND visibility <> 'public' AND deleted_ms IS NULL
        ORDER BY seq${sql.raw(this.ops.forUpdate)}`.execute(this.db);
      for (const row of r.rows) out.set(row.id_key, { ...row, version: Number(row.version) });
    }
    return out;
  }

  private async insertRefs(objects: NewObject[]): Promise<void> {
    const refs = objects.flatMap((o) => o.refs.map((r) => [o.type, idKey(o.id), r.type, idKey(r.id), 0]));
    if (refs.length > 0) await insertObjectRefs.run(this.db, this.ops, refs);
  }

  /** Copies the one row of a published object into its public row (with its relations and its search entry). */
  async splitPublished(seq: number, type: string, key: string): Promise<void> {
    const copy = await sql<{ seq: number; data: string }>`INSERT INTO objects (type, id, id_key, data, title, version,
        created_ms, updated_ms, deleted_ms, updated_by, visibility, status, public_version, published_ms, unpublished_ms)
      SELECT type, id, id_key, data, title, version, created_ms, updated_ms, NULL, updated_by, 'public', 'public',
        public_version, published_ms, NULL FROM objects WHERE seq = ${seq}
      RETURNING seq, ${this.ops.dataText} AS data`.execute(this.db);
    const row = copy.rows[0];
    await sql`INSERT INTO object_refs (src_type, src_key, dst_type, dst_key, src_public)
      SELECT src_type, src_key, dst_type, dst_key, 1 FROM object_refs
      WHERE src_type = ${type} AND src_key = ${key} AND src_public = 0`.execute(this.db);
    await this.search.onWrite(Number(row.seq), type, row.data, 'public');
  }
}
