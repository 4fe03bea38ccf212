import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MissingTypeError, TypeInUseError, type Storage } from '../../src/storage/port.js';
import { connectPostgres } from '../../src/storage/postgres/postgres.connect.js';
import { postgresMigrations } from '../../src/storage/postgres/postgres.migrations.js';
import { connectSqlite } from '../../src/storage/sqlite/sqlite.connect.js';
import { sqliteMigrations } from '../../src/storage/sqlite/sqlite.migrations.js';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../support/databases.js';

/**
 * A database written before key_rules existed (migrations 1–3) holds keys whose rules live only in JSON, some of
 * them on a type deleted meanwhile (what finding 3's race left behind). Migration 4 must carry the rules into the
 * table the database enforces and drop the orphans, so a re-created type is not readable by them.
 */
const BEFORE = 3;
const rule = (ctdName: string) => ({ ctdName, canRead: true, canCreate: false, canUpdate: false, canDelete: false });
const keys = [
  { id: 'k-both', name: 'Both', rules: [rule('post'), rule('gone')] },
  { id: 'k-post', name: 'Post only', rules: [rule('post')] },
  { id: 'k-none', name: 'None', rules: [] },
  { id: 'k-upd', name: 'Updater', rules: [{ ...rule('post'), canUpdate: true }] },
];

async function seedOldSchema(db: TestDatabase): Promise<void> {
  const rows = (run: (q: string, p: unknown[]) => unknown) => {
    run('INSERT INTO content_types (name, definition, version, created_ms, updated_ms) VALUES (?, ?, 1, 1, 1)', ['post', '{}']);
    keys.forEach((k, i) =>
      run(
        'INSERT INTO api_keys (id, kind, name, hmac, secret_enc, rules, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [k.id, 'user-defined', k.name, `h${i}`, 'x', JSON.stringify(k.rules), i, i],
      ),
    );
  };
  if (!db.databaseUrl) {
    const raw = new BetterSqlite3(path.join(db.dataDir, 'flotilla.sqlite'));
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)');
    sqliteMigrations.slice(0, BEFORE).forEach((statements, i) => {
      for (const s of statements) raw.exec(s);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(i + 1);
    });
    rows((q, p) => raw.prepare(q).run(...p));
    raw.close();
    return;
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  const queue: [string, unknown[]][] = [];
  await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)');
  for (const [i, statements] of postgresMigrations.slice(0, BEFORE).entries()) {
    for (const s of statements) await c.query(s);
    await c.query('INSERT INTO schema_migrations VALUES ($1, 0)', [i + 1]);
  }
  rows((q, p) =>
    queue.push([
      q.replace(
        /\?/g,
        (
          (n) => () =>
            `$${++n}`
        )(0),
      ),
      p,
    ]),
  );
  for (const [q, p] of queue) await c.query(q, p);
  await c.end();
}

describe.each(dialectsUnderTest())('migration of key rules into key_rules on %s', (dialect) => {
  it('keeps the rules on existing types, drops the orphans, and the database then guards them', async () => {
    const db = await createTestDatabase(dialect);
    let storage: Storage | undefined;
    try {
      await seedOldSchema(db);
      storage = db.databaseUrl
        ? await connectPostgres(db.databaseUrl)
        : await connectSqlite(path.join(db.dataDir, 'flotilla.sqlite'));
      const rulesOf = async (id: string) => JSON.parse((await storage!.getKey(id))!.rules) as { ctdName: string }[];
      // migration 6 then gives every rule the Draft & Public grants: publish where update was granted, no preview
      const migrated = { ...rule('post'), canPublish: false, canPreview: false };
      expect(await rulesOf('k-both')).toEqual([migrated]);
      expect(await rulesOf('k-post')).toEqual([migrated]);
      expect(await rulesOf('k-upd')).toEqual([{ ...rule('post'), canUpdate: true, canPublish: true, canPreview: false }]);
      expect(await rulesOf('k-none')).toEqual([]);
      expect(await storage.keyNamesReferencingType('post')).toEqual(['Both', 'Post only', 'Updater']);
      expect(await storage.keyNamesReferencingType('gone')).toEqual([]);
      await expect(storage.deleteType('post')).rejects.toBeInstanceOf(TypeInUseError);
      // a rule on a type that is not stored is refused by the database, and the key is left as it was
      await expect(
        storage.updateKey('k-none', { name: 'Renamed', rules: JSON.stringify([rule('gone')]), updatedMs: 9 }),
      ).rejects.toBeInstanceOf(MissingTypeError);
      expect(await rulesOf('k-none')).toEqual([]);
      expect((await storage.getKey('k-none'))!.name).toBe('None');
      // removing the keys removes their rule rows with them; then the type may go
      await storage.deleteKey('k-both');
      await storage.deleteKey('k-post');
      await storage.deleteKey('k-upd');
      await storage.deleteType('post');
      expect(await storage.getType('post')).toBeUndefined();
    } finally {
      await storage?.close();
      await db.drop();
    }
  });
});
