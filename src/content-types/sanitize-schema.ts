import { addFieldError, type FieldErrors } from '../core/errors.js';
import type { PropertySchema } from './content-type.js';

export const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] as const;
export const DATASOURCE_REF = '#/components/schemas/DataSource';
/** §2.3 dateTime values: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`, no timezone. */
export const DATE_TIME_PATTERN = '^([12]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))T?(([0-1]?[0-9]|2[0-3]):[0-5][0-9])?$';
/** Bounds that keep a hostile CTD from producing a huge or slow validator. */
export const MAX_PROPERTIES = 500;
export const MAX_PATTERN_LENGTH = 512;
const MAX_SCHEMA_DEPTH = 12;
/** Only formats ajv-formats checks with simple, linear-time code; others (e.g. UI hints) are dropped. */
const KNOWN_FORMATS = new Set(['date', 'date-time', 'time', 'email', 'uri', 'uuid', 'hostname', 'ipv4', 'ipv6']);
export const PROPERTY_NAME = /^[a-zA-Z0-9_]+$/;

export const SCHEMA_MSG = {
  invalid: 'This value is not valid.',
  badName: 'Invalid value. Only a-z, A-Z, 0-9 and _ are allowed',
  enumeration: (list: readonly string[]) => `Does not have a value in the enumeration ${JSON.stringify(list)}`,
  tooMany: `A content type can have at most ${MAX_PROPERTIES} properties`,
  tooDeep: 'Schema is nested too deeply',
};

/** Shared by one CTD's sanitization: the error map and the running property count. */
export interface SchemaContext {
  errors: FieldErrors;
  propertyCount: number;
}

type Raw = Record<string, unknown>;
export const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `null` counts as absent: exporters and panels send it for "not set". */
export const present = (v: unknown) => v !== undefined && v !== null;
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Passes `raw[key]` to `set` when it is well-formed; reports it through `bad` when present but malformed. */
export function takeValid<T>(
  raw: Raw,
  key: string,
  ok: (v: unknown) => v is T,
  set: (v: T) => void,
  bad: (key: string) => void,
): void {
  const v = raw[key];
  if (!present(v)) return;
  if (ok(v)) set(v);
  else bad(key);
}

/** Adds `n` properties to the CTD's total; reports once when the total passes MAX_PROPERTIES. */
export function countProperties(n: number, ctx: SchemaContext): void {
  const before = ctx.propertyCount;
  ctx.propertyCount += n;
  if (before <= MAX_PROPERTIES && ctx.propertyCount > MAX_PROPERTIES) {
    addFieldError(ctx.errors, 'schemaDefinition.properties', SCHEMA_MSG.tooMany);
  }
}

/**
 * Copies the whitelisted JSON-Schema keywords of a user's property schema. Everything else (`$ref` to anything
 * but DataSource, `if`, `$defs`, `not`, custom keywords …) is dropped, so the schema is safe to compile.
 */
export function sanitizeSchema(raw: Raw, path: string, depth: number, ctx: SchemaContext): PropertySchema {
  const { errors } = ctx;
  if (depth > MAX_SCHEMA_DEPTH) {
    addFieldError(errors, path, SCHEMA_MSG.tooDeep);
    return {};
  }
  const out: PropertySchema = {};
  const bad = (key: string, msg = SCHEMA_MSG.invalid) => addFieldError(errors, `${path}.${key}`, msg);
  if (present(raw.type)) {
    const t = raw.type;
    const ok = (x: unknown) => SCHEMA_TYPES.includes(x as (typeof SCHEMA_TYPES)[number]);
    if (typeof t === 'string' && ok(t)) out.type = t;
    else if (isStringArray(t) && t.length > 0 && t.every(ok)) out.type = [...new Set(t)];
    else bad('type', SCHEMA_MSG.enumeration(SCHEMA_TYPES));
  }
  const take = <T>(key: string, ok: (v: unknown) => v is T, set: (v: T) => void) => takeValid(raw, key, ok, set, bad);
  for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems'] as const) take(key, isCount, (v) => (out[key] = v));
  for (const key of ['minimum', 'maximum'] as const) take(key, isFiniteNumber, (v) => (out[key] = v));
  if (present(raw.pattern)) {
    const reason = typeof raw.pattern === 'string' ? unsafePatternReason(raw.pattern) : SCHEMA_MSG.invalid;
    if (reason) bad('pattern', reason);
    else out.pattern = raw.pattern as string;
  }
  take(
    'enum',
    (v): v is unknown[] => Array.isArray(v) && v.length > 0,
    (v) => (out.enum = v),
  );
  if (raw.default !== undefined) out.default = raw.default;
  if (typeof raw.format === 'string' && KNOWN_FORMATS.has(raw.format)) out.format = raw.format;
  if (typeof raw.description === 'string') out.description = raw.description;
  if (typeof raw.additionalProperties === 'boolean') out.additionalProperties = raw.additionalProperties;
  if (raw.$ref === DATASOURCE_REF) out.$ref = DATASOURCE_REF;
  if (isStringArray(raw.required)) out.required = [...new Set(raw.required)];
  if (isRecord(raw.items)) {
    out.items =
      raw.items.$ref === DATASOURCE_REF ? { $ref: DATASOURCE_REF } : sanitizeSchema(raw.items, `${path}.items`, depth + 1, ctx);
  }
  if (isRecord(raw.properties)) {
    const names = Object.keys(raw.properties);
    countProperties(names.length, ctx);
    out.properties = {};
    for (const name of names) {
      const sub = raw.properties[name];
      if (!PROPERTY_NAME.test(name) || name === '__proto__') bad('properties', SCHEMA_MSG.badName);
      else if (isRecord(sub)) out.properties[name] = sanitizeSchema(sub, `${path}.properties.${name}`, depth + 1, ctx);
      else bad(`properties.${name}`);
    }
  }
  return out;
}

