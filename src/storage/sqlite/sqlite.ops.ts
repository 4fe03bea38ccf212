import { sql } from 'kysely';
import type { DialectOps } from '../sql/dialect-ops.js';

const jsonPath = (path: string[]) => '$' + path.map((p) => `."${p}"`).join('');

export const sqliteOps: DialectOps = {
  name: 'sqlite',
  dataText: sql<string>`objects.data`,
  jsonParam: (json) => sql`${json}`,
  value: (path) => sql`json_extract(objects.data, ${sql.lit(jsonPath(path))})`,
  text: (path) => sql<string>`json_extract(objects.data, ${sql.lit(jsonPath(path))})`,
  scalar: (v) => (typeof v === 'boolean' ? sql`${v ? 1 : 0}` : sql`${v}`),
  ilike: (expr, pattern) => sql<boolean>`${expr} LIKE ${pattern} ESCAPE '\\'`,
  isEmpty: (path) => {
    const p = sql.lit(jsonPath(path));
    return sql<boolean>`(json_extract(objects.data, ${p}) IS NULL OR json_extract(objects.data, ${p}) = '' OR (json_type(objects.data, ${p}) = 'array' AND json_array_length(objects.data, ${p}) = 0))`;
  },
  // json_each over a missing path yields no rows; over a scalar it yields the scalar itself, which is harmless here
  someElement: (path, cond) =>
    sql<boolean>`EXISTS (SELECT 1 FROM json_each(objects.data, ${sql.lit(jsonPath(path))}) AS el WHERE ${cond})`,
  // el.fullkey addresses the element inside objects.data, so sub-paths never parse a scalar element as JSON
  elementValue: (sub) =>
    sub.length === 0 ? sql`el.value` : sql`json_extract(objects.data, el.fullkey || ${sql.lit(jsonPath(sub).slice(1))})`,
  elementText: (sub) =>
    sub.length === 0
      ? sql<string>`el.value`
      : sql<string>`json_extract(objects.data, el.fullkey || ${sql.lit(jsonPath(sub).slice(1))})`,
  forceIndex: (indexName) => `INDEXED BY "${indexName}"`,
  // a violated ON DELETE RESTRICT is reported as a trigger constraint, with the same message
  skipLocked: '',
  relaxedCommit: null,
  forUpdate: '',
  // one connection runs one transaction at a time: transactions never collide
  isTransientConflict: () => false,
  isForeignKeyViolation: (e) => {
    const err = e as { code?: unknown; message?: unknown } | null;
    return (
      err?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
      (err?.code === 'SQLITE_CONSTRAINT_TRIGGER' && err.message === 'FOREIGN KEY constraint failed')
    );
  },
  fieldIndexDdl: (indexName, type, field) =>
    `CREATE INDEX IF NOT EXISTS "${indexName}" ON objects (json_extract(data, '${jsonPath([field])}'), seq) WHERE type = '${type}' AND deleted_ms IS NULL`,
  // no index serves substring filters (no textIndexDdl), so there is no index read of every match to avoid
  walksSubstringPages: false,
  isIn: (column, values) => sql<boolean>`${sql.ref(column)} IN (${sql.join(values)})`,
  insertRowsSql: (verb, table, columns, rows, tail) => {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    return `${verb} INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES ${Array<string>(rows).fill(tuple).join(', ')}${tail === '' ? '' : ` ${tail}`}`;
  },
  rowsSource: (columns, rows, alias) => {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const named = columns.map((c, i) => `column${i + 1} AS ${c.name}`).join(', ');
    return `(SELECT ${named} FROM (VALUES ${Array<string>(rows).fill(tuple).join(', ')})) AS ${alias}`;
  },
  insertRowsParams: (rows) => {
    const out: unknown[] = [];
    for (const row of rows) for (const v of row) out.push(v);
    return out;
  },
};
