import { sql, type Kysely } from 'kysely';
import { layoutOfDefinition, searchDocument, type SearchLayout } from './search-document.js';
import type { SearchQuery, SearchResult } from '../search-query.js';
import { postgresSearch } from '../postgres/postgres.search.js';
import { sqliteSearch } from '../sqlite/sqlite.search.js';
import type { DialectOps } from './dialect-ops.js';
import { idKey, type Database } from './schema.js';
import { typeLit } from './object-rows.js';
import type { SearchDialect } from './search-dialect.js';
import { runSearch } from './search-runner.js';
import type { IndexEntry, SearchWriter } from './search-writer.js';
import { sqliteSearchWriter } from '../sqlite/sqlite.search-writer.js';
import { postgresSearchWriter } from '../postgres/postgres.search-writer.js';

const DIALECTS: Record<DialectOps['name'], SearchDialect> = { sqlite: sqliteSearch, postgres: postgresSearch };
const WRITERS: Record<DialectOps['name'], SearchWriter> = { sqlite: sqliteSearchWriter, postgres: postgresSearchWriter };

/** A row to index: inserted, its data replaced or its visibility changed. */
export interface IndexedRow {
  seq: number;
  type: string;
  data: string;
  /** `data` parsed, when the writer has it. */
  fields?: Readonly<Record<string, unknown>>;
  visibility: string;
  /** Inserted in this transaction (so it has no index entry yet). */
  fresh: boolean;
}

/** Set by migration 3 (and by nothing else): the index must be built from the objects already stored. */
const REBUILD_MARKER = 'search:rebuild';
const BATCH = 500;

/**
 * Keeps the full-text index in step with the objects. SqlStorage calls one hook per write, inside the same
 * transaction as the write itself, so a committed object is always searchable as committed and a rolled-back one
 * never is. The index format lives in search/search-document.ts, the engine SQL in the dialect files.
 */
export class SearchIndex {
  private readonly dialect: SearchDialect;
  private readonly writer: SearchWriter;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: DialectOps,
  ) {
    this.dialect = DIALECTS[ops.name];
    this.writer = WRITERS[ops.name];
  }

  search(q: SearchQuery): Promise<SearchResult> {
    return runSearch(this.db, this.ops, this.dialect, q);
  }

  private async layoutOf(type: string): Promise<SearchLayout | undefined> {
    const r = await sql<{ d: string }>`SELECT CAST(definition AS TEXT) AS d FROM content_types WHERE name = ${type}`.execute(
      this.db,
    );
    return r.rows[0] ? layoutOfDefinition(r.rows[0].d) : undefined;
  }

  private async index(seq: number, type: string, data: string, visibility: string, layout: SearchLayout): Promise<void> {
    await this.dialect.write(this.db, seq, type, searchDocument(layout, type, data, visibility));
  }

  /** A row was inserted, its data replaced or its visibility changed. */
  async onWrite(seq: number, type: string, data: string, visibility: string): Promise<void> {
    const layout = await this.layoutOf(type);
    if (layout) await this.index(seq, type, data, visibility, layout);
  }

  /** onWrite for many rows at once (a batch): one layout lookup per type, a few statements in all. */
  async onWriteMany(rows: IndexedRow[]): Promise<void> {
    const layouts = new Map<string, SearchLayout | undefined>();
    const entries: IndexEntry[] = [];
    for (const r of rows) {
      if (!layouts.has(r.type)) layouts.set(r.type, await this.layoutOf(r.type));
      const layout = layouts.get(r.type);
      if (layout)
        entries.push({
          seq: r.seq,
          type: r.type,
          doc: searchDocument(layout, r.type, r.fields ?? r.data, r.visibility),
          fresh: r.fresh,
        });
    }
    if (entries.length > 0) await this.writer.writeMany(this.db, entries);
  }

  /** These rows are going. */
  async removeSeqs(seqs: number[]): Promise<void> {
    if (seqs.length > 0) await this.dialect.remove(this.db, seqs);
  }

  /** An object is being soft-deleted (`deletedOnly`: its deleted leftovers are being purged). */
  async onDelete(type: string, id: string, deletedOnly = false): Promise<void> {
    const r = await sql<{ seq: number }>`SELECT seq FROM objects WHERE type = ${typeLit(type)} AND id_key = ${idKey(id)}
      ${deletedOnly ? sql`AND deleted_ms IS NOT NULL` : sql``}`.execute(this.db);
    await this.dialect.remove(
      this.db,
      r.rows.map((x) => Number(x.seq)),
    );
  }

  /** Every object of a type is about to go. */
  async onPurgeType(type: string): Promise<void> {
    const r = await sql<{ seq: number }>`SELECT seq FROM objects WHERE type = ${typeLit(type)} AND deleted_ms IS NULL`.execute(
      this.db,
    );
    await this.dialect.remove(
      this.db,
      r.rows.map((x) => Number(x.seq)),
    );
  }

  /** A type definition is about to change: reindex its objects when the text fields or their slots change. */
  async onTypeChange(type: string, nextDefinition: string): Promise<void> {
    const before = await this.layoutOf(type);
    const after = layoutOfDefinition(nextDefinition);
    if (before && before.signature === after.signature) return;
    await this.reindexType(type, after);
  }

  private async reindexType(type: string, layout: SearchLayout): Promise<number> {
    let after = 0;
    let n = 0;
    for (;;) {
      const rows = (
        await sql<{
          seq: number;
          data: string;
          visibility: string;
        }>`SELECT seq, ${this.ops.dataText} AS data, visibility FROM objects
          WHERE type = ${typeLit(type)} AND deleted_ms IS NULL AND seq > ${after} ORDER BY seq LIMIT ${BATCH}${sql.raw(this.dialect.lockRows)}`.execute(
          this.db,
        )
      ).rows;
      for (const r of rows) await this.index(Number(r.seq), type, r.data, r.visibility, layout);
      n += rows.length;
      if (rows.length < BATCH) return n;
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /**
   * Builds the index of every live object (one transaction per type), when migration 3 asked for it or `force`.
   * Idempotent, so nodes starting together may both run it. Returns the number of objects indexed.
   */
  async rebuild(force: boolean): Promise<number> {
    const marker = await sql<{ value: string }>`SELECT value FROM meta WHERE key = ${REBUILD_MARKER}`.execute(this.db);
    if (!force && marker.rows.length === 0) return 0;
    const types = (
      await sql<{ name: string; d: string }>`SELECT name, CAST(definition AS TEXT) AS d FROM content_types ORDER BY name`.execute(
        this.db,
      )
    ).rows;
    let n = 0;
    for (const t of types) {
      n += await this.db
        .transaction()
        .execute((trx) => new SearchIndex(trx, this.ops).reindexType(t.name, layoutOfDefinition(t.d)));
    }
    await sql`DELETE FROM meta WHERE key = ${REBUILD_MARKER}`.execute(this.db);
    return n;
  }
}