/**
 * Why a user `pattern` is refused, or null. Ajv runs patterns with the backtracking JS RegExp engine (flag `u`),
 * so one exponential pattern would let a single object write pin a CPU. The heuristic errs on the side of refusing:
 *  1. a group repeated more than once (`*`, `+`, `{n,m}` with m > 1) must not contain an unbounded quantifier
 *     (`*`, `+`, `{n,}`): refuses `(a+)+`, `(a*)*`, `(\w+\s?)*`, also the harmless `([a-z]+-)*` (write `[a-z-]*`);
 *  2. a group repeated more than 10 times must not contain any variable quantifier: refuses `(a?){1,100}`;
 *  3. the alternatives of a repeated group must each start with a distinct literal character:
 *     refuses `(a|a)*`, `(a|ab)+`, `(\d|x)*`; allows `(foo|bar)*`.
 * Polynomial blow-ups such as `.*a.*a.*b` are not detected; bounded string lengths are the defence there.
 */
export function unsafePatternReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `Pattern must be at most ${MAX_PATTERN_LENGTH} characters long`;
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'Pattern is not a valid regular expression';
  }
  return hasCatastrophicRepetition(pattern)
    ? 'Pattern may cause catastrophic backtracking (nested quantifiers or overlapping alternatives in a repeated group)'
    : null;
}

interface Group {
  unbounded: boolean;
  variable: boolean;
  alternatives: string[];
  altStart: number;
}
interface Quantifier {
  min: number;
  max: number;
  length: number;
}

// The scanner may assume a well-formed pattern: it only runs after `new RegExp(pattern, 'u')` succeeded.
function hasCatastrophicRepetition(p: string): boolean {
  const stack: Group[] = [{ unbounded: false, variable: false, alternatives: [], altStart: 0 }];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    const current = stack[stack.length - 1];
    if (c === '(') {
      const start = groupBodyStart(p, i);
      stack.push({ unbounded: false, variable: false, alternatives: [], altStart: start });
      i = start;
      continue;
    }
    if (c === '|') {
      current.alternatives.push(p.slice(current.altStart, i));
      current.altStart = ++i;
      continue;
    }
    let closed: Group | null = null;
    let atomEnd = i + 1;
    if (c === '\\') atomEnd = skipEscape(p, i);
    else if (c === '[') atomEnd = skipClass(p, i);
    else if (c === ')') {
      closed = stack.pop() ?? null;
      closed?.alternatives.push(p.slice(closed.altStart, i));
    }
    const q = readQuantifier(p, atomEnd);
    const parent = stack[stack.length - 1];
    if (closed) {
      if (q && q.max > 1) {
        if (closed.unbounded || (q.max > 10 && closed.variable)) return true;
        if (closed.alternatives.length > 1 && !distinctLiteralStarts(closed.alternatives)) return true;
      }
      parent.unbounded ||= closed.unbounded;
      parent.variable ||= closed.variable;
    }
    if (q) {
      if (q.max === Infinity) parent.unbounded = true;
      if (q.min !== q.max) parent.variable = true;
    }
    i = atomEnd + (q ? q.length : 0);
  }
  return false;
}

function readQuantifier(p: string, i: number): Quantifier | null {
  let q: Quantifier | null = null;
  if (p[i] === '*') q = { min: 0, max: Infinity, length: 1 };
  else if (p[i] === '+') q = { min: 1, max: Infinity, length: 1 };
  else if (p[i] === '?') q = { min: 0, max: 1, length: 1 };
  else if (p[i] === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (m) {
      const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
      q = { min: Number(m[1]), max, length: m[0].length };
    }
  }
  if (q && p[i + q.length] === '?') q.length += 1; // lazy form
  return q;
}

function groupBodyStart(p: string, i: number): number {
  if (p[i + 1] !== '?') return i + 1;
  if (p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!') return p.indexOf('>', i) + 1; // named group
  return p[i + 2] === '<' ? i + 4 : i + 3; // (?: (?= (?! or (?<= (?<!
}

function skipEscape(p: string, i: number): number {
  const n = p[i + 1];
  if ((n === 'p' || n === 'P' || n === 'u') && p[i + 2] === '{') return p.indexOf('}', i) + 1;
  if (n === 'k' && p[i + 2] === '<') return p.indexOf('>', i) + 1;
  if (n === 'u') return i + 6;
  if (n === 'x') return i + 4;
  if (n === 'c') return i + 3;
  return i + 2;
}

function skipClass(p: string, i: number): number {
  let j = i + 1;
  while (j < p.length && p[j] !== ']') j = p[j] === '\\' ? skipEscape(p, j) : j + 1;
  return j + 1;
}

function distinctLiteralStarts(alternatives: string[]): boolean {
  const firsts = alternatives.map(firstLiteral);
  return firsts.every((f) => f !== null) && new Set(firsts).size === firsts.length;
}

/** The character an alternative must start with, or null when it is not a fixed literal. */
function firstLiteral(alt: string): string | null {
  if (alt === '') return null;
  let len = 1;
  if (alt[0] === '\\') {
    if (/[dDwWsSbBpPkcxu0-9]/.test(alt[1])) return null;
    len = 2;
  } else if ('()[].^$|*+?{}'.includes(alt[0])) return null;
  const q = readQuantifier(alt, len);
  return q && q.min === 0 ? null : alt.slice(0, len);
}
