import type { FilterNode } from '../content/filters.js';
import type { PanelStore } from './panel-port.js';
import type { SearchQuery, SearchResult } from '../search/search-query.js';

/** A content type as stored: the sanitized definition plus bookkeeping. */
export interface StoredType {
  name: string;
  definition: string; // JSON of the ContentType
  version: number;
}

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
}

export interface NewObject {
  type: string;
  id: string;
  data: string;
  title: string;
  createdMs: number;
  updatedMs: number;
  /** Relation targets found in data, kept so "is this object referenced?" is one indexed lookup. */
  refs: { type: string; id: string }[];
}

/** Sort key of a list: a data path, or one of the internal columns. */
export type OrderKey =
  { kind: 'column'; column: 'created' | 'updated' | 'id' | 'title' | 'version' } | { kind: 'data'; path: string[] };

export interface ListQuery {
  type: string;
  where: FilterNode[];
  ids?: string[];
  order: OrderKey;
  direction: 'asc' | 'desc';
  emptyFirst: boolean;
  limit: number;
  offset: number;
}

export interface StoredKey {
  id: string;
  kind: 'read-only' | 'read-write' | 'user-defined';
  name: string;
  hmac: string;
  secretEnc: string;
  rules: string;
  requestLimit: number | null;
  createdMs: number;
  updatedMs: number;
  lastUsedMs: number | null;
}

/**
 * The storage port. Only services call it. Two adapters (sqlite, postgres) implement it over one shared
 * Kysely implementation; their differences live in DialectOps, not in `if` branches here.
 */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** True when several processes may share this database (per-node caches of security state are then unsafe). */
  readonly shared: boolean;
  /** Users, sessions and the audit trail of the Panel. */
  readonly panel: PanelStore;
  /** Runs fn in one transaction; fn gets a Storage bound to that transaction. */
  transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  listTypes(): Promise<StoredType[]>;
  getType(name: string): Promise<StoredType | undefined>;
  insertType(name: string, definition: string, nowMs: number): Promise<void>;
  updateType(name: string, definition: string, nowMs: number): Promise<void>;
  deleteType(name: string): Promise<void>;
  /** Creates the expression indexes for the scalar fields of a type (idempotent) and drops stale ones. */
  syncFieldIndexes(type: string, fields: { name: string; text: boolean }[]): Promise<void>;

  getObject(type: string, id: string): Promise<StoredObject | undefined>;
  getObjects(type: string, ids: string[]): Promise<StoredObject[]>;
  /** Soft-deleted rows included: callers decide. */
  getObjectAnyState(type: string, id: string): Promise<StoredObject | undefined>;
  listObjects(q: ListQuery): Promise<StoredObject[]>;
  countObjects(q: Pick<ListQuery, 'type' | 'where' | 'ids'>): Promise<number>;
  /** All live objects of a type, in batches, for CTD migrations. */
  eachObject(type: string, batch: number, fn: (rows: StoredObject[]) => Promise<void>): Promise<void>;
  insertObject(o: NewObject): Promise<StoredObject>;
  /**
   * Replaces data, bumps version (to `o.version`), stores the previous data as a version row. Throws
   * StaleWriteError when the stored version is not `o.version - 1` (a concurrent write won): nothing changes then.
   */
  updateObject(o: NewObject & { version: number }): Promise<StoredObject>;
  /** Rewrites data without a new version (CTD migrations). */
  rewriteObjectData(type: string, id: string, data: string, title: string): Promise<void>;
  softDeleteObject(type: string, id: string, nowMs: number): Promise<void>;
  /** Removes soft-deleted leftovers with this id so the id can be used again. */
  purgeDeletedObject(type: string, id: string): Promise<void>;
  purgeType(type: string): Promise<void>;
  /** Ids (as stored) deleted after the given time. */
  listRemoved(type: string, afterMs: number): Promise<string[]>;
  countLiveObjects(type: string): Promise<number>;
  /** Is any live object (other than in `exceptTypes`) pointing at type/id? */
  isReferenced(type: string, id: string): Promise<boolean>;
  /** Is there a live object of `type` whose `field` equals value (other than excludeId)? */
  findByFieldValue(type: string, field: string, value: unknown, excludeId?: string): Promise<string | undefined>;

  listVersions(
    type: string,
    id: string,
    limit: number,
    offset: number,
    direction: 'asc' | 'desc',
  ): Promise<{ version: number; data: string; createdMs: number }[]>;
  countVersions(type: string, id: string): Promise<number>;
  getVersion(
    type: string,
    id: string,
    version: number,
  ): Promise<{ version: number; data: string; createdMs: number } | undefined>;

  listKeys(): Promise<StoredKey[]>;
  getKeyByHmac(hmac: string): Promise<StoredKey | undefined>;
  getKey(id: string): Promise<StoredKey | undefined>;
  insertKey(k: StoredKey): Promise<void>;
  updateKey(k: StoredKey): Promise<void>;
  deleteKey(id: string): Promise<void>;
  touchKey(id: string, nowMs: number): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Full-text search; hits, total and aggregations stay within the scope the query carries. */
  search(q: SearchQuery): Promise<SearchResult>;
  /** Indexes every live object for search when a migration asked for it (or `force`); returns how many. */
  rebuildSearchIndex(force: boolean): Promise<number>;

  /** Cross-node signals: PostgreSQL LISTEN/NOTIFY, in-process for SQLite. */
  notify(channel: Channel, payload: string): Promise<void>;
  subscribe(fn: (channel: Channel, payload: string) => void): void;
}

export type Channel = 'keys' | 'types' | 'objects' | 'sessions';

/** updateObject found the object at another version than the caller read: someone wrote in between. */
export class StaleWriteError extends Error {
  constructor() {
    super('the object changed since it was read');
    this.name = 'StaleWriteError';
  }
}
