import type { OrderKey, StoredObject } from './object-row.js';

/**
 * What a search asks of storage, already parsed, validated and scoped by SearchService. Storage answers it with
 * its own full-text engine (SQLite FTS5, PostgreSQL tsvector); every count and aggregation is computed inside the
 * scope carried here, so nothing outside the caller's readable types can influence an answer.
 */

/** A single word, a phrase (words in order, adjacent) or a prefix (`quant*`). Words are folded (see search-words.ts). */
export type SearchTerm = { kind: 'word'; word: string } | { kind: 'phrase'; words: string[] } | { kind: 'prefix'; word: string };

/** ES query_string semantics: `should` clauses are alternatives (OR), `must` are required (`+`), `not` excluded (`-`). */
export interface SearchClause {
  occur: 'must' | 'should' | 'not';
  term: SearchTerm;
  /** `field:term`: the term must match in this text field (one that a searched type has), not anywhere. */
  field?: string;
}

/** `filters[field]=value`: the field holds the value (or, for lists, an element equal to it); values are any-of. */
export interface SearchFilter {
  field: string;
  values: string[];
}

export interface SearchField {
  name: string;
  boost: number;
}

/** `geo_filters[field]=geo_distance,…`: the object's geo point lies within `meters` of (lat, lon), great-circle. */
export interface GeoFilter {
  field: string;
  /** The searched types in which `field` is a geo field: objects of any other type have no such point. */
  types: readonly string[];
  lat: number;
  lon: number;
  meters: number;
}

/** `indices_boost[type]=n`: the scores of that type's hits are multiplied by n. */
export interface TypeBoost {
  type: string;
  boost: number;
}

/** What a search may be ordered by besides the score: a list order key, or the distance to the first geo filter. */
export type SearchOrderKey = OrderKey | { kind: 'geoDistance' };

export interface SearchQuery {
  /** The readable content types to search (never empty: SearchService answers an empty scope itself), or every type. */
  scope: 'all' | readonly string[];
  /** The types read in preview (drafts included); every other type is read in its public view. */
  previewTypes: 'all' | readonly string[];
  /** undefined means every object in scope (`q=*`). */
  clauses: SearchClause[] | undefined;
  /** Expand single words to the indexed words within Elasticsearch's AUTO edit distance. */
  fuzzy: boolean;
  /** Empty: all text fields together. Otherwise a hit must match the query within one of these fields. */
  fields: SearchField[];
  filters: SearchFilter[];
  /** Applied to hits and total_count, but not to aggregations. */
  postFilters: SearchFilter[];
  termsAggregations: string[];
  statsAggregations: string[];
  /** Tie-breaker after the score (and the only order of `q=*`); undefined = newest first. */
  order: { key: SearchOrderKey; direction: 'asc' | 'desc' } | undefined;
  /** Every filter must hold (absent: none). */
  geo?: GeoFilter[];
  /** `random_seed`: hits in a seeded random order, which replaces the score and `order` (absent: none). */
  randomSeed?: string;
  /** Score multipliers of types searched, sorted by type (absent or empty: none). */
  typeBoosts?: TypeBoost[];
  offset: number;
  limit: number;
  /** A total_count the service still holds for this exact query: storage then skips counting. */
  knownTotal?: number;
}

export interface TermsBucket {
  key: string | number | boolean;
  docCount: number;
}

export interface TermsAggregation {
  buckets: TermsBucket[];
  /** Documents in buckets beyond the returned ones (Elasticsearch's sum_other_doc_count). */
  otherDocCount: number;
}

export interface StatsAggregation {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number;
}

export interface SearchHit {
  object: StoredObject;
  score: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  terms: Record<string, TermsAggregation>;
  stats: Record<string, StatsAggregation>;
}

/** How many of the newest matches are ranked by relevance per query (see docs/decisions/0003-search-engine.md). */
export const RANK_POOL = 1000;

/**
 * How many of the newest matches a `random_seed` search shuffles: bounded work (their ids are read and hashed per
 * request), and five times what a client can reach (MAX_RESULT_WINDOW); older matches are left out only beyond it.
 */
export const RANDOM_POOL = 50_000;

/** Only the first 10 000 hits can be reached (Elasticsearch's index.max_result_window, as Flotiq documents). */
export const MAX_RESULT_WINDOW = 10_000;

/** Buckets returned per terms aggregation (Elasticsearch's default `size`). */
export const TERMS_BUCKETS = 10;
