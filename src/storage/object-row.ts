/** The vocabulary of object rows and views, shared by the storage port and its search query. */

/** Which state of content a read sees: what is published (the default), or the latest state, drafts included. */
export type View = 'public' | 'preview';

/** For reads over several types: the types read in preview; every other type is read in the public view. */
export type PreviewTypes = 'all' | readonly string[];

/** The lifecycle of an object of a Draft & Public type (null for other types). */
export type ObjectStatus = 'draft' | 'public' | 'modified' | 'archived';

/** An object row. `data` is the stored JSON text of the user fields (no id, no internal). */
export interface StoredObject {
  seq: number;
  type: string;
  id: string;
  data: string;
  title: string;
  version: number;
  createdMs: number;
  updatedMs: number;
  deletedMs: number | null;
  /** Who wrote the current version (`key:<id>`, `user:<id>`, `system`; null for rows written before it was kept). */
  updatedBy: string | null;
  /** 'both' (one row for both views), or a D&P object's 'latest' state or its 'public' copy. */
  visibility: 'both' | 'latest' | 'public';
  status: ObjectStatus | null;
  /** The version last published (D&P types), and when. */
  publicVersion: number | null;
  publishedMs: number | null;
}

/** Sort key of a list: a data path, or one of the internal columns. */
export type OrderKey =
  { kind: 'column'; column: 'created' | 'updated' | 'id' | 'title' | 'version' } | { kind: 'data'; path: string[] };
