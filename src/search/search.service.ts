import { inScope, objectScope, previewScope } from '../access/policy.js';
import type { Hydrator } from '../content/hydrate.js';
import { objectJson } from '../content/object-json.js';
import type { LoadedType, TypeRegistry } from '../content-types/type-registry.js';
import { errors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';
import { checkFields, geoFilters, textFields } from './search-fields.js';
import type { SearchRequest } from './search-params.js';
import { MAX_RESULT_WINDOW, type SearchQuery, type SearchResult } from '../storage/search-query.js';
import { searchResponse } from './search-response.js';
import { parseSearchText } from './search-text.js';
import { type Answer, PageCache, type Stamp } from '../content/page-cache.js';
import { CacheStats } from '../core/cache-stats.js';

/** Remembered total_counts (per exact query and scope), valid while the searched types' generations are unchanged. */
const MAX_CACHED_TOTALS = 2000;

/** A search hit's fields besides the object and `object_data` (score, CTD id, four timestamps), rounded up. */
const HIT_FIELDS_BYTES = 256;

/**
 * `GET /api/v1/search`. Asks access/policy which types the caller may read and hands exactly that scope to storage,
 * whose full-text engine computes hits, total_count and aggregations inside it. Hydration goes through the
 * Hydrator, which applies the same policy to every relation.
 */
export class SearchService {
  private readonly totals = new Map<string, { stamp: Stamp; total: number }>();
  /**
   * Whole responses of repeated searches (hydrate=0), valid while the write generations of the types searched are
   * the ones read before the response was made, on every node (decision 0019). The key holds the scope the policy
   * computed, so callers with different read scopes never share an entry.
   */
  private readonly responses: PageCache;
  /** Lookups of the response and total caches, for /metrics. */
  readonly cacheStats: { readonly search: CacheStats; readonly searchTotal: CacheStats };

  constructor(
    private readonly storage: Storage,
    private readonly registry: TypeRegistry,
    private readonly hydrator: Hydrator,
    responseCacheBytes = 0,
  ) {
    this.responses = new PageCache(responseCacheBytes);
    this.cacheStats = { search: this.responses.stats, searchTotal: new CacheStats() };
  }

  /** Creates the service after filling the index from existing objects when a migration asked for it. */
  static async start(
    storage: Storage,
    registry: TypeRegistry,
    hydrator: Hydrator,
    responseCacheBytes = 0,
  ): Promise<SearchService> {
    await storage.rebuildSearchIndex(false);
    return new SearchService(storage, registry, hydrator, responseCacheBytes);
  }

  /** The JSON text of the Flotiq search response. */
  async search(p: Principal, r: SearchRequest): Promise<Answer> {
    const scope = await this.readableTypes(p, r.contentTypes);
    if (r.page * r.limit > MAX_RESULT_WINDOW) {
      throw errors.validation({
        page: [`Only the first ${MAX_RESULT_WINDOW} results can be reached: page × limit must not exceed ${MAX_RESULT_WINDOW}`],
      });
    }
    // a `field:` qualifier counts only for text fields of the types searched: a field of a type the caller cannot
    // read is no field here, exactly like a field that exists nowhere
    const clauses = parseSearchText(r.q, r.mode, textFields(scope.types));
    if (scope.types.length === 0) return searchResponse(r, emptyResult(r), []);
    const order = checkFields(scope.types, r);
    const searched = new Set(scope.types.map((t) => t.ct.name));
    const query: SearchQuery = {
      scope: scope.all ? 'all' : scope.types.map((t) => t.ct.name),
      // part of the query, so of every cache key too: a preview answer is never served to a public read
      previewTypes: previewScope(p),
      clauses,
      fuzzy: r.mode === 'fuzzy',
      fields: r.fields,
      filters: r.filters,
      postFilters: r.postFilters,
      termsAggregations: r.aggregateBy,
      statsAggregations: r.aggregateByNumeric,
      order: order && { key: order, direction: r.direction },
      geo: geoFilters(scope.types, r),
      // boosts of types not searched (unreadable, unknown, or outside content_type[]) change nothing
      typeBoosts: r.indicesBoost.filter((b) => searched.has(b.type)),
      ...(r.randomSeed === undefined ? {} : { randomSeed: r.randomSeed }),
      offset: (r.page - 1) * r.limit,
      limit: r.limit,
    };
    const cacheable = r.hydrate === 0 && this.responses.enabled;
    // read before anything is searched: an answer is as new as this stamp or newer
    const stamp = await this.stamp(scope.types);
    const key = cacheable ? JSON.stringify([query, r.page, r.limit]) : '';
    const cached = cacheable ? this.responses.get(key, stamp) : undefined;
    if (cached !== undefined) return cached;
    const result = await this.withCachedTotal(query, stamp);
    const rows = result.hits.map((h) => h.object);
    // each hit also carries itself as a JSON string (`object_data`) and a few fields: part of the byte budget
    const around = rows.reduce((n, o) => n + Buffer.byteLength(JSON.stringify(objectJson(o))) + HIT_FIELDS_BYTES, 0);
    const items = await this.hydrator.hydrateRows(p, rows, r.hydrate, around);
    const ctIds = new Map(scope.types.map((t) => [t.ct.name, t.ct.id]));
    const text = searchResponse(
      r,
      result,
      items.map((json, i) => ({ json, object: rows[i], ctdId: ctIds.get(rows[i].type) })),
    );
    return cacheable ? this.responses.set(key, stamp, text) : text;
  }

  /** The write generations of the types searched, with their names (a type added to the scope changes it too). */
  private async stamp(types: LoadedType[]): Promise<Stamp> {
    const names = types.map((t) => t.ct.name);
    const gens = await this.storage.typeGenerations(names);
    return names.map((n, i) => `${n}\0${gens[i]}`).join('\0');
  }

  /**
   * The types searched: the requested ones, each of which must be readable (403 otherwise, whether it exists or
   * not), or every readable type. `all` is true when nothing narrows the caller's unlimited read scope.
   */
  private async readableTypes(p: Principal, requested: string[]): Promise<{ all: boolean; types: LoadedType[] }> {
    const scope = objectScope(p, 'read');
    for (const name of requested) if (!inScope(scope, name)) throw errors.forbidden();
    const known = await this.registry.all();
    const names = requested.length > 0 ? requested : scope.all ? [...known.keys()] : [...scope.types];
    const types = [...new Set(names)].flatMap((n) => known.get(n) ?? []);
    return { all: scope.all && requested.length === 0, types };
  }

  /** Counting every match is the costly part of a common word: reuse the count while nothing was written. */
  private async withCachedTotal(query: SearchQuery, stamp: Stamp): Promise<SearchResult> {
    // what only orders or scores the matches leaves their number alone
    const {
      offset: _o,
      limit: _l,
      order: _order,
      termsAggregations: _t,
      statsAggregations: _s,
      randomSeed: _r,
      typeBoosts: _b,
      ...identity
    } = query;
    const key = JSON.stringify(identity);
    const hit = this.totals.get(key);
    this.cacheStats.searchTotal.record(hit !== undefined && hit.stamp === stamp);
    const result = await this.storage.search(hit && hit.stamp === stamp ? { ...query, knownTotal: hit.total } : query);
    if (this.totals.size >= MAX_CACHED_TOTALS) this.totals.clear();
    this.totals.set(key, { stamp, total: result.total });
    return result;
  }
}

function emptyResult(r: SearchRequest): SearchResult {
  return {
    total: 0,
    hits: [],
    terms: Object.fromEntries(r.aggregateBy.map((f) => [f, { buckets: [], otherDocCount: 0 }])),
    stats: Object.fromEntries(r.aggregateByNumeric.map((f) => [f, { count: 0, min: null, max: null, avg: null, sum: 0 }])),
  };
}
