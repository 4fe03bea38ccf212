import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { preparable, prepareStatements, PREPARED_PER_CONNECTION } from './prepared.js';

describe('which statements are prepared', () => {
  it('parameterised shapes, not IN lists (their text changes with their length) nor statements without parameters', () => {
    expect(preparable('select * from "objects" where "type" = $1 and "id_key" = $2')).toBe(true);
    expect(preparable('select * from "objects" where "type" = $1 and "id_key" in ($2, $3)')).toBe(false);
    expect(preparable('begin')).toBe(false);
    expect(preparable(`select $1 ${'x'.repeat(20_000)}`)).toBe(false);
  });
});

describe.skipIf(!inject('pgAvailable'))('prepared statements on a real PostgreSQL connection', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    pool = new pg.Pool({ connectionString: db.databaseUrl, max: 1 });
    prepareStatements(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const preparedOn = async (c: pg.PoolClient) =>
    (await c.query('SELECT statement FROM pg_prepared_statements')).rows.map((r: { statement: string }) => r.statement);

  it('prepares a shape once per connection and reuses it; answers stay right', async () => {
    const c = await pool.connect();
    try {
      const text = 'SELECT $1::int + $2::int AS n';
      expect((await c.query(text, [1, 2])).rows).toEqual([{ n: 3 }]);
      expect((await c.query(text, [40, 2])).rows).toEqual([{ n: 42 }]);
      expect(await preparedOn(c)).toEqual([text]);
      await c.query('SELECT $1::int IN (1, 2) AS a WHERE $1::int in (1, 2, 3)', [1]);
      expect(await preparedOn(c)).toEqual([text]);
    } finally {
      c.release();
    }
  });

  it(`keeps at most ${PREPARED_PER_CONNECTION} per connection; the others still run, unprepared`, async () => {
    const c = await pool.connect();
    try {
      for (let i = 0; i < PREPARED_PER_CONNECTION + 50; i++)
        expect((await c.query(`SELECT $1::int + ${i} AS n`, [1])).rows).toEqual([{ n: i + 1 }]);
      expect(await preparedOn(c)).toHaveLength(PREPARED_PER_CONNECTION);
    } finally {
      c.release();
    }
  });
});
