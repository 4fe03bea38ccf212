import { errors } from '../core/errors.js';
import { directionParam, intParam, listParam } from '../core/query-params.js';
import type { SearchField, SearchFilter } from '../storage/search-query.js';
import type { QueryMode } from './search-text.js';

/** A search as the client asked for it: syntax checked, nothing decided about access or fields yet. */
export interface SearchRequest {
  q: string | undefined;
  mode: QueryMode;
  contentTypes: string[];
  fields: SearchField[];
  filters: SearchFilter[];
  postFilters: SearchFilter[];
  aggregateBy: string[];
  aggregateByNumeric: string[];
  orderBy: string | undefined;
  direction: 'asc' | 'desc';
  page: number;
  limit: number;
  hydrate: 0 | 1 | 2;
}

const MODES: readonly QueryMode[] = ['default', 'exact', 'fuzzy'];
const FIELD = /^[A-Za-z0-9_]+$/;

/** `name[]=a&name[]=b`, `name=a,b` or repeated `name=a`. */
const listOf = (q: Record<string, unknown>, name: string) => [
  ...listParam(q[`${name}[]`], `${name}[]`),
  ...listParam(q[name], `${name}[]`),
];

/** `.keyword` is Elasticsearch's exact sub-field: every field here already compares exactly. */
const bare = (name: string) => name.replace(/\.keyword$/, '');

function fieldsParam(raw: string[]): SearchField[] {
  return raw.map((spec) => {
    const [name, boostText] = spec.split('^');
    const boost = boostText === undefined ? 1 : Number(boostText);
    if (!FIELD.test(bare(name)) || !Number.isFinite(boost) || boost <= 0 || boost > 1000) {
      throw errors.validation({ 'fields[]': [`Invalid field "${spec}": expected name or name^boost (0 < boost ≤ 1000)`] });
    }
    return { name: bare(name), boost };
  });
}

/** `filters[field]=value` (or `filters[field][]=a&…`: any of): the query parser leaves the brackets in the keys. */
function filtersParam(q: Record<string, unknown>, name: 'filters' | 'post_filters'): SearchFilter[] {
  const byField = new Map<string, string[]>();
  for (const [key, value] of Object.entries(q)) {
    const m = new RegExp(`^${name}\\[([^\\]]*)\\](\\[\\])?$`).exec(key);
    if (!m) continue;
    const field = bare(m[1]);
    if (!FIELD.test(field)) throw errors.validation({ [name]: [`Invalid field name "${m[1]}"`] });
    const values = (Array.isArray(value) ? value : [value]).map(String);
    byField.set(field, [...(byField.get(field) ?? []), ...values]);
  }
  return [...byField].map(([field, values]) => ({ field, values }));
}

export function searchRequest(q: Record<string, unknown>): SearchRequest {
  const mode = q.query_mode === undefined || q.query_mode === '' ? 'default' : String(q.query_mode);
  if (!(MODES as readonly string[]).includes(mode))
    throw errors.validation({ query_mode: ['The value you selected is not a valid choice.'] });
  const text = Array.isArray(q.q) ? q.q.join(' ') : q.q;
  return {
    q: text === undefined ? undefined : String(text),
    mode: mode as QueryMode,
    contentTypes: listOf(q, 'content_type'),
    fields: fieldsParam(listOf(q, 'fields')),
    filters: filtersParam(q, 'filters'),
    postFilters: filtersParam(q, 'post_filters'),
    aggregateBy: listOf(q, 'aggregate_by').map(bare),
    aggregateByNumeric: listOf(q, 'aggregate_by_numeric').map(bare),
    orderBy: typeof q.order_by === 'string' && q.order_by !== '' ? bare(q.order_by) : undefined,
    direction: directionParam(q.order_direction),
    page: intParam(q.page, 'page', 1, 1, 1_000_000),
    limit: intParam(q.limit, 'limit', 20, 1, 1000),
    hydrate: intParam(q.hydrate, 'hydrate', 0, 0, 2) as 0 | 1 | 2,
  };
}
