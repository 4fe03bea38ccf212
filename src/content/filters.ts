import { errors } from '../core/errors.js';
import { ownProperty } from '../core/own-property.js';
import { parseClientDate } from '../core/time.js';
import type { FieldInfo } from '../content-types/content-type.js';
import {
  FILTER_OPS,
  type FilterNode,
  type FilterOp,
  type FilterTarget,
  type InternalColumn,
  type Scalar,
} from '../storage/filter-node.js';

export { FILTER_OPS, type FilterNode, type FilterOp, type FilterTarget, type InternalColumn, type Scalar };

const INTERNAL_PATHS: Record<string, InternalColumn> = {
  'internal.createdAt': 'created',
  'internal.created_at': 'created',
  'internal.updatedAt': 'updated',
  'internal.updated_at': 'updated',
  'internal.deletedAt': 'deleted',
  'internal.deleted_at': 'deleted',
  'internal.objectTitle': 'title',
  'internal.latestVersion': 'version',
  id: 'id',
};

const SEGMENT = /^[A-Za-z0-9_]+$/;

/** Splits `a.b`, `list[*].x`, `categories[*].dataUrl` into a target; undefined when the path is not well formed. */
export function parsePath(raw: string): FilterTarget | undefined {
  const column = ownProperty(INTERNAL_PATHS, raw);
  if (column) return { kind: 'column', column };
  const star = raw.indexOf('[*]');
  if (star >= 0) {
    const head = raw.slice(0, star).split('.');
    const rest = raw.slice(star + 3);
    if (rest !== '' && !rest.startsWith('.')) return undefined;
    const sub = rest === '' ? [] : rest.slice(1).split('.');
    if (![...head, ...sub].every((s) => SEGMENT.test(s))) return undefined;
    return { kind: 'array', path: head, sub };
  }
  const path = raw.split('.');
  return path.every((s) => SEGMENT.test(s)) ? { kind: 'data', path } : undefined;
}

type ValueKind = 'number' | 'integer' | 'boolean' | 'date' | 'text' | 'auto';

/** The range of a JavaScript Date in ms: anything beyond is no date, and would overflow a BIGINT column. */
const MAX_DATE_MS = 8.64e15;

function kindOf(target: FilterTarget, fields: Map<string, FieldInfo>): ValueKind {
  if (target.kind === 'column') {
    return target.column === 'id' || target.column === 'title' ? 'text' : target.column === 'version' ? 'integer' : 'date';
  }
  if (target.kind === 'array' && target.sub.length > 0) return 'auto';
  const field = fields.get(target.path[0]);
  if (!field || target.path.length > 1) return 'auto';
  switch (field.inputType) {
    case 'number':
      return 'number';
    case 'checkbox':
      return 'boolean';
    case 'custom':
      return 'auto';
    default:
      return 'text';
  }
}

function coerce(v: unknown, kind: ValueKind, path: string): Scalar | null {
  const bad = () => errors.validation({ filters: [`Invalid filter value for ${path}`] });
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') throw bad();
  // no stored text holds U+0000 (PostgreSQL cannot store it), and PostgreSQL refuses it as a parameter
  if (typeof v === 'string' && v.includes('\u0000')) throw bad();
  switch (kind) {
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'integer': {
      // an INTEGER column cannot be compared with 1.5 or 2^31 (PostgreSQL refuses the parameter)
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isInteger(n) || Math.abs(n) > 2_147_483_647) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1' || v === 1) return true;
      if (v === 'false' || v === '0' || v === 0) return false;
      throw bad();
    case 'date': {
      const ms = typeof v === 'number' ? v : parseClientDate(String(v));
      if (!(Math.abs(ms) <= MAX_DATE_MS)) throw errors.validation({ filters: [`Invalid date for ${path}: ${String(v)}`] });
      return Math.round(ms);
    }
    case 'text':
      return String(v);
    default:
      return v as Scalar;
  }
}

const TEXT_ONLY: FilterOp[] = ['contains', 'notContains', 'startsWith', 'endsWith'];

/**
 * Parses Flotiq's `filters` query parameter (a JSON object of `{path: {type, filter, filter2}}`) into FilterNodes,
 * coercing values by the CTD's field types so that numbers compare as numbers and dates as dates.
 */
export function parseFilters(raw: string | undefined, fields: readonly FieldInfo[]): FilterNode[] {
  if (raw === undefined || raw === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw errors.validation({ filters: ['Malformed filters json - Syntax error'] });
  }
  if (Array.isArray(json) && json.length === 0) return [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw errors.validation({ filters: ['Malformed filters json - filters must be an object'] });
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: FilterNode[] = [];
  for (const [path, spec] of Object.entries(json as Record<string, unknown>)) {
    out.push(parseOne(path, spec, byName));
  }
  return out;
}

function parseOne(path: string, spec: unknown, byName: Map<string, FieldInfo>): FilterNode {
  let target = parsePath(path);
  if (!target) throw errors.validation({ filters: [`Invalid filter path: ${path}`] });
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    throw errors.validation({ filters: [`Filter for ${path} must be an object with "type" and "filter"`] });
  }
  const s = spec as { type?: unknown; filter?: unknown; filter2?: unknown };
  const opName = s.type === 'notEquals' ? 'notEqual' : s.type;
  if (typeof opName !== 'string' || !(FILTER_OPS as readonly string[]).includes(opName)) {
    throw errors.validation({
      filters: [`Unknown filter type ${JSON.stringify(s.type)} for ${path}. Allowed: ${FILTER_OPS.join(', ')}`],
    });
  }
  const op = opName as FilterOp;
  // an array-valued field used with includes/overlaps/contains means "some element"
  if (target.kind === 'data' && target.path.length === 1) {
    const f = byName.get(target.path[0]);
    const arrayish = f && (f.inputType === 'simpleList' || (f.inputType === 'select' && f.config.multiple));
    if (arrayish || op === 'includes' || op === 'overlaps') target = { kind: 'array', path: target.path, sub: [] };
  }
  let kind = kindOf(target, byName);
  if (TEXT_ONLY.includes(op)) kind = target.kind === 'column' && kind === 'date' ? 'date' : 'text';
  if (op === 'empty' || op === 'notEmpty') return { target, op, value: null };
  if (op === 'inRange') {
    return { target, op, value: coerce(s.filter, kind, path), value2: coerce(s.filter2, kind, path) };
  }
  if (Array.isArray(s.filter)) {
    if (!['equals', 'notEqual', 'overlaps', 'includes'].includes(op)) {
      throw errors.validation({ filters: [`Filter type ${op} for ${path} does not take a list`] });
    }
    const list = s.filter.map((v) => coerce(v, kind, path)).filter((v): v is Scalar => v !== null);
    return { target, op, value: list };
  }
  if (op === 'overlaps') return { target, op, value: [coerce(s.filter, kind, path)].filter((v): v is Scalar => v !== null) };
  return { target, op, value: coerce(s.filter, kind, path) };
}
