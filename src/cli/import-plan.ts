import { forEachRelation, isRelation, parseDataUrl, type FolderType } from './export-format.js';
import type { ContentTypeJson, ObjectJson } from './flotiq-client.js';

/** Where a media object ended up on the target, when the target could not keep its id (Flotiq assigns its own). */
export type MediaReplacements = Record<string, { id: string; url: string }>;

/** The object minus `internal` (server-managed) and minus every relation item, at any depth (import pass 3). */
export function withoutRelations(o: ObjectJson): ObjectJson {
  const { internal: _internal, ...rest } = o;
  return strip(rest) as ObjectJson;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isRelation(v)).map(strip);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]));
  return value;
}

export function hasRelations(o: ObjectJson): boolean {
  let found = false;
  forEachRelation({ ...o, internal: undefined }, () => (found = true));
  return found;
}

/** The object as written in pass 4: `internal` dropped, media ids replaced where the target assigned new ones. */
export function finalObject(o: ObjectJson, typeName: string, replaced: MediaReplacements): ObjectJson {
  const { internal: _internal, ...rest } = o;
  const out = repointMedia(rest, replaced) as ObjectJson;
  const own = typeName === '_media' ? replaced[o.id] : undefined;
  return own ? { ...out, id: own.id, url: own.url } : out;
}

/** Deep copy with `/api/v1/content/_media/<old>` relations pointing at the replacement ids. */
export function repointMedia(value: unknown, replaced: MediaReplacements): unknown {
  if (Object.keys(replaced).length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => repointMedia(v, replaced));
  if (value && typeof value === 'object') {
    if (isRelation(value)) {
      const target = parseDataUrl(value.dataUrl);
      const r = target && target[0] === '_media' ? replaced[target[1]] : undefined;
      return r ? { ...value, dataUrl: `/api/v1/content/_media/${r.id}` } : value;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, repointMedia(v, replaced)]));
  }
  return value;
}

/**
 * The definition as pass 1 writes it: required relations may be empty (`minItems` 0) and may point at any type
 * (`relationContenttype` ""), no featured image yet. `loosened` says whether anything had to change.
 */
export function loosenedDefinition(def: ContentTypeJson): { body: ContentTypeJson; loosened: boolean } {
  let loosened = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        if (k === 'minItems' && typeof x === 'number' && x > 0) return ((loosened = true), [k, 0]);
        if (k === 'relationContenttype' && typeof x === 'string' && x !== '') return ((loosened = true), [k, '']);
        return [k, walk(x)];
      }),
    );
  };
  const body = walk(def) as ContentTypeJson;
  return { body: { ...body, featuredImage: [] }, loosened };
}

/** The order objects are written in: user types, then the internal ones, `_webhooks` last (flotiq-cli's order). */
export function importOrder(types: FolderType[]): FolderType[] {
  const rank = (t: FolderType) => (t.definition.name === '_webhooks' ? 2 : t.definition.internal ? 1 : 0);
  return [...types].sort((a, b) => rank(a) - rank(b) || a.definition.name.localeCompare(b.definition.name));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
