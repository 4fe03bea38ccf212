import type { SearchDocument } from './search-document.js';
import type { Db } from './search-dialect.js';

/** The index entry of one object row, ready to write. */
export interface IndexEntry {
  seq: number;
  type: string;
  doc: SearchDocument;
  /** The row was inserted in this transaction: it has no entry to replace. */
  fresh: boolean;
}

/**
 * Writes many index entries at once (a batch's objects), in a few statements whatever their number: the bulk twin of
 * SearchDialect.write, which must index a row exactly as it does (test/api/batch-transaction.test.ts compares them).
 */
export interface SearchWriter {
  /** Replaces the index entries of these rows and adds their words to the fuzzy vocabulary. */
  writeMany(db: Db, entries: IndexEntry[]): Promise<void>;
}

/** The distinct words of these entries (for the fuzzy vocabulary), in the order first seen. */
export function vocabularyOf(entries: readonly IndexEntry[]): string[] {
  const words = new Set<string>();
  for (const e of entries) for (const w of e.doc.words) words.add(w);
  return [...words];
}

/** Entries per statement where a writer slices them itself (PostgreSQL's arrays): far below its limits. */
export const ENTRIES_PER_STATEMENT = 500;

/** `xs` in slices of at most `n`. */
export function slices<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
