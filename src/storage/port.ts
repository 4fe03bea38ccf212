import type { FilterNode } from './filter-node.js';
import type { PanelStore } from './panel-port.js';
import type { WebhookStore } from './webhook-port.js';
import type { ChangeNotice, ContentEvent, NewEvent } from '../core/content-event.js';
import type { SearchQuery, SearchResult } from './search-query.js';
import type { OrderKey, StoredObject, View } from './object-row.js';

export type { ObjectStatus, OrderKey, PreviewTypes, StoredObject, View } from './object-row.js';

/** A content type as stored: the sanitized definition plus bookkeeping. */
export interface StoredType {
  name: string;
  definition: string; // JSON of the ContentType
  version: number;
}

export interface NewObject {
  type: string;
  id: string;
  data: string;
  /** `data` parsed, when the writer has it (what JSON.parse(data) gives): the search index reads it instead of parsing. */
  fields?: Readonly<Record<string, unknown>>;
  title: string;
  createdMs: number;
  updatedMs: number;
  /** Relation targets found in data, kept so "is this object referenced?" is one indexed lookup. */
  refs: { type: string; id: string }[];
  /** Who writes it (see StoredObject.updatedBy). */
  actor: string;
  /** The type has Draft & Public: a new object starts as a draft, and an edit of a published one keeps the published. */
  draftPublic: boolean;
}

/**
 * One object write of a batch: a new object, or a new version of a stored one (`version`: the version it gets, so
 * the stored one must still be `version - 1`, as the caller read it).
 */
export type ObjectWrite = { kind: 'create'; obj: NewObject } | { kind: 'update'; obj: NewObject & { version: number } };

/** One event of a batch (see recordEvent). */
export interface EventRecord {
  event: NewEvent;
  actor: string;
  atMs: number;
  /**
   * The object as this change left it, when the writer has it at hand: after the commit, consumers of the event on
   * this node may take it (`takeWritten`) instead of reading it back.
   */
  object?: StoredObject;
}

/** Types whose written objects a consumer wants kept (`rememberWritten`): some, every one ('*'), or none (null). */
export type WrittenTypes = ReadonlySet<string> | '*' | null;

export interface ListQuery {
  type: string;
  view: View;
  where: FilterNode[];
  ids?: string[];
  order: OrderKey;
  direction: 'asc' | 'desc';
  emptyFirst: boolean;
  limit: number;
  offset: number;
}

/** A publication planned for later. */
export interface StoredSchedule {
  type: string;
  id: string;
  action: 'publish' | 'unpublish';
  atMs: number;
  createdMs: number;
  createdBy: string;
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
  /** The key is refused from this instant on (null: never). */
  expiresMs: number | null;
  /** The HMAC of the value a rotation replaced, accepted until prevUntilMs (the grace window); null when none. */
  prevHmac: string | null;
  prevUntilMs: number | null;
  /** JSON text of the CIDR ranges requests may come from (empty: anywhere). */
  allowedNetworks: string;
  /** JSON text of the origins a browser request may carry (empty: any). */
  allowedOrigins: string;
}

/** How often a key did one action on one content type ('*': several at once, search and GraphQL) on one UTC day. */
export interface KeyUsageRow {
  keyId: string;
  day: string;
  ctdName: string;
  action: string;
  count: number;
}

/** The key columns one change writes; updatedMs always. Rules are the JSON text of sanitized KeyRule[]. */
export type KeyChange = Partial<
  Pick<
    StoredKey,
    'name' | 'rules' | 'requestLimit' | 'hmac' | 'secretEnc' | 'lastUsedMs' | 'expiresMs' | 'allowedNetworks' | 'allowedOrigins'
  >
> & {
  updatedMs: number;
  /**
   * The previous value of a rotation: `{untilMs}` keeps the HMAC this change replaces (read under the row's lock, so
   * a concurrent rotation cannot slip another value in) accepted until then; null forgets any previous value.
   */
  previous?: { untilMs: number } | null;
};

/** What the connections look like now (PostgreSQL: the pg pool; SQLite: its one connection and the file's size). */
export interface ConnectionStats {
  readonly max: number;
  readonly total: number;
  /** PostgreSQL only: idle pooled connections, and queries waiting for one. */
  readonly idle?: number;
  readonly waiting?: number;
  /** SQLite only: bytes of the database file and its write-ahead log. */
  readonly fileBytes?: number;
}

