import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** A fresh, empty database for one dialect's run; drop() is idempotent and never throws. */
export interface BenchDatabase {
  dialect: Dialect;
  dataDir: string;
  databaseUrl: string | undefined;
  /** The server's version string (PostgreSQL) or the driver's (SQLite), for the report. */
  version: string;
  /** Whether the query planner has statistics on `objects` yet (they decide which index a list uses). */
  plannerStats(): Promise<string>;
  /** PostgreSQL: ANALYZE the database (what autovacuum's autoanalyze does on its own when it is on). */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** undefined when PostgreSQL answers; otherwise why not. */
export async function pgUnreachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** BENCH_KEEP=1: the run's database stays (for EXPLAIN and profiling by hand); remove it yourself. */
function keep(what: string): boolean {
  if (process.env.BENCH_KEEP !== '1') return false;
  process.stderr.write(`BENCH_KEEP=1: kept ${what}\n`);
  return true;
}

export async function createBenchDatabase(dialect: Dialect, sqliteVersion: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'flotilla-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    let dropped = false;
    return {
      dialect,
      dataDir,
      databaseUrl: undefined,
      version: `SQLite ${sqliteVersion}`,
      async plannerStats() {
        const db = new BetterSqlite3(path.join(dataDir, 'flotilla.sqlite'), { readonly: true });
        try {
          const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'`).get() !== undefined;
          if (!has) return 'no sqlite_stat1 table (ANALYZE / PRAGMA optimize never ran)';
          const n = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'objects'`).get() as { n: number }).n;
          return `sqlite_stat1 has ${n} rows for objects`;
        } finally {
          db.close();
        }
      },
      async analyze() {
        throw new Error('ANALYZE from another connection does not reach the server: SQLite loads statistics per connection');
      },
      async drop() {
        if (dropped) return;
        dropped = true;
        if (!keep(`data directory ${dataDir}`)) removeDir();
      },
    };
  }
  const name = `flotilla_bench_${randomBytes(6).toString('hex')}`;
  let version: string;
  try {
    version = await admin(async (c) => {
      await c.query(`CREATE DATABASE ${name}`);
      return String((await c.query('SHOW server_version')).rows[0]?.server_version ?? '?');
    });
  } catch (e) {
    removeDir();
    throw e;
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    version: `PostgreSQL ${version}`,
    async analyze() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        await c.query('ANALYZE');
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async plannerStats() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        const autovacuum = String((await c.query('SHOW autovacuum')).rows[0]?.autovacuum ?? '?');
        const r = await c.query(
          `SELECT n_live_tup, last_analyze, last_autoanalyze, autoanalyze_count FROM pg_stat_user_tables WHERE relname = 'objects'`,
        );
        const row = r.rows[0] as
          { n_live_tup: string; last_analyze: Date | null; last_autoanalyze: Date | null; autoanalyze_count: string } | undefined;
        if (!row) return `no statistics row for objects (autovacuum ${autovacuum})`;
        const at = (d: Date | null) => (d ? d.toISOString().slice(11, 19) + 'Z' : 'never');
        return `objects: ~${row.n_live_tup} live rows, last ANALYZE ${at(row.last_analyze)}, last autoanalyze ${at(row.last_autoanalyze)} (autovacuum ${autovacuum})`;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      removeDir();
      if (keep(`database ${name}`)) return;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch((e: Error) =>
        process.stderr.write(`could not drop database ${name}: ${e.message}\n`),
      );
    },
  };
}
