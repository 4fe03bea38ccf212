import { sql, type RawBuilder } from 'kysely';
import type { FilterNode, Scalar } from '../filter-node.js';
import type { DialectOps } from './dialect-ops.js';

const COLUMNS = {
  created: 'created_ms',
  updated: 'updated_ms',
  deleted: 'deleted_ms',
  id: 'id',
  title: 'title',
  version: 'version',
} as const;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

function likePattern(op: string, v: Scalar): string {
  const s = escapeLike(String(v));
  return op === 'startsWith' ? `${s}%` : op === 'endsWith' ? `%${s}` : `%${s}%`;
}

const CMP: Record<string, string> = {
  lessThan: '<',
  lessThanOrEqual: '<=',
  greaterThan: '>',
  greaterThanOrEqual: '>=',
};

type Expr = RawBuilder<unknown>;

/** One comparison of `value`/`text` expressions against a filter; shared by plain and per-element targets. */
function compare(ops: DialectOps, f: FilterNode, value: Expr, text: Expr, bind: (v: Scalar) => Expr): RawBuilder<boolean> {
  const list = Array.isArray(f.value) ? f.value : f.value === null ? [] : [f.value];
  switch (f.op) {
    case 'equals':
    case 'includes':
    case 'overlaps':
      if (list.length === 0) return sql<boolean>`1 = 0`;
      return sql<boolean>`${value} IN (${sql.join(list.map(bind))})`;
    case 'notEqual':
      if (list.length === 0) return sql<boolean>`1 = 1`;
      return sql<boolean>`(${value} IS NULL OR ${value} NOT IN (${sql.join(list.map(bind))}))`;
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return ops.ilike(text, likePattern(f.op, list[0] ?? ''));
    case 'notContains':
      return sql<boolean>`(${text} IS NULL OR NOT ${ops.ilike(text, likePattern('contains', list[0] ?? ''))})`;
    case 'inRange':
      return sql<boolean>`(${value} >= ${bind(f.value as Scalar)} AND ${value} <= ${bind(f.value2 as Scalar)})`;
    default: {
      const op = CMP[f.op];
      if (!op || list.length === 0) return sql<boolean>`1 = 0`;
      return sql<boolean>`${value} ${sql.raw(op)} ${bind(list[0])}`;
    }
  }
}

/** Compiles parsed filters into one SQL condition (every value bound as a parameter). */
export function whereFilters(ops: DialectOps, filters: FilterNode[]): RawBuilder<boolean> | undefined {
  if (filters.length === 0) return undefined;
  return sql<boolean>`(${sql.join(
    filters.map((f) => one(ops, f)),
    sql` AND `,
  )})`;
}

function one(ops: DialectOps, f: FilterNode): RawBuilder<boolean> {
  const t = f.target;
  if (t.kind === 'column') {
    const col = sql.ref(`objects.${COLUMNS[t.column]}`);
    // only the text columns can hold '': PostgreSQL refuses to compare a number column with it
    const textual = t.column === 'id' || t.column === 'title';
    if (f.op === 'empty') return textual ? sql<boolean>`(${col} IS NULL OR ${col} = '')` : sql<boolean>`${col} IS NULL`;
    if (f.op === 'notEmpty')
      return textual ? sql<boolean>`(${col} IS NOT NULL AND ${col} <> '')` : sql<boolean>`${col} IS NOT NULL`;
    const text = textual ? col : sql`CAST(${col} AS TEXT)`;
    return compare(ops, f, col, text, (v) => sql`${v}`);
  }
  if (t.kind === 'data') {
    if (f.op === 'empty') return ops.isEmpty(t.path);
    if (f.op === 'notEmpty') return sql<boolean>`NOT ${ops.isEmpty(t.path)}`;
    return compare(ops, f, ops.value(t.path), ops.text(t.path), ops.scalar);
  }
  // some element of an array
  if (f.op === 'empty') return ops.isEmpty(t.path);
  if (f.op === 'notEmpty') return sql<boolean>`NOT ${ops.isEmpty(t.path)}`;
  const negate = f.op === 'notEqual' || f.op === 'notContains';
  const positive: FilterNode = negate ? { ...f, op: f.op === 'notEqual' ? 'equals' : 'contains' } : f;
  const cond = compare(ops, positive, ops.elementValue(t.sub), ops.elementText(t.sub), ops.scalar);
  const exists = ops.someElement(t.path, cond);
  return negate ? sql<boolean>`NOT ${exists}` : exists;
}