/** The database's schema version and the newest one this build knows (equal once every migration has run). */
export interface SchemaState {
  readonly current: number;
  readonly latest: number;
}

/** What only the adapter that connected knows, for readiness and metrics (decision 0023). */
export interface StorageProbe {
  readonly latestSchema: number;
  connections(): ConnectionStats;
  /** Resolves once everything the adapter started beside its connections (threads, files) has stopped. */
  stopped?(): Promise<void>;
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
  /** Webhook signing secrets and the execution log. */
  readonly webhooks: WebhookStore;
  /**
   * Runs fn while no other node runs its own startupLock (PostgreSQL: a session advisory lock; SQLite has one
   * process). For first-start seeding: nodes starting together must not both create the application keys.
   */
  startupLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs fn in one transaction; fn gets a Storage bound to that transaction. `relaxed`: its commit need not be on
   * disk when this answers (for bookkeeping that a crash only makes run again); content changes never use it.
   */
  transaction<T>(fn: (tx: Storage) => Promise<T>, opts?: { relaxed?: boolean }): Promise<T>;
  close(): Promise<void>;
  /** Reads the schema version from the database (so it throws when the database does not answer). */
  schemaState(): Promise<SchemaState>;
  /** The connections now, without a query (for metrics scrapes). */
  connections(): ConnectionStats;
  /** Content events committed and not yet processed by the event worker (the outbox backlog). */
  pendingEvents(): Promise<number>;

  listTypes(): Promise<StoredType[]>;
  getType(name: string): Promise<StoredType | undefined>;
  insertType(name: string, definition: string, nowMs: number): Promise<void>;
  updateType(name: string, definition: string, nowMs: number): Promise<void>;
  /** Throws TypeInUseError when key rules name the type: nothing changes then. */
  deleteType(name: string): Promise<void>;
  /** Creates the expression indexes for the scalar fields of a type (idempotent) and drops stale ones. */
  syncFieldIndexes(type: string, fields: { name: string; text: boolean }[]): Promise<void>;

  /** The object as the view sees it (writers read the preview: the latest state). */
  getObject(type: string, id: string, view: View): Promise<StoredObject | undefined>;
  getObjects(type: string, ids: string[], view: View): Promise<StoredObject[]>;
  /** The latest state, soft-deleted rows included: callers decide. */
  getObjectAnyState(type: string, id: string): Promise<StoredObject | undefined>;
  /** getObjectAnyState for many ids of one type, in one query (any order; missing ids are left out). */
  getObjectsAnyState(type: string, ids: string[]): Promise<StoredObject[]>;
  listObjects(q: ListQuery): Promise<StoredObject[]>;
  countObjects(q: Pick<ListQuery, 'type' | 'where' | 'ids' | 'view'>): Promise<number>;
  /** Every live row of a type (published copies included), in batches, for CTD migrations. */
  eachObject(type: string, batch: number, fn: (rows: StoredObject[]) => Promise<void>): Promise<void>;
  insertObject(o: NewObject): Promise<StoredObject>;
  /**
   * Replaces data, bumps version (to `o.version`), stores the previous data as a version row. Throws
   * StaleWriteError when the stored version is not `o.version - 1` (a concurrent write won): nothing changes then.
   */
  updateObject(o: NewObject & { version: number }): Promise<StoredObject>;
  /**
   * Writes a batch of objects in bulk, all or nothing (in the caller's transaction, or one of its own): their rows,
   * the versions they replace, their relations and search entries. An object written twice gets two versions, in
   * the order given. Every update is claimed first: when one is stale (its object is gone or not at `version - 1`),
   * throws StaleWriteError naming the stale ids, and nothing is written. A create whose id another writer took
   * after the caller looked is skipped (answered undefined); the other answers are the rows as written.
   */
  writeObjects(writes: ObjectWrite[]): Promise<(StoredObject | undefined)[]>;
  /** Rewrites one row's data without a new version (CTD migrations). */
  rewriteObjectData(row: StoredObject, data: string, title: string): Promise<void>;
  /**
   * Publishes the latest state of a D&P object (its published copy, if any, is replaced). Answers the object after,
   * or undefined when there is no such live object; `changed` is false when it was already public as it is.
   */
  publishObject(type: string, id: string, nowMs: number): Promise<{ row: StoredObject; changed: boolean } | undefined>;
  /** Takes a D&P object out of the public view, as a draft or archived. */
  unpublishObject(
    type: string,
    id: string,
    status: 'draft' | 'archived',
    nowMs: number,
  ): Promise<{ row: StoredObject; changed: boolean } | undefined>;
  /** A type gained Draft & Public (every object is public as it is) or lost it (every object's latest state is). */
  setDraftPublic(type: string, on: boolean, nowMs: number): Promise<void>;
  softDeleteObject(type: string, id: string, nowMs: number): Promise<void>;
  /** Removes soft-deleted leftovers with this id so the id can be used again. */
  purgeDeletedObject(type: string, id: string): Promise<void>;
  /** Deletes every object of the type; their ids stay listed by `listRemoved` as removed at `nowMs`. */
  purgeType(type: string, nowMs: number): Promise<void>;
  /** Ids (as stored) that left the view after the given time: deleted, and in the public view also unpublished. */
  listRemoved(type: string, afterMs: number, view: View): Promise<string[]>;
  countLiveObjects(type: string): Promise<number>;
  /** Is any live object (other than in `exceptTypes`) pointing at type/id? */
  isReferenced(type: string, id: string): Promise<boolean>;
  /** Is there a live object of `type` whose `field` equals value (other than excludeId)? */
  findByFieldValue(type: string, field: string, value: unknown, excludeId?: string): Promise<string | undefined>;
  /**
   * For each of `values`, the ids (as stored) of the live objects of `type` whose `field` equals it, compared as
   * findByFieldValue compares (values that are not strings, numbers or booleans match nothing). One query.
   */
  findByFieldValues(type: string, field: string, values: unknown[]): Promise<string[][]>;

