import { errors } from '../core/errors.js';
import { directionParam, intParam, listParam } from '../core/query-params.js';
import type { SearchField, SearchFilter, TypeBoost } from '../storage/search-query.js';
import type { QueryMode } from './search-text.js';

/** `geo_filters[field]=geo_distance,<distance>,<lat>,<lon>`, parsed (the distance in metres). */
export interface GeoRequest {
  field: string;
  lat: number;
  lon: number;
  meters: number;
}

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
  geoFilters: GeoRequest[];
  randomSeed: string | undefined;
  /** Sorted by type; a type named twice keeps its last boost. */
  indicesBoost: TypeBoost[];
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

const GEO_INVALID =
  "Invalid geo filter query provided. Example value is: 'geo_distance,1.50km,40.1,-19.2'. Accepted filter types are: 'geo_distance'.";
const MAX_GEO_FILTERS = 8;

/** Elasticsearch's distance units, in metres; a distance without a unit is in metres, as there. */
const UNITS = new Map<string, number>([
  ['', 1],
  ['m', 1],
  ['meters', 1],
  ['km', 1000],
  ['kilometers', 1000],
  ['cm', 0.01],
  ['centimeters', 0.01],
  ['mm', 0.001],
  ['millimeters', 0.001],
  ['mi', 1609.344],
  ['miles', 1609.344],
  ['yd', 0.9144],
  ['yards', 0.9144],
  ['ft', 0.3048],
  ['feet', 0.3048],
  ['in', 0.0254],
  ['inch', 0.0254],
  ['NM', 1852],
  ['nmi', 1852],
  ['nauticalmiles', 1852],
]);

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DISTANCE = /^(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)$/;

function geoValue(field: string, raw: string): GeoRequest {
  const parts = raw.split(',').map((p) => p.trim());
  const bad = () => errors.validation({ geo_filters: [GEO_INVALID] });
  if (parts.length !== 4 || parts[0] !== 'geo_distance' || !FIELD.test(field)) throw bad();
  const [, distance, latText, lonText] = parts;
  const d = DISTANCE.exec(distance);
  const unit = d ? UNITS.get(d[2]) : undefined;
  if (!d || unit === undefined || !DECIMAL.test(latText) || !DECIMAL.test(lonText)) throw bad();
  const [meters, lat, lon] = [Number(d[1]) * unit, Number(latText), Number(lonText)];
  if (!Number.isFinite(meters) || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw bad();
  return { field, lat, lon, meters };
}

/** `geo_filters[field]=…` (repeated: every one must hold). A `geo_filters` without a field is malformed too. */
function geoParam(q: Record<string, unknown>): GeoRequest[] {
  const out: GeoRequest[] = [];
  for (const [key, value] of Object.entries(q)) {
    if (key === 'geo_filters') throw errors.validation({ geo_filters: [GEO_INVALID] });
    const m = /^geo_filters\[([^\]]*)\](\[\])?$/.exec(key);
    if (!m) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(geoValue(bare(m[1]), String(v)));
  }
  if (out.length > MAX_GEO_FILTERS)
    throw errors.validation({ geo_filters: [`At most ${MAX_GEO_FILTERS} geo filters are allowed`] });
  return out;
}

const TYPE_NAME = /^[_a-z]+$/;

/** `indices_boost[type]=n` with 0 < n ≤ 1000. Which of the types are searched is decided later (SearchService). */
function boostParam(q: Record<string, unknown>): TypeBoost[] {
  const byType = new Map<string, number>();
  for (const [key, value] of Object.entries(q)) {
    const m = /^indices_boost\[([^\]]*)\]$/.exec(key);
    if (!m && key !== 'indices_boost') continue;
    const raw = Array.isArray(value) ? value[value.length - 1] : value;
    const boost = typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
    if (!m || !TYPE_NAME.test(m[1]) || !(boost > 0 && boost <= 1000)) {
      throw errors.validation({
        indices_boost: [`Invalid boost "${key}=${String(raw)}": expected indices_boost[content type]=n (0 < n ≤ 1000)`],
      });
    }
    byType.set(m[1], boost);
  }
  return [...byType].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([type, boost]) => ({ type, boost }));
}

/** Any text (a number or a word) up to 256 characters; empty or absent: no random order. */
function seedParam(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 256 || raw.includes('\u0000'))
    throw errors.validation({ random_seed: ['This value is not valid.'] });
  return raw;
}

export function searchRequest(q: Record<string, unknown>): SearchRequest {
  const mode = q.query_mode === undefined || q.query_mode === '' ? 'default' : String(q.query_mode);
  if (!(MODES as readonly string[]).includes(mode))
    throw errors.validation({ query_mode: ['The value you selected is not a valid choice.'] });
  const text = Array.isArray(q.q) ? q.q.join(' ') : q.q;
  const geoFilters = geoParam(q);
  const orderBy = typeof q.order_by === 'string' && q.order_by !== '' ? bare(q.order_by) : undefined;
  if (orderBy === '_geo_distance' && geoFilters.length === 0)
    throw errors.validation({ order_by: ['_geo_distance can only be used with geo_filters'] });
  return {
    q: text === undefined ? undefined : String(text),
    mode: mode as QueryMode,
    contentTypes: listOf(q, 'content_type'),
    fields: fieldsParam(listOf(q, 'fields')),
    filters: filtersParam(q, 'filters'),
    postFilters: filtersParam(q, 'post_filters'),
    aggregateBy: listOf(q, 'aggregate_by').map(bare),
    aggregateByNumeric: listOf(q, 'aggregate_by_numeric').map(bare),
    orderBy,
    direction: directionParam(q.order_direction),
    geoFilters,
    randomSeed: seedParam(q.random_seed),
    indicesBoost: boostParam(q),
    page: intParam(q.page, 'page', 1, 1, 1_000_000),
    limit: intParam(q.limit, 'limit', 20, 1, 1000),
    hydrate: intParam(q.hydrate, 'hydrate', 0, 0, 2) as 0 | 1 | 2,
  };
}
