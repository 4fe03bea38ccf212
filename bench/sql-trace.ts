import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/** Time spent in one SQL text during a traced window, and how the database plans it. */
export interface SqlStat {
  sql: string;
  calls: number;
  totalMs: number;
  /** The parameters of the last call, to EXPLAIN it as it ran. */
  params: unknown[];
  plan?: string[];
}

type Fn = (...args: unknown[]) => unknown;
/** better-sqlite3's statement methods that run SQL (the types declare them per overload; we only wrap them). */
type Runnable = Record<'all' | 'get' | 'run' | 'iterate', Fn> & { source: string };

/**
 * Times every SQL statement the server runs until the returned function is called (which restores the drivers).
 * SQLite: wraps the methods of better-sqlite3's Statement prototype, so statements the server prepared (and cached)
 * before the trace began are timed too. PostgreSQL: wraps `pg.Client#query` (the time includes waiting for a
 * pooled connection's answer, i.e. the database's work).
 */
export function startSqlTrace(): () => SqlStat[] {
  const stats = new Map<string, SqlStat>();
  const record = (sql: string, params: unknown[], ms: number) => {
    const s = stats.get(sql) ?? { sql, calls: 0, totalMs: 0, params };
    s.calls++;
    s.totalMs += ms;
    s.params = params;
    stats.set(sql, s);
  };

  // every statement shares one prototype: take it from a throw-away statement
  const mem = new BetterSqlite3(':memory:');
  const stmtProto = Object.getPrototypeOf(mem.prepare('SELECT 1')) as Runnable;
  mem.close();
  const methods = ['all', 'get', 'run', 'iterate'] as const;
  const originals = Object.fromEntries(methods.map((m) => [m, stmtProto[m]])) as Record<(typeof methods)[number], Fn>;
  for (const m of methods) {
    const f = originals[m];
    stmtProto[m] = function (this: Runnable, ...args: unknown[]) {
      const t = performance.now();
      try {
        return f.apply(this, args);
      } finally {
        record(this.source, args.flat(), performance.now() - t);
      }
    };
  }

  const clientProto = pg.Client.prototype as unknown as { query: Fn };
  const query = clientProto.query;
  clientProto.query = function (this: unknown, ...args: unknown[]) {
    const out = query.apply(this, args);
    // Kysely's `query(text, values)`, or the `{ name, text, values }` of a prepared statement (postgres/prepared.ts)
    const [first, second] = args;
    const config = first && typeof first === 'object' ? (first as { text?: unknown; values?: unknown }) : undefined;
    const text = config ? config.text : first;
    const params = config ? config.values : second;
    if (typeof text !== 'string' || !(out instanceof Promise)) return out;
    const t = performance.now();
    const done = () => record(text, Array.isArray(params) ? params : [], performance.now() - t);
    out.then(done, done);
    return out;
  };

  return () => {
    for (const m of methods) stmtProto[m] = originals[m];
    clientProto.query = query;
    return [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  };
}

/** Adds the database's plan to the `top` most expensive statements (a read-only connection of its own). */
export async function explainStats(
  stats: SqlStat[],
  where: { dataDir: string; databaseUrl: string | undefined },
  top = 5,
): Promise<void> {
  const selects = stats.filter((s) => /^\s*(select|with)\b/i.test(s.sql)).slice(0, top);
  if (where.databaseUrl) {
    const c = new pg.Client({ connectionString: where.databaseUrl });
    await c.connect();
    try {
      for (const s of selects) {
        const r = await c.query(`EXPLAIN ${s.sql}`, s.params);
        s.plan = r.rows.map((row: Record<string, string>) => row['QUERY PLAN']);
      }
    } finally {
      await c.end();
    }
    return;
  }
  const db = new BetterSqlite3(path.join(where.dataDir, 'flotilla.sqlite'), { readonly: true });
  try {
    for (const s of selects) {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[];
      s.plan = rows.map((r) => r.detail);
    }
  } finally {
    db.close();
  }
}
