import type { ContentObject, ContentType } from '../api/types.js';

/** One field whose public value differs from the draft's. */
export interface FieldDifference {
  name: string;
  label: string;
  public: unknown;
  draft: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The type's fields whose values differ between the public version and the draft, in the type's order. */
export function changedFields(ct: ContentType, published: ContentObject, draft: ContentObject): FieldDifference[] {
  const { order, propertiesConfig } = ct.metaDefinition;
  return order
    .filter((name) => !same(published[name], draft[name]))
    .map((name) => ({ name, label: propertiesConfig[name]?.label ?? name, public: published[name], draft: draft[name] }));
}

/** A field value in a line of text: strings as they are, nothing as an em dash, the rest as JSON. */
export function shownValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
