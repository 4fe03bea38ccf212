import type { StoredObject } from '../storage/port.js';

/** Where a content node keeps its stored row (id, internal block, type) beside its parsed fields. */
export const ROW: unique symbol = Symbol('flotilla.row');

/** A content object as resolvers see it: its parsed fields, plus the stored row under ROW. */
export type ContentNode = Record<string, unknown> & { [ROW]: StoredObject };

/** Any value a field resolver gets: a content node or a list item / geo point inside one. */
export type Source = Record<string, unknown>;

export function toNode(row: StoredObject): ContentNode {
  const data = JSON.parse(row.data) as unknown;
  const fields = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return Object.assign(fields, { [ROW]: row }) as ContentNode;
}

/** The own value of a property (never one inherited from Object.prototype, e.g. a field named `constructor`). */
export function own(src: unknown, name: string): unknown {
  return src !== null && typeof src === 'object' && Object.hasOwn(src, name) ? (src as Source)[name] : null;
}
