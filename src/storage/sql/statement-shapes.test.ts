import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { param, StatementShapes } from './statement-shapes.js';

interface Db {
  t: { a: string; b: number };
}

const raw = new BetterSqlite3(':memory:');
raw.exec(`CREATE TABLE t (a TEXT, b INTEGER); INSERT INTO t VALUES ('x', 1), ('y', 2), ('z', 3)`);
const sent: string[] = [];
const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: raw }), log: (e) => void sent.push(e.query.sql) });
afterAll(() => db.destroy());

it('builds a shape once and runs its SQL again with each call’s values in the stand-ins’ places', async () => {
  const shapes = new StatementShapes();
  let built = 0;
  const query = (values: Record<string, unknown>) =>
    shapes.rows<{ a: string }, Db>(
      db,
      'two',
      () => {
        built++;
        return db.selectFrom('t').select('a').where('b', '>', param<number>('min')).where('a', '<>', param('not')).orderBy('b');
      },
      values,
    );
  expect(await query({ min: 1, not: 'z' })).toEqual([{ a: 'y' }]);
  expect(await query({ not: 'y', min: 0 })).toEqual([{ a: 'x' }, { a: 'z' }]);
  expect(built).toBe(1);
  expect(new Set(sent).size).toBe(1);
  await expect(query({ min: 1 })).rejects.toThrow(/no value for not/);
});
