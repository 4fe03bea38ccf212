import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectOps, InsertColumn } from './dialect-ops.js';
import type { Database } from './schema.js';

export type { InsertColumn };

/** A column of a RowInsert (text unless said otherwise). */
export const column = (name: string, type: InsertColumn['type'] = 'text'): InsertColumn => ({ name, type });

/** Bound parameters per statement: below SQLite's 32 766 and PostgreSQL's 65 535. */
export const MAX_PARAMS = 30_000;

/** Statement texts kept per insert (one per number of rows on SQLite, where the text grows with them). */
const TEXTS_KEPT = 64;

/**
 * One statement over many rows of fixed columns, written without the query builder: a batch's rows, events and
 * relations, a delivery round's outcomes, are written with the same few statements on every request, and building and
 * compiling them through Kysely cost more than running them (a 100-row insert of events: ~4 µs a row to build, ~1.6
 * to run on SQLite). The text comes from the dialect (DialectOps.insertRowsSql, rowsSource) and is kept, so the
 * drivers' statement caches hit on the same string; rows go in slices that stay below both engines' limits on bound
 * parameters.
 */
export class RowStatement {
  /** Texts by dialect and number of rows. */
  private readonly texts = new Map<string, string>();
  private readonly perStatement: number;

  constructor(
    columns: readonly InsertColumn[],
    /** The statement's text for `rows` rows in this dialect. */
    private readonly write: (ops: DialectOps, rows: number) => string,
  ) {
    this.perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  }

  /** Runs the statement over `rows` (each its values in column order); answers the rows a RETURNING tail returns. */
  async run<O = unknown>(db: Kysely<Database>, ops: DialectOps, rows: readonly (readonly unknown[])[]): Promise<O[]> {
    const out: O[] = [];
    for (let i = 0; i < rows.length; i += this.perStatement) {
      const part = rows.slice(i, i + this.perStatement);
      const r = await db.executeQuery<O>(CompiledQuery.raw(this.text(ops, part.length), ops.insertRowsParams(part)));
      for (const row of r.rows) out.push(row);
    }
    return out;
  }

  private text(ops: DialectOps, n: number): string {
    const key = `${ops.name}:${n}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.write(ops, n);
      if (this.texts.size >= TEXTS_KEPT) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

/** A multi-row INSERT of fixed columns into one table. */
export class RowInsert extends RowStatement {
  constructor(
    table: string,
    columns: readonly InsertColumn[],
    /** Appended to the statement: `ON CONFLICT …`, `RETURNING …`. */
    tail = '',
    /** `INSERT OR REPLACE` where a dialect-specific caller needs it (SQLite's full-text index). */
    verb: 'INSERT' | 'INSERT OR REPLACE' = 'INSERT',
  ) {
    super(columns, (ops, n) => ops.insertRowsSql(verb, table, columns, n, tail));
  }
}
