import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresOps } from '../postgres/postgres.ops.js';
import { preparable } from '../postgres/prepared.js';
import { sqliteOps } from '../sqlite/sqlite.ops.js';
import type { InsertColumn } from './row-insert.js';
import type { Database } from './schema.js';

// compiling needs no connection
const pgDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: {} as never }) });
const sqliteDb = new Kysely<Database>({ dialect: new SqliteDialect({ database: {} as never }) });

const columns: InsertColumn[] = [
  { name: 'type', type: 'text' },
  { name: 'data', type: 'jsonb' },
  { name: 'created_ms', type: 'bigint' },
];
const rows = [
  ['post', '{"a":1}', 5],
  ['post', '{"a":2}', null],
];

describe('bulk statements per dialect', () => {
  it('SQLite: one VALUES tuple per row, the rows’ values in order', () => {
    expect(sqliteOps.insertRowsSql('INSERT', 'objects', columns, 2, 'RETURNING seq')).toBe(
      'INSERT INTO objects (type, data, created_ms) VALUES (?, ?, ?), (?, ?, ?) RETURNING seq',
    );
    expect(sqliteOps.insertRowsParams(rows)).toEqual(['post', '{"a":1}', 5, 'post', '{"a":2}', null]);
  });

  it('PostgreSQL: one array per column through unnest(), the same text for any number of rows (so it is prepared)', () => {
    const text = postgresOps.insertRowsSql('INSERT', 'objects', columns, 2, 'RETURNING seq');
    expect(text).toBe(
      'INSERT INTO objects (type, data, created_ms) SELECT u.type, CAST(u.data AS jsonb), u.created_ms ' +
        'FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS bigint[])) AS u(type, data, created_ms) RETURNING seq',
    );
    expect(postgresOps.insertRowsSql('INSERT', 'objects', columns, 500, 'RETURNING seq')).toBe(text);
    expect(postgresOps.insertRowsParams(rows)).toEqual([
      ['post', 'post'],
      ['{"a":1}', '{"a":2}'],
      [5, null],
    ]);
    expect(preparable(text)).toBe(true);
  });

  it('rows as a FROM item with named columns: VALUES tuples on SQLite, one fixed unnest() text on PostgreSQL', () => {
    const cols: InsertColumn[] = [
      { name: 'id', type: 'bigint' },
      { name: 'status', type: 'text' },
    ];
    expect(sqliteOps.rowsSource(cols, 2, 'o')).toBe(
      '(SELECT column1 AS id, column2 AS status FROM (VALUES (?, ?), (?, ?))) AS o',
    );
    const text = postgresOps.rowsSource(cols, 2, 'o');
    expect(text).toBe('unnest(CAST($1 AS bigint[]), CAST($2 AS text[])) AS o(id, status)');
    expect(postgresOps.rowsSource(cols, 300, 'o')).toBe(text);
    expect(preparable(`UPDATE t SET status = o.status FROM ${text} WHERE t.id = o.id`)).toBe(true);
  });

  it('a list of values: IN (…) on SQLite, one array parameter on PostgreSQL (prepared whatever its length)', () => {
    const q = (db: Kysely<Database>, ops: typeof sqliteOps, keys: string[]) =>
      db
        .selectFrom('objects')
        .select('seq')
        .where('type', '=', 'post')
        .where(ops.isIn('id_key', keys, 'text'))
        .compile();
    expect(q(sqliteDb, sqliteOps, ['a', 'b']).sql).toBe('select "seq" from "objects" where "type" = ? and "id_key" IN (?, ?)');
    const two = q(pgDb, postgresOps, ['a', 'b']);
    expect(two.sql).toBe('select "seq" from "objects" where "type" = $1 and "id_key" = ANY(CAST($2 AS text[]))');
    expect(two.parameters).toEqual(['post', ['a', 'b']]);
    expect(q(pgDb, postgresOps, ['a', 'b', 'c']).sql).toBe(two.sql);
    expect(preparable(two.sql)).toBe(true);
    expect(sql`${postgresOps.isIn('seq', [1, 2], 'bigint')}`.compile(pgDb).sql).toBe('"seq" = ANY(CAST($1 AS bigint[]))');
  });
});