  /** The versions the view may see (the public view: only versions that were published). */
  listVersions(
    type: string,
    id: string,
    view: View,
    limit: number,
    offset: number,
    direction: 'asc' | 'desc',
  ): Promise<{ version: number; data: string; createdMs: number; updatedBy: string | null }[]>;
  countVersions(type: string, id: string, view: View): Promise<number>;
  getVersion(
    type: string,
    id: string,
    version: number,
    view: View,
  ): Promise<{ version: number; data: string; createdMs: number } | undefined>;

  /** Plans a publish or unpublish of one object (replacing its plan); `cancelSchedule` drops it. */
  scheduleObject(s: StoredSchedule): Promise<void>;
  getSchedule(type: string, id: string): Promise<StoredSchedule | undefined>;
  cancelSchedule(type: string, id: string, createdBeforeMs?: number): Promise<boolean>;
  /** Claims due plans (SKIP LOCKED on PostgreSQL) and runs fn with each in the claiming transaction, then drops it. */
  runDueSchedules(nowMs: number, limit: number, fn: (s: StoredSchedule, tx: Storage) => Promise<void>): Promise<number>;

  listKeys(): Promise<StoredKey[]>;
  /** The key whose current value, or previous value (grace window), has this HMAC; callers compare and check times. */
  getKeyByHmac(hmac: string): Promise<StoredKey | undefined>;
  getKey(id: string): Promise<StoredKey | undefined>;
  /** Inserts the key and its rule rows (key_rules); throws MissingTypeError when a rule names no stored type. */
  insertKey(k: StoredKey): Promise<void>;
  /**
   * Writes only the columns in `change` (and, with rules, the key's rule rows), under the row's lock, so concurrent
   * changes to other columns are never undone. Returns the row before and after, or undefined when there is no key.
   * Throws MissingTypeError when a rule names no stored type: nothing changes then.
   */
  updateKey(id: string, change: KeyChange): Promise<{ before: StoredKey; after: StoredKey } | undefined>;
  deleteKey(id: string): Promise<void>;
  /** Sets lastUsedAt, only while the key still has this value (a use of the old value never marks the new one). */
  touchKey(id: string, hmac: string, nowMs: number): Promise<void>;
  /** Names of the keys whose rules name this type (the key_rules rows that keep the type from being deleted). */
  keyNamesReferencingType(type: string): Promise<string[]>;
  /** Adds counts of key use (one batch, in one transaction): each row's count is added to the stored one. */
  addKeyUsage(rows: KeyUsageRow[]): Promise<void>;
  /** The counts of one key from `fromDay` (YYYY-MM-DD, UTC) on, oldest first. */
  keyUsage(keyId: string, fromDay: string): Promise<KeyUsageRow[]>;
  /** Forgets counts of days before `beforeDay`. */
  pruneKeyUsage(beforeDay: string): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Deletes the entry if it holds exactly `value`; true when this call deleted it (one winner among concurrent calls). */
  consumeMeta(key: string, value: string): Promise<boolean>;

