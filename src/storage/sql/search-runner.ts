import { sql, type RawBuilder } from 'kysely';
import {
  RANK_POOL,
  TERMS_BUCKETS,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
  type StatsAggregation,
  type TermsAggregation,
} from '../search-query.js';
import type { OrderKey } from '../port.js';
import type { DialectOps } from './dialect-ops.js';
import { objectColumns, ORDER_COLUMNS, toObject, typeLit, visibleRows, type ObjectRow } from './object-rows.js';
import { EMPTY_STATS, type Db, type MatchPlan, type Scored, type SearchDialect } from './search-dialect.js';
import { filterTokens, matchPlan, withView } from './search-plan.js';

function typeList(types: readonly string[]): RawBuilder<unknown> {
  return sql.join(types.map(typeLit));
}

const liveInScope = (q: Pick<SearchQuery, 'scope' | 'previewTypes'>) =>
  q.scope === 'all'
    ? visibleRows({ previewTypes: q.previewTypes })
    : sql`${visibleRows({ previewTypes: q.previewTypes })} AND objects.type IN (${typeList(q.scope)})`;

function orderExpr(ops: DialectOps, key: OrderKey): RawBuilder<unknown> {
  return key.kind === 'column' ? sql.ref(`objects.${ORDER_COLUMNS[key.column]}`) : ops.value(key.path);
}

type Sortable = string | number | boolean | null | undefined;

/** Missing values last in both directions (Elasticsearch's default); numbers before text. */
function compareValues(a: Sortable, b: Sortable, direction: 'asc' | 'desc'): number {
  const missing = (v: Sortable) => v === null || v === undefined;
  if (missing(a) || missing(b)) return missing(a) === missing(b) ? 0 : missing(a) ? 1 : -1;
  const c =
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : typeof a === 'number'
        ? -1
        : typeof b === 'number'
          ? 1
          : String(a) < String(b)
            ? -1
            : String(a) > String(b)
              ? 1
              : 0;
  return direction === 'asc' ? c : -c;
}

/** Score first, then the requested order, then newest first. */
async function sortPool(db: Db, ops: DialectOps, pool: Scored[], order: SearchQuery['order']): Promise<Scored[]> {
  const values = new Map<number, Sortable>();
  if (order && pool.length > 0) {
    const r = await sql<{ seq: number; v: Sortable }>`SELECT objects.seq, ${orderExpr(ops, order.key)} AS v FROM objects
      WHERE objects.seq IN (${sql.join(pool.map((p) => p.seq))})`.execute(db);
    for (const x of r.rows) values.set(Number(x.seq), x.v);
  }
  return [...pool].sort(
    (a, b) =>
      b.score - a.score || (order ? compareValues(values.get(a.seq), values.get(b.seq), order.direction) : 0) || b.seq - a.seq,
  );
}

/**
 * A page of a text search. The RANK_POOL newest matches (`pool`) are ranked by relevance: bounded work however
 * common the words are. Matches beyond them follow newest first. total_count is exact either way.
 */
async function rankedPage(
  db: Db,
  ops: DialectOps,
  dialect: SearchDialect,
  plan: MatchPlan,
  q: SearchQuery,
  total: number,
  pool: Scored[],
): Promise<Scored[]> {
  // the pool itself says how many matches it holds: a total remembered by the service cannot hide fresh hits
  const poolSize = pool.length;
  const end = q.offset + q.limit;
  const page: Scored[] = [];
  if (q.offset < poolSize) page.push(...(await sortPool(db, ops, pool, q.order)).slice(q.offset, end));
  if (end > poolSize && total > poolSize) {
    const skip = Math.max(q.offset, poolSize);
    page.push(...(await dialect.newestAfter(db, plan, skip, end - skip)));
  }
  return page;
}

