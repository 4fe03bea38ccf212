/**
 * Storage's filter vocabulary: what a list query may ask of the objects table. The content layer parses clients'
 * `filters` into these (content/filters.ts); storage compiles them to SQL, binding every value as a parameter.
 */
export const FILTER_OPS = [
  'equals',
  'notEqual',
  'contains',
  'notContains',
  'startsWith',
  'endsWith',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'inRange',
  'empty',
  'notEmpty',
  'includes',
  'overlaps',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export type InternalColumn = 'created' | 'updated' | 'deleted' | 'id' | 'title' | 'version';

/** Where a filter looks: an internal column, a data path, or "some element of an array" at a data path. */
export type FilterTarget =
  | { kind: 'column'; column: InternalColumn }
  | { kind: 'data'; path: string[] }
  | { kind: 'array'; path: string[]; sub: string[] };

export type Scalar = string | number | boolean;

/** A parsed, type-coerced filter: safe to hand to storage, which binds every value as a parameter. */
export interface FilterNode {
  target: FilterTarget;
  op: FilterOp;
  /** For equals/notEqual/overlaps an array means "any of". */
  value: Scalar | Scalar[] | null;
  value2?: Scalar | null;
}
