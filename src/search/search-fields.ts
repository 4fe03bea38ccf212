import type { FieldInfo, InputType } from '../content-types/content-type.js';
import type { LoadedType } from '../content-types/type-registry.js';
import { errors } from '../core/errors.js';
import { ownProperty } from '../core/own-property.js';
import type { GeoFilter, SearchOrderKey } from '../storage/search-query.js';
import type { SearchRequest } from './search-params.js';

/**
 * Checks every field a search names against the types in its scope. A name that no type in scope has is a 400,
 * the same answer whether the field exists on a type the key cannot read or nowhere: nothing is revealed.
 */

/** Fields whose words are indexed: what fields[] and a `field:term` qualifier can name. */
export const TEXT: ReadonlySet<InputType> = new Set([
  'text',
  'textarea',
  'textMarkdown',
  'richtext',
  'email',
  'select',
  'radio',
  'simpleList',
]);
/** Fields with scalar values (or lists of them): what exact filters, terms buckets and ordering can use. */
const SCALAR: ReadonlySet<InputType> = new Set([...TEXT, 'number', 'checkbox', 'dateTime']);

const COLUMN_ORDER: Record<string, SearchOrderKey> = {
  id: { kind: 'column', column: 'id' },
  createdAt: { kind: 'column', column: 'created' },
  updatedAt: { kind: 'column', column: 'updated' },
  'internal.createdAt': { kind: 'column', column: 'created' },
  'internal.updatedAt': { kind: 'column', column: 'updated' },
  'internal.objectTitle': { kind: 'column', column: 'title' },
  'internal.latestVersion': { kind: 'column', column: 'version' },
};

function check(types: readonly LoadedType[], name: string, ok: (f: FieldInfo) => boolean, param: string, what: string): void {
  if (!types.some((t) => t.fields.some((f) => f.name === name && ok(f)))) {
    throw errors.validation({ [param]: [`${name} is not a ${what} of the content types searched`] });
  }
}

/** The text fields of the types searched: the names a `field:term` qualifier restricts a term to. */
export function textFields(types: readonly LoadedType[]): Set<string> {
  return new Set(types.flatMap((t) => t.fields.filter((f) => TEXT.has(f.inputType)).map((f) => f.name)));
}

/** geo_filters with the searched types where each field is a geo field (none: 400, as for any unknown field). */
export function geoFilters(types: readonly LoadedType[], r: SearchRequest): GeoFilter[] {
  return r.geoFilters.map((g) => {
    const geoTypes = types.filter((t) => t.fields.some((f) => f.name === g.field && f.inputType === 'geo')).map((t) => t.ct.name);
    if (geoTypes.length === 0)
      throw errors.validation({ geo_filters: [`${g.field} is not a geo field of the content types searched`] });
    return { ...g, types: geoTypes };
  });
}

/** Validates fields[], filters, post_filters and aggregations; returns the order key (undefined: score, then newest). */
export function checkFields(types: readonly LoadedType[], r: SearchRequest): SearchOrderKey | undefined {
  for (const f of r.fields) check(types, f.name, (x) => TEXT.has(x.inputType), 'fields[]', 'text field');
  for (const f of r.filters) check(types, f.field, (x) => SCALAR.has(x.inputType), 'filters', 'field');
  for (const f of r.postFilters) check(types, f.field, (x) => SCALAR.has(x.inputType), 'post_filters', 'field');
  for (const name of r.aggregateBy) check(types, name, (x) => SCALAR.has(x.inputType), 'aggregate_by[]', 'field');
  for (const name of r.aggregateByNumeric) {
    check(types, name, (x) => x.inputType === 'number', 'aggregate_by_numeric[]', 'number field');
    if (r.aggregateBy.includes(name))
      throw errors.validation({ 'aggregate_by_numeric[]': [`${name} is already aggregated by aggregate_by[]`] });
  }
  const by = r.orderBy;
  if (by === undefined || by === '_score' || by === 'score') return undefined;
  if (by === '_geo_distance') return { kind: 'geoDistance' }; // searchRequest made sure geo_filters came with it
  const column = ownProperty(COLUMN_ORDER, by);
  if (column) return column;
  check(
    types,
    by,
    (x) => SCALAR.has(x.inputType) && !(x.inputType === 'select' && x.config.multiple === true) && x.inputType !== 'simpleList',
    'order_by',
    'sortable field',
  );
  return { kind: 'data', path: [by] };
}