/** A page of `q=*` (everything, or only filters): ordered by the requested key, score 1 as Elasticsearch's match_all. */
async function orderedPage(db: Db, ops: DialectOps, dialect: SearchDialect, plan: MatchPlan, q: SearchQuery): Promise<Scored[]> {
  const filtered = plan.filters.length > 0 ? sql`AND objects.seq IN (${dialect.matches(plan)})` : sql``;
  let order = sql``;
  if (q.order) {
    const key = orderExpr(ops, q.order.key);
    const dir = sql.raw(q.order.direction === 'desc' ? 'DESC' : 'ASC');
    order =
      q.order.key.kind === 'column' ? sql`${key} ${dir}, ` : sql`CASE WHEN ${key} IS NULL THEN 1 ELSE 0 END, ${key} ${dir}, `;
  }
  const r = await sql<{ seq: number }>`SELECT objects.seq FROM objects WHERE ${liveInScope(q)} ${filtered}
    ORDER BY ${order}objects.seq DESC LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db);
  return r.rows.map((x) => ({ seq: Number(x.seq), score: 1 }));
}

async function load(db: Db, ops: DialectOps, page: Scored[]): Promise<SearchHit[]> {
  if (page.length === 0) return [];
  const r = await sql<ObjectRow>`SELECT ${objectColumns(ops)}
    FROM objects WHERE objects.seq IN (${sql.join(page.map((p) => p.seq))}) AND objects.deleted_ms IS NULL`.execute(db);
  const bySeq = new Map(r.rows.map((x) => [Number(x.seq), x]));
  return page.flatMap((p) => {
    const x = bySeq.get(p.seq);
    if (!x) return []; // deleted since the index answered
    return [{ object: toObject(x), score: p.score }];
  });
}

async function aggregate(db: Db, dialect: SearchDialect, q: SearchQuery, seqs: RawBuilder<unknown> | undefined) {
  const terms: Record<string, TermsAggregation> = {};
  const stats: Record<string, StatsAggregation> = {};
  for (const f of q.termsAggregations)
    terms[f] = seqs ? await dialect.terms(db, seqs, f, TERMS_BUCKETS) : { buckets: [], otherDocCount: 0 };
  for (const f of q.statsAggregations) stats[f] = seqs ? await dialect.stats(db, seqs, f) : EMPTY_STATS;
  return { terms, stats };
}

/** Answers a search entirely inside the query's scope: hits, total and aggregations. */
export async function runSearch(db: Db, ops: DialectOps, dialect: SearchDialect, q: SearchQuery): Promise<SearchResult> {
  const plan = await matchPlan(db, dialect, q);
  if (!plan) return { total: 0, hits: [], ...(await aggregate(db, dialect, q, undefined)) };
  const indexed = plan.clauses !== undefined || plan.filters.length > 0;
  const counted = indexed
    ? sql`SELECT count(*) AS n FROM (${dialect.matches(plan)}) m`
    : sql`SELECT count(*) AS n FROM objects WHERE ${liveInScope(q)}`;
  // counting and ranking are independent: PostgreSQL runs them on two connections at once
  const [total, pool] = await Promise.all([
    q.knownTotal ?? sql<{ n: number }>`${counted}`.execute(db).then((r) => Number(r.rows[0]?.n ?? 0)),
    plan.clauses && q.offset < RANK_POOL ? dialect.rankedNewest(db, plan, RANK_POOL) : [],
  ]);
  let page: Scored[] = [];
  if (plan.clauses) page = await rankedPage(db, ops, dialect, plan, q, total, pool);
  else if (q.offset < total) page = await orderedPage(db, ops, dialect, plan, q);
  // aggregations see the filters but not the post filters, so facet counts ignore what post_filters hide
  const pre: MatchPlan = { ...plan, filters: withView(q, filterTokens(q.filters), plan.clauses !== undefined) };
  const seqs =
    pre.clauses !== undefined || pre.filters.length > 0
      ? dialect.matches(pre)
      : sql`SELECT objects.seq FROM objects WHERE ${liveInScope(q)}`;
  const [hits, aggregations] = await Promise.all([load(db, ops, page), aggregate(db, dialect, q, seqs)]);
  return { total, hits, ...aggregations };
}
