import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { PG_ADMIN_URL } from './global-setup.js';

export type DialectName = 'sqlite' | 'postgres';

/** A fresh, empty database for one suite: a new SQLite file or a new PostgreSQL database. */
export interface TestDatabase {
  dialect: DialectName;
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export function dialectsUnderTest(): DialectName[] {
  return inject('pgAvailable') ? ['sqlite', 'postgres'] : ['sqlite'];
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'flotilla-test-'));
  if (dialect === 'sqlite') {
    return { dialect, dataDir, databaseUrl: undefined, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `flotilla_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Everything the database holds, as text: the SQLite files (database and write-ahead log) byte for byte, or every
 * row of every PostgreSQL table. For tests that prove what a stolen database would not reveal.
 */
export async function dumpDatabase(db: TestDatabase): Promise<string> {
  const { readdirSync, readFileSync } = await import('node:fs');
  if (!db.databaseUrl) {
    return readdirSync(db.dataDir)
      .filter((f) => f.startsWith('flotilla.sqlite'))
      .map((f) => readFileSync(path.join(db.dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  try {
    const tables = (
      await c.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      )
    ).rows;
    const out: string[] = [];
    for (const { table_name } of tables) {
      const r = await c.query(`SELECT coalesce(json_agg(t)::text, '[]') AS rows FROM "${table_name}" t`);
      out.push(`${table_name}: ${r.rows[0].rows}`);
    }
    return out.join('\n');
  } finally {
    await c.end();
  }
}
