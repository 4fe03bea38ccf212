import { sql, type Kysely } from 'kysely';
import { SharedReads } from '../../core/shared-reads.js';
import type { DialectOps } from './dialect-ops.js';
import type { Database } from './schema.js';

/**
 * Per-type write generations, what cached answers are validated against (docs/decisions/0019-caches-across-nodes.md).
 *
 * Every transaction that records events bumps the `type_generations` row of each type its events name, as its last
 * statement, so the bump commits with the change or not at all. Rows are never deleted: a generation never comes
 * back to a value it had, even across a type's deletion and re-creation.
 *
 * Reading: with a shared database (PostgreSQL) the rows are read, one indexed query, so a generation read after a
 * write committed on any node sees that write's bump — correctness never waits for a NOTIFY. A database that one
 * process owns (SQLite) keeps the same counts in memory, bumped after each commit and before `transaction()`
 * resolves; no other process writes there, so memory is as current as the table and costs no query.
 */
export class TypeGenerations {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly ops: DialectOps,
    private readonly shared: boolean,
  ) {}

  /** Inside the write's transaction, after everything else: rows in name order, so two writers never deadlock. */
  async bump(trx: Kysely<Database>, types: readonly string[]): Promise<void> {
    const sorted = [...new Set(types)].sort();
    if (sorted.length === 0) return;
    await sql`INSERT INTO type_generations (type, gen) VALUES ${sql.join(sorted.map((t) => sql`(${t}, 1)`))}
      ON CONFLICT (type) DO UPDATE SET gen = type_generations.gen + 1`.execute(trx);
  }

  /** After the bumping transaction committed (this process's reading on unshared storage). */
  committed(types: readonly string[]): void {
    for (const t of new Set(types)) this.local.set(t, (this.local.get(t) ?? 0) + 1);
  }

  /** The generation of each type, in order (0: never written). */
  async read(db: Kysely<Database>, types: readonly string[]): Promise<number[]> {
    if (!this.shared || types.length === 0) return types.map((t) => this.local.get(t) ?? 0);
    if (db.isTransaction) {
      const byType = await this.query(db, [...new Set(types)]);
      return types.map((t) => byType.get(t) ?? 0);
    }
    // outside a transaction, concurrent requests share each read (none gets one sent before it asked)
    this.reads ??= new SharedReads((keys) => this.query(db, keys));
    const reads = this.reads;
    return Promise.all(types.map(async (t) => (await reads.read(t)) ?? 0));
  }

  private reads: SharedReads<string, number> | undefined;

  private async query(db: Kysely<Database>, types: string[]): Promise<Map<string, number>> {
    // one text whatever the number of types (DialectOps.isIn): PostgreSQL prepares it once per connection
    const rows = await sql<{ type: string; gen: string | number }>`SELECT type, gen FROM type_generations
      WHERE ${this.ops.isIn('type', types, 'text')}`.execute(db);
    return new Map(rows.rows.map((r) => [r.type, Number(r.gen)]));
  }
}
