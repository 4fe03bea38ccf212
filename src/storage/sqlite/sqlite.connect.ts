import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ensurePrivateDir, ensurePrivateFiles } from '../../core/private-files.js';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { PlannerStatistics } from '../sql/statistics.js';
import type { Storage } from '../port.js';
import type { Database } from '../sql/schema.js';
import { SqlStorage } from '../sql/sql-storage.js';
import { LocalSignals } from '../sql/signals.js';
import { sqliteMigrations } from './sqlite.migrations.js';
import { sqliteOps } from './sqlite.ops.js';
import { MAIN_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './checkpointer.js';

/** Opens (creating if needed) the SQLite database file, applies migrations, returns the storage. */
export async function connectSqlite(file: string): Promise<Storage> {
  ensurePrivateDir(path.dirname(file));
  ensurePrivateFiles(file, ...[`${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)));
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -65536');
  raw.pragma('analysis_limit = 1000');
  raw.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
  migrate(raw);
  const stats = new PlannerStatistics(async () => void raw.exec('ANALYZE'));
  await stats.refresh();
  const checkpointer = new WalCheckpointer(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(raw, checkpointer) }) });
  // one connection, always open: what is worth watching is the size of the file and of its write-ahead log
  const fileBytes = () => [file, `${file}-wal`].reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  return new SqlStorage(db, sqliteOps, new LocalSignals(), stats, false, undefined, undefined, undefined, {
    latestSchema: sqliteMigrations.length,
    connections: () => ({ max: 1, total: raw.open ? 1 : 0, fileBytes: fileBytes() }),
    // the checkpointing thread closes its own connection (which may still write the log's files) before it exits
    stopped: () => checkpointer.exited(),
  });
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and queries repeat (the SQL text holds
 * only placeholders and validated type names), so compiled statements are kept in a bounded LRU.
 */
function cachingStatements(raw: BetterSqlite3.Database, checkpointer: WalCheckpointer, max = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      checkpointer.stop();
      raw.close();
    },
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = raw.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

function migrate(raw: BetterSqlite3.Database): void {
  raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)');
  const done = new Set(
    (raw.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  sqliteMigrations.forEach((statements, i) => {
    const version = i + 1;
    if (done.has(version)) return;
    raw.transaction(() => {
      for (const s of statements) raw.exec(s);
      raw.prepare('INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)').run(version, Date.now());
    })();
  });
}
