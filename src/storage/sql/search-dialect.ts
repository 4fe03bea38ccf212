import type { Kysely, RawBuilder } from 'kysely';
import type { SearchDocument } from './search-document.js';
import type { StatsAggregation, TermsAggregation } from '../search-query.js';
import type { Database } from './schema.js';

/** A query term after fuzzy expansion: any of several words, a phrase, or a prefix. */
export type PlanTerm = { kind: 'any'; words: string[] } | { kind: 'phrase'; words: string[] } | { kind: 'prefix'; word: string };

export interface PlanClause {
  occur: 'must' | 'should' | 'not';
  term: PlanTerm;
  /** `field:term`: match only in this field (its slot per type: FieldGroup.named). */
  field?: string;
}

/**
 * Types whose requested fields (fields[] and `field:term` fields) sit in the same slots with the same boosts: one
 * column filter serves them all.
 */
export interface FieldGroup {
  types: string[];
  /** slot → boost of the fields[] listed (empty when none is listed, or these types have none of them) */
  slots: Map<number, number>;
  /** a `field:term` field → its slot in these types (absent: these types have no such text field) */
  named: Map<string, number>;
}

/**
 * One full-text match, independent of the engine: the text (or none: filters only), where it must match (all text,
 * or one of the grouped fields), the type scope, the value filters (each a list of any-of key tokens) and a
 * condition on the matching `objects` row that the index cannot answer (geo filters).
 */
export interface MatchPlan {
  clauses: PlanClause[] | undefined;
  /** Set when fields[] is listed or a clause names a field; only groups that can match are kept. */
  groups: FieldGroup[] | undefined;
  /** fields[] was given: unqualified terms match only in the groups' `slots`. */
  listed: boolean;
  types: 'all' | readonly string[];
  filters: string[][];
  /** A condition on the row `objects` of a match (SQL of the dialect), or undefined. */
  rows: RawBuilder<boolean> | undefined;
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
  /**
   * The `limit` newest matches with their relevance (higher is better). `expected`, when known, is how many matches
   * there are in all (a count remembered from an earlier request): a hint for how far back to look, never a limit.
   */
  rankedNewest(db: Db, plan: MatchPlan, limit: number, expected?: number): Promise<Scored[]>;
  /** Matches newest first after skipping `skip`, with their relevance. */
  newestAfter(db: Db, plan: MatchPlan, skip: number, take: number): Promise<Scored[]>;
  terms(db: Db, seqs: RawBuilder<unknown>, field: string, size: number): Promise<TermsAggregation>;
  stats(db: Db, seqs: RawBuilder<unknown>, field: string): Promise<StatsAggregation>;
  /**
   * The great-circle (haversine) distance in metres between the geo point `field` of the row `objects` and
   * (lat, lon); NULL where the row has no numeric lat and lon there.
   */
  geoDistance(field: string, lat: number, lon: number): RawBuilder<number | null>;
  /**
   * Whether that point lies within `meters` of (lat, lon): first a latitude band (no point farther north or south
   * than the distance can be within it), so most rows skip the trigonometry, then the distance itself.
   */
  geoWithin(field: string, lat: number, lon: number, meters: number): RawBuilder<boolean>;
  /** Appended to the SELECT of a reindex batch so that no concurrent write slips between read and index. */
  readonly lockRows: string;
}

/** ES stats of nothing: no values, sum 0. */
export const EMPTY_STATS: StatsAggregation = { count: 0, min: null, max: null, avg: null, sum: 0 };

/** Earth's mean radius in metres, as Elasticsearch's arc distance uses it. */
export const EARTH_RADIUS_M = 6_371_008.7714;

/** The latitudes a point within `meters` of latitude `lat` can have: the angular distance bounds the difference. */
export function latitudeBand(lat: number, meters: number): [number, number] {
  // a hair wider than exact, so that rounding can never drop a point the distance keeps
  const degrees = (meters / EARTH_RADIUS_M) * (180 / Math.PI) * (1 + 1e-9) + 1e-9;
  return [lat - degrees, lat + degrees];
}

/** Whether some clause names a field (`field:term`). */
export const qualified = (plan: MatchPlan): boolean => (plan.clauses ?? []).some((c) => c.field !== undefined);

/** The slots where terms may match in a group, with their bm25/ts_rank weights: fields[] boosts, named fields ≥ 1. */
export function groupWeights(g: FieldGroup): Map<number, number> {
  const out = new Map(g.slots);
  for (const slot of g.named.values()) out.set(slot, Math.max(out.get(slot) ?? 0, 1));
  return out;
}

/**
 * The clauses that can match in a group's types, or undefined when none of its rows can match: a required term in a
 * field these types lack matches nothing, an optional one drops out, an exclusion excludes nothing.
 */
export function clausesFor(plan: MatchPlan, g: FieldGroup): PlanClause[] | undefined {
  const clauses = plan.clauses ?? [];
  const can = (c: PlanClause) => (c.field !== undefined ? g.named.has(c.field) : !plan.listed || g.slots.size > 0);
  if (clauses.some((c) => c.occur === 'must' && !can(c))) return undefined;
  const kept = clauses.filter(can);
  return kept.some((c) => c.occur !== 'not') ? kept : undefined;
}

/** Combines clauses the way query_string does: required and optional ones, then exclusions. */
export function combineClauses<T>(
  clauses: PlanClause[],
  term: (c: PlanClause) => T,
  ops: { and: (xs: T[]) => T; or: (xs: T[]) => T; not: (x: T, excluded: T[]) => T },
): T {
  const of = (occur: PlanClause['occur']) => clauses.filter((c) => c.occur === occur).map(term);
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
