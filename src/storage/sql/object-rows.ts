import { sql, type RawBuilder } from 'kysely';
import type { PreviewTypes, StoredObject, View } from '../port.js';
import type { DialectOps } from './dialect-ops.js';

/** The internal columns an order or filter may name, as SQL columns of `objects`. */
export const ORDER_COLUMNS = {
  created: 'created_ms',
  updated: 'updated_ms',
  id: 'id_key',
  title: 'title',
  version: 'version',
} as const;

/** An `objects` row as both drivers return it (PostgreSQL BIGINTs are parsed to numbers by the pool). */
export type ObjectRow = {
  seq: number;
  type: string;
  id: string;
  data: string;
  title: string;
  version: number;
  created_ms: number;
  updated_ms: number;
  deleted_ms: number | null;
  updated_by: string | null;
  visibility: string;
  status: string | null;
  public_version: number | null;
  published_ms: number | null;
};

/** The select list that yields an ObjectRow (the document as text, for splicing). */
export const objectColumns = (ops: DialectOps): RawBuilder<unknown> =>
  sql`objects.seq, objects.type, objects.id, ${ops.dataText} AS data, objects.title, objects.version,
      objects.created_ms, objects.updated_ms, objects.deleted_ms, objects.updated_by, objects.visibility, objects.status,
      objects.public_version, objects.published_ms`;

export const toObject = (r: ObjectRow): StoredObject => ({
  seq: Number(r.seq),
  type: r.type,
  id: r.id,
  data: r.data,
  title: r.title,
  version: Number(r.version),
  createdMs: Number(r.created_ms),
  updatedMs: Number(r.updated_ms),
  deletedMs: r.deleted_ms === null ? null : Number(r.deleted_ms),
  updatedBy: r.updated_by ?? null,
  visibility: r.visibility as StoredObject['visibility'],
  status: (r.status ?? null) as StoredObject['status'],
  publicVersion: r.public_version === null ? null : Number(r.public_version),
  publishedMs: r.published_ms === null ? null : Number(r.published_ms),
});

/**
 * THE definition of the rows a read sees: live rows of its view. The public view never sees a D&P object's latest
 * row when it differs from the published one ('latest'); preview never sees the published copy ('public').
 * `previewTypes`: for reads over several types, the types read in preview (all others in the public view).
 */
export function visibleRows(view: View | { previewTypes: PreviewTypes }): RawBuilder<boolean> {
  const preview = typeof view === 'string' ? (view === 'preview' ? 'all' : []) : view.previewTypes;
  if (preview === 'all') return sql<boolean>`objects.deleted_ms IS NULL AND objects.visibility <> 'public'`;
  if (preview.length === 0) return sql<boolean>`objects.deleted_ms IS NULL AND objects.visibility <> 'latest'`;
  const listed = sql.join(preview.map(typeLit));
  return sql<boolean>`objects.deleted_ms IS NULL AND (objects.visibility = 'both'
    OR (objects.visibility = 'latest' AND objects.type IN (${listed}))
    OR (objects.visibility = 'public' AND objects.type NOT IN (${listed})))`;
}

/**
 * A type name as an SQL literal. Type names are ^[_a-z]+$ (checked by the CTD sanitizer, and again here at the
 * storage boundary); inlined, they let both planners match the per-type partial indexes.
 */
export function typeLit(type: string): RawBuilder<string> {
  if (!/^[_a-z]+$/.test(type)) throw new Error('invalid type name reached storage');
  return sql.lit(type);
}
