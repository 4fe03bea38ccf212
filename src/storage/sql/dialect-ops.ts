import type { RawBuilder } from 'kysely';
import type { Scalar } from '../filter-node.js';

/** A column of a bulk insert: its name and its type (PostgreSQL reads each column's values as an array of it). */
export interface InsertColumn {
  name: string;
  type: 'text' | 'bigint' | 'integer' | 'jsonb';
}

/**
 * Everything that differs between SQLite and PostgreSQL, as SQL fragments. The shared storage code composes these
 * and never branches on the dialect. Paths and type names are validated identifiers ([A-Za-z0-9_]) before they get
 * here, so they may be inlined as literals (which lets both planners match the per-type partial indexes).
 */
export interface DialectOps {
  readonly name: 'sqlite' | 'postgres';
  /** The stored document as text, for splicing into responses. */
  readonly dataText: RawBuilder<string>;
  /** A bound JSON document for INSERT/UPDATE. */
  jsonParam(json: string): RawBuilder<unknown>;
  /** A comparable value at a data path: numbers compare as numbers, strings as strings. The indexed expression. */
  value(path: string[]): RawBuilder<unknown>;
  /** The value at a data path as text (for LIKE). */
  text(path: string[]): RawBuilder<string>;
  /** A bound scalar comparable with value(). */
  scalar(v: Scalar): RawBuilder<unknown>;
  /** Case-insensitive LIKE with `\` as the escape character. */
  ilike(expr: RawBuilder<unknown>, pattern: string): RawBuilder<boolean>;
  /** True when the value at path is missing, null, "" or []. */
  isEmpty(path: string[]): RawBuilder<boolean>;
  /** EXISTS over the elements of the array at path, with cond built from elementValue/elementText. */
  someElement(path: string[], cond: RawBuilder<boolean>): RawBuilder<boolean>;
  elementValue(sub: string[]): RawBuilder<unknown>;
  elementText(sub: string[]): RawBuilder<string>;
  /** DDL of the expression index for one scalar field of one type. */
  fieldIndexDdl(indexName: string, type: string, field: string): string;
  /**
   * A hint that makes the planner walk a field index for an ordered page. SQLite's planner does not pick a partial
   * expression index for ORDER BY … LIMIT on its own (it sorts the whole type instead); PostgreSQL's does.
   */
  forceIndex(indexName: string): string;
  /**
   * Appended to a SELECT that claims queue rows: ` FOR UPDATE SKIP LOCKED` where several nodes may claim at once
   * (PostgreSQL); empty where one process writes at a time (SQLite).
   */
  readonly skipLocked: string;
  /**
   * Run first in a transaction whose commit need not wait for the disk (bookkeeping that is redone after a crash:
   * claims of events and deliveries, delivery outcomes); null where commits do not wait for it anyway (SQLite in WAL
   * mode with synchronous=NORMAL). Decision 0012, addendum.
   */
  readonly relaxedCommit: string | null;
  /** Appended to a SELECT of rows about to change: ` FOR UPDATE` where another node may change them meanwhile. */
  readonly forUpdate: string;
  /** Is this error the engine's foreign-key violation? */
  isForeignKeyViolation(e: unknown): boolean;
  /** Did the engine abort this transaction for colliding with another one (a deadlock)? Trying again may succeed. */
  isTransientConflict(e: unknown): boolean;
  /**
   * `column` is one of `values`: SQLite `IN (?, ?, …)`; PostgreSQL `= ANY($1)` with one array parameter, so the
   * text is the same whatever the number of values — prepared once per connection (postgres/prepared.ts) instead of
   * planned on every call, where proving a list of constants against every partial index of `objects` cost more
   * than running the statement.
   */
  isIn(column: string, values: readonly (string | number)[], type: 'text' | 'bigint'): RawBuilder<boolean>;
  /**
   * The text of one `verb` (INSERT) of `rows` rows of `columns` into `table`, then `tail` (`ON CONFLICT …`, `RETURNING …`):
   * SQLite binds one VALUES tuple per row; PostgreSQL one array per column, read by unnest(), so that one text (and
   * one prepared plan) serves any number of rows and a statement carries as many parameters as columns.
   */
  insertRowsSql(verb: string, table: string, columns: readonly InsertColumn[], rows: number, tail: string): string;
  /** The parameters of insertRowsSql's (or rowsSource's) statement for these rows (each its values in column order). */
  insertRowsParams(rows: readonly (readonly unknown[])[]): unknown[];
  /**
   * `rows` rows of `columns` as a FROM item named `alias`, its columns named as given, bound the way insertRowsSql
   * binds them (its parameters are the statement's only ones): an UPDATE … FROM over many rows in one fixed text.
   */
  rowsSource(columns: readonly InsertColumn[], rows: number, alias: string): string;
  /**
   * Whether a page with a substring filter (contains, startsWith, endsWith) ordered by a column first walks the
   * type's rows in page order, up to a window, before asking for every match: where an index finds every match
   * (PostgreSQL trigrams), the page would otherwise read and sort them all to keep a few. Off where no index serves
   * these filters (SQLite).
   */
  readonly walksSubstringPages: boolean;
  /** DDL of an index that serves `contains` on a text field, where the engine has one (PostgreSQL trigrams). */
  textIndexDdl?(indexName: string, type: string, field: string): string;
}
