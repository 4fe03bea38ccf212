import { sql } from 'kysely';
import type { DialectOps } from '../sql/dialect-ops.js';

const arrow = (base: string, path: string[]) => base + path.map((p) => `->'${p}'`).join('');
const arrowText = (base: string, path: string[]) =>
  base + path.map((p, i) => (i === path.length - 1 ? `->>'${p}'` : `->'${p}'`)).join('');

export const postgresOps: DialectOps = {
  name: 'postgres',
  dataText: sql<string>`objects.data::text`,
  jsonParam: (json) => sql`CAST(${json} AS jsonb)`,
  // jsonb compares numbers numerically and strings by collation, which matches SQLite's json_extract ordering
  value: (path) => sql.raw(`(${arrow('objects.data', path)})`),
  text: (path) => sql.raw<string>(`(${arrowText('objects.data', path)})`),
  scalar: (v) =>
    typeof v === 'number'
      ? sql`to_jsonb(CAST(${v} AS numeric))`
      : typeof v === 'boolean'
        ? sql`to_jsonb(CAST(${v} AS boolean))`
        : sql`to_jsonb(CAST(${v} AS text))`,
  ilike: (expr, pattern) => sql<boolean>`${expr} ILIKE ${pattern} ESCAPE '\\'`,
  isEmpty: (path) => {
    const v = arrow('objects.data', path);
    return sql.raw<boolean>(`(${v} IS NULL OR ${v} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb))`);
  },
  someElement: (path, cond) => {
    const v = arrow('objects.data', path);
    return sql<boolean>`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${sql.raw(v)}) = 'array' THEN ${sql.raw(v)} ELSE '[]'::jsonb END) AS el(v) WHERE ${cond})`;
  },
  elementValue: (sub) => sql.raw(`(${arrow('el.v', sub)})`),
  elementText: (sub) => sql.raw<string>(sub.length === 0 ? `(el.v #>> '{}')` : `(${arrowText('el.v', sub)})`),
  fieldIndexDdl: (indexName, type, field) =>
    `CREATE INDEX IF NOT EXISTS "${indexName}" ON objects ((data->'${field}'), seq) WHERE type = '${type}' AND deleted_ms IS NULL`,
  forceIndex: () => '',
  skipLocked: ' FOR UPDATE SKIP LOCKED',
  relaxedCommit: 'SET LOCAL synchronous_commit = off',
  forUpdate: ' FOR UPDATE',
  // deadlock_detected, serialization_failure
  isTransientConflict: (e) => ['40P01', '40001'].includes(String((e as { code?: unknown } | null)?.code)),
  isForeignKeyViolation: (e) => (e as { code?: unknown } | null)?.code === '23503',
  isIn: (column, values, type) => sql<boolean>`${sql.ref(column)} = ANY(CAST(${values} AS ${sql.raw(type)}[]))`,
  insertRowsSql: (verb, table, columns, _rows, tail) => {
    const names = columns.map((c) => c.name).join(', ');
    // jsonb travels as text: an array literal of jsonb would need its documents escaped twice
    const values = columns.map((c) => (c.type === 'jsonb' ? `CAST(u.${c.name} AS jsonb)` : `u.${c.name}`)).join(', ');
    const arrays = columns.map((c, i) => `CAST($${i + 1} AS ${c.type === 'jsonb' ? 'text' : c.type}[])`).join(', ');
    return `${verb} INTO ${table} (${names}) SELECT ${values} FROM unnest(${arrays}) AS u(${names})${tail === '' ? '' : ` ${tail}`}`;
  },
  rowsSource: (columns, _rows, alias) => {
    const arrays = columns.map((c, i) => `CAST($${i + 1} AS ${c.type === 'jsonb' ? 'text' : c.type}[])`).join(', ');
    return `unnest(${arrays}) AS ${alias}(${columns.map((c) => c.name).join(', ')})`;
  },
  insertRowsParams: (rows) => (rows.length === 0 ? [] : rows[0].map((_, i) => rows.map((r) => r[i]))),
  // the trigram index finds every match of a substring filter: a page walks the type in order first (sql-storage)
  walksSubstringPages: true,
  // ILIKE '%term%' on (data->>'field') is served by a trigram GIN index of the same expression
  textIndexDdl: (indexName, type, field) =>
    `CREATE INDEX IF NOT EXISTS "${indexName}" ON objects USING gin ((data->>'${field}') gin_trgm_ops) WHERE type = '${type}' AND deleted_ms IS NULL`,
};