  /** Full-text search; hits, total and aggregations stay within the scope the query carries. */
  search(q: SearchQuery): Promise<SearchResult>;
  /** Indexes every live object for search when a migration asked for it (or `force`); returns how many. */
  rebuildSearchIndex(force: boolean): Promise<number>;

  /**
   * Appends a content event to the outbox. Only inside transaction(): the event exists if and only if the change
   * it describes commits.
   */
  recordEvent(e: NewEvent, actor: string, atMs: number): Promise<void>;
  /** recordEvent for many events at once, in this order (a batch's writes). */
  recordEvents(events: EventRecord[]): Promise<void>;
  /**
   * Runs fn for every committed change: this node's at once (before transaction() resolves), other nodes' when
   * their notice arrives; '*' when notices may have been lost (a dropped LISTEN connection).
   */
  onCommitted(fn: (notices: ChangeNotice[] | '*') => void): void;
  /**
   * The write generation of each of `types`, in order (0: never written): changed by every committed transaction
   * that recorded an event of the type, on any node, and read as of now — a generation read before a query is what
   * a cached answer of that query is validated against (docs/decisions/0019-caches-across-nodes.md).
   */
  typeGenerations(types: readonly string[]): Promise<number[]>;
  /**
   * Keep the objects that this process's commits write of these types (those recorded with their event), from now
   * on, until taken (`takeWritten`), the untaken bounded by count and size: the webhook fan-out asks for the types its
   * webhooks cover.
   */
  rememberWritten(types: WrittenTypes): void;
  /**
   * Hands out, once, the object of `type` and `id` at `version` as a recent commit of this process wrote it, if still
   * held (see rememberWritten): it is forgotten as it is taken, so objects stay in memory only until their events'
   * fan-out. Undefined means read it. Never an object of a transaction that did not commit.
   */
  takeWritten(type: string, id: string, version: number): StoredObject | undefined;
  /**
   * Claims up to `limit` unprocessed events, oldest first (each by one claimant across nodes), runs fn with them in
   * the claiming transaction and marks them processed when fn succeeds. Answers how many were claimed.
   * An event fn `hold`s is not marked processed but leased until `untilMs` (the latest any hold of the batch asked):
   * it stays unprocessed, unclaimable until then, and is claimed again (by any node) if `finishEvents` has not marked
   * it processed by that time.
   */
  processEvents(
    limit: number,
    nowMs: number,
    fn: (events: ContentEvent[], tx: Storage, hold: (seq: number, untilMs: number) => void) => Promise<void>,
  ): Promise<number>;
  /** Marks held events processed (in the caller's transaction, with what finishing them wrote). */
  finishEvents(seqs: readonly number[], nowMs: number): Promise<void>;
  /**
   * The retention sweep: removes for good up to `limit` objects soft-deleted before `deletedBeforeMs` (rows,
   * versions, relations, search entries; their ids stay reportable by `removed`), and forgets removed ids older than
   * `forgetBeforeMs`. Answers how many objects went.
   */
  sweepDeleted(deletedBeforeMs: number, forgetBeforeMs: number, limit: number): Promise<number>;
  /** Forgets processed events older than the given time. */
  pruneEvents(processedBeforeMs: number): Promise<void>;

  /** Cross-node signals: PostgreSQL LISTEN/NOTIFY, in-process for SQLite. */
  notify(channel: Channel, payload: string): Promise<void>;
  subscribe(fn: (channel: Channel, payload: string) => void): void;
}

export type Channel = 'keys' | 'types' | 'objects' | 'sessions' | 'events';

/** updateObject found the object at another version than the caller read: someone wrote in between. */
export class StaleWriteError extends Error {
  /** The ids found stale (as given by the caller), when known. */
  readonly ids: string[];

  constructor(ids: string[] = []) {
    super('the object changed since it was read');
    this.name = 'StaleWriteError';
    this.ids = ids;
  }
}

/** A key rule names a content type that is not stored (deleted meanwhile, perhaps on another node). */
export class MissingTypeError extends Error {
  constructor() {
    super('a rule names a content type that does not exist');
    this.name = 'MissingTypeError';
  }
}

/** deleteType refused: key rules name the type (the database's foreign key decides, even in a race). */
export class TypeInUseError extends Error {
  constructor() {
    super('key rules name this content type');
    this.name = 'TypeInUseError';
  }
}
