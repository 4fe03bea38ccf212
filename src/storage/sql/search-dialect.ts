import type { Kysely, RawBuilder } from 'kysely';
import type { SearchDocument } from './search-document.js';
import type { StatsAggregation, TermsAggregation } from '../search-query.js';
import type { Database } from './schema.js';

/** A query term after fuzzy expansion: any of several words, a phrase, or a prefix. */
export type PlanTerm = { kind: 'any'; words: string[] } | { kind: 'phrase'; words: string[] } | { kind: 'prefix'; word: string };

export interface PlanClause {
  occur: 'must' | 'should' | 'not';
  term: PlanTerm;
}

/** Types whose requested fields sit in the same slots with the same boosts: one column filter serves them all. */
export interface FieldGroup {
  types: string[];
  /** slot → boost */
  slots: Map<number, number>;
}

/**
 * One full-text match, independent of the engine: the text (or none: filters only), where it must match (all text,
 * or one of the grouped fields), the type scope and the value filters (each a list of any-of key tokens).
 */
export interface MatchPlan {
  clauses: PlanClause[] | undefined;
  groups: FieldGroup[] | undefined;
  types: 'all' | readonly string[];
  filters: string[][];
}

export interface Scored {
  seq: number;
  score: number;
}

export type Db = Kysely<Database>;

/**
 * The engine-specific half of search (SQLite FTS5, PostgreSQL tsvector + pg_trgm). Writes run inside the caller's
 * transaction; reads get the plan and answer with object sequence numbers, which the shared code turns into objects.
 */
export interface SearchDialect {
  /** Replaces the index entry of one object and adds its words to the fuzzy vocabulary (which only grows). */
  write(db: Db, seq: number, type: string, doc: SearchDocument): Promise<void>;
  /** Removes the index entries of these objects. */
  remove(db: Db, seqs: number[]): Promise<void>;
  /** Vocabulary words most similar to `word` by shared trigrams (candidates; the caller checks edit distance). */
  similarWords(db: Db, word: string, limit: number): Promise<string[]>;
  /** A subquery of one column, `seq`, selecting every match. */
  matches(plan: MatchPlan): RawBuilder<unknown>;
  /** The `limit` newest matches with their relevance (higher is better). */
  rankedNewest(db: Db, plan: MatchPlan, limit: number): Promise<Scored[]>;
  /** Matches newest first after skipping `skip`, with their relevance. */
  newestAfter(db: Db, plan: MatchPlan, skip: number, take: number): Promise<Scored[]>;
  terms(db: Db, seqs: RawBuilder<unknown>, field: string, size: number): Promise<TermsAggregation>;
  stats(db: Db, seqs: RawBuilder<unknown>, field: string): Promise<StatsAggregation>;
  /** Appended to the SELECT of a reindex batch so that no concurrent write slips between read and index. */
  readonly lockRows: string;
}

/** ES stats of nothing: no values, sum 0. */
export const EMPTY_STATS: StatsAggregation = { count: 0, min: null, max: null, avg: null, sum: 0 };

/** Combines clauses the way query_string does: required and optional ones, then exclusions. */
export function combineClauses<T>(
  clauses: PlanClause[],
  term: (t: PlanTerm) => T,
  ops: { and: (xs: T[]) => T; or: (xs: T[]) => T; not: (x: T, excluded: T[]) => T },
): T {
  const of = (occur: PlanClause['occur']) => clauses.filter((c) => c.occur === occur).map((c) => term(c.term));
  const [musts, shoulds, nots] = [of('must'), of('should'), of('not')];
  // optional words next to required ones only add to the score: OR-ing them with a required term keeps the
  // matching set unchanged while both engines still rank them
  const positive =
    musts.length === 0
      ? ops.or(shoulds)
      : shoulds.length === 0
        ? ops.and(musts)
        : ops.and([...musts, ops.or([...shoulds, musts[0]])]);
  return nots.length === 0 ? positive : ops.not(positive, nots);
}
