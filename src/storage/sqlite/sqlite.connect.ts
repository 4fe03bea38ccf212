import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Storage } from '../port.js';
import type { Database } from '../sql/schema.js';
import { SqlStorage } from '../sql/sql-storage.js';
import { LocalSignals } from '../sql/signals.js';
import { sqliteMigrations } from './sqlite.migrations.js';
import { sqliteOps } from './sqlite.ops.js';

/** Opens (creating if needed) the SQLite database file, applies migrations, returns the storage. */
export async function connectSqlite(file: string): Promise<Storage> {
  mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -65536');
  migrate(raw);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return new SqlStorage(db, sqliteOps, new LocalSignals());
}

function migrate(raw: BetterSqlite3.Database): void {
  raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)');
  const done = new Set((raw.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  sqliteMigrations.forEach((statements, i) => {
    const version = i + 1;
    if (done.has(version)) return;
    raw.transaction(() => {
      for (const s of statements) raw.exec(s);
      raw.prepare('INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)').run(version, Date.now());
    })();
  });
}
