import type { FieldInfo } from '../content-types/content-type.js';
import { setOwnProperty } from '../core/own-property.js';
import { directionParam, intParam } from '../core/query-params.js';
import { gqlError } from './graphql-errors.js';

/** One condition of a v2 filter input: the REST `{type, filter, filter2}` triple. */
export interface FilterCondition {
  type: string;
  filter: string;
  filter2?: string | null;
}

type Spec = Record<string, { type: string; filter: unknown; filter2?: unknown }>;

/**
 * GraphQL field names of one content type → REST filter paths (`title`, `tags[*].dataUrl`), for the fields this
 * key's schema shows; the original property names are accepted too where they differ.
 */
export function filterPaths(
  fields: readonly FieldInfo[],
  gqlNames: ReadonlyMap<string, string>,
  shown: (gqlName: string) => boolean,
): Map<string, string> {
  const paths = new Map<string, string>();
  for (const f of fields) {
    const gqlName = gqlNames.get(f.name);
    if (!gqlName || !shown(gqlName)) continue;
    const path = f.inputType === 'datasource' ? `${f.name}[*].dataUrl` : f.name;
    paths.set(gqlName, path);
    if (!paths.has(f.name)) paths.set(f.name, path);
  }
  return paths;
}

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/** REST `filters` JSON from a v2 filter input plus the `field`/`value` lookup; undefined when there is none. */
export function filterJson(
  paths: ReadonlyMap<string, string>,
  input: Record<string, FilterCondition | null> | null | undefined,
  field: string | null | undefined,
  value: string | null | undefined,
): string | undefined {
  const spec: Spec = {};
  for (const [name, cond] of Object.entries(input ?? {})) {
    if (!cond) continue;
    const path = paths.get(name);
    if (!path) throw gqlError('BAD_USER_INPUT', `Unknown filter field ${name}`);
    setOwnProperty(spec, path, {
      type: cond.type,
      filter: cond.filter,
      ...(given(cond.filter2) ? { filter2: cond.filter2 } : {}),
    });
  }
  addLookup(spec, paths, field, value);
  return Object.keys(spec).length > 0 ? JSON.stringify(spec) : undefined;
}

/** Legacy: a REST filter JSON string as given, plus the `field`/`value` lookup. */
export function legacyFilterJson(
  paths: ReadonlyMap<string, string>,
  raw: string | undefined,
  field?: string | null,
  value?: string | null,
): string | undefined {
  if (!given(field) && !given(value)) return raw;
  const spec: Spec = {};
  addLookup(spec, paths, field, value);
  return JSON.stringify(spec);
}

function addLookup(
  spec: Spec,
  paths: ReadonlyMap<string, string>,
  field: string | null | undefined,
  value: string | null | undefined,
): void {
  if (!given(field) && !given(value)) return;
  if (!given(field) || !given(value)) throw gqlError('BAD_USER_INPUT', 'Arguments field and value must be given together');
  const path = field === 'id' ? 'id' : paths.get(field);
  if (!path) throw gqlError('BAD_USER_INPUT', `Unknown field ${field}`);
  if (Object.hasOwn(spec, path)) throw gqlError('BAD_USER_INPUT', `Field ${field} is both the lookup field and in filter`);
  setOwnProperty(spec, path, { type: 'equals', filter: value });
}

export interface OrderArgs {
  order_by?: string | null;
  order_direction?: string | null;
}

/** `order_by` / `order_direction` with the REST rules (400 bodies become BAD_USER_INPUT errors). */
export function orderArgs(args: OrderArgs): { orderBy: string | undefined; direction: 'asc' | 'desc' } {
  return { orderBy: args.order_by || undefined, direction: directionParam(args.order_direction ?? undefined) };
}

/** v2: `first` (default 10, 0–1000) and `offset` (default 0). */
export function windowArgs(args: { first?: number | null; offset?: number | null }): { first: number; offset: number } {
  return {
    first: intParam(args.first ?? undefined, 'first', 10, 0, 1000),
    offset: intParam(args.offset ?? undefined, 'offset', 0, 0, 1_000_000_000),
  };
}

/** Legacy: `page` (1-based, default 1) and `limit` (default 20, 1–1000). */
export function pageArgs(args: { page?: number | null; limit?: number | null }): { limit: number; offset: number } {
  const page = intParam(args.page ?? undefined, 'page', 1, 1, 1_000_000);
  const limit = intParam(args.limit ?? undefined, 'limit', 20, 1, 1000);
  return { limit, offset: (page - 1) * limit };
}
