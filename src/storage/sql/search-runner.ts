import { sql, type RawBuilder } from 'kysely';
import {
  RANDOM_POOL,
  RANK_POOL,
  TERMS_BUCKETS,
  type SearchHit,
  type SearchOrderKey,
  type SearchQuery,
  type SearchResult,
  type StatsAggregation,
  type TermsAggregation,
} from '../search-query.js';
import type { DialectOps } from './dialect-ops.js';
import { objectColumns, ORDER_COLUMNS, toObject, typeLit, visibleRows, type ObjectRow } from './object-rows.js';
import { EMPTY_STATS, type Db, type MatchPlan, type Scored, type SearchDialect } from './search-dialect.js';
import { filterTokens, matchPlan, withView } from './search-plan.js';
import { seededRank } from './search-random.js';

function typeList(types: readonly string[]): RawBuilder<unknown> {
  return sql.join(types.map(typeLit));
}

const liveInScope = (q: Pick<SearchQuery, 'scope' | 'previewTypes'>) =>
  q.scope === 'all'
    ? visibleRows({ previewTypes: q.previewTypes })
    : sql`${visibleRows({ previewTypes: q.previewTypes })} AND objects.type IN (${typeList(q.scope)})`;

/** Live rows in scope and view that pass the plan's row condition: what a search reads without the index. */
const objectsWhere = (q: SearchQuery, plan: MatchPlan) => (plan.rows ? sql`${liveInScope(q)} AND ${plan.rows}` : liveInScope(q));

/** An order key as an expression on `objects` (the distance to the first geo filter's point for _geo_distance). */
function orderExpr(ops: DialectOps, dialect: SearchDialect, q: SearchQuery, key: SearchOrderKey): RawBuilder<unknown> {
  if (key.kind === 'geoDistance') {
    const g = q.geo?.[0];
    if (!g) throw new Error('_geo_distance order without a geo filter reached storage');
    return dialect.geoDistance(g.field, g.lat, g.lon);
  }
  return key.kind === 'column' ? sql.ref(`objects.${ORDER_COLUMNS[key.column]}`) : ops.value(key.path);
}

/** indices_boost as a function of the type (1 for types not named), or undefined without boosts. */
function boostOf(q: SearchQuery): ((type: string) => number) | undefined {
  if (!q.typeBoosts || q.typeBoosts.length === 0) return undefined;
  const boosts = new Map(q.typeBoosts.map((b) => [b.type, b.boost]));
  return (type) => boosts.get(type) ?? 1;
}

/** The types of these rows. */
async function typesOf(db: Db, seqs: number[]): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map();
  const r = await sql<{ seq: number; type: string }>`SELECT objects.seq, objects.type FROM objects
    WHERE objects.seq IN (${sql.join(seqs)})`.execute(db);
  return new Map(r.rows.map((x) => [Number(x.seq), x.type]));
}

/** Scores times their type's boost. */
async function boosted(db: Db, q: SearchQuery, page: Scored[]): Promise<Scored[]> {
  const boost = boostOf(q);
  if (!boost) return page;
  const types = await typesOf(
    db,
    page.map((p) => p.seq),
  );
  return page.map((p) => ({ seq: p.seq, score: p.score * boost(types.get(p.seq) ?? '') }));
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

/** Score (times its type's boost) first, then the requested order, then newest first. */
async function sortPool(db: Db, ops: DialectOps, dialect: SearchDialect, q: SearchQuery, pool: Scored[]): Promise<Scored[]> {
  const order = q.order;
  const values = new Map<number, Sortable>();
  if (order && pool.length > 0) {
    const r = await sql<{ seq: number; v: Sortable }>`SELECT objects.seq, ${orderExpr(ops, dialect, q, order.key)} AS v
      FROM objects WHERE objects.seq IN (${sql.join(pool.map((p) => p.seq))})`.execute(db);
    for (const x of r.rows) values.set(Number(x.seq), x.v);
  }
  return [...(await boosted(db, q, pool))].sort(
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
  if (q.offset < poolSize) page.push(...(await sortPool(db, ops, dialect, q, pool)).slice(q.offset, end));
  if (end > poolSize && total > poolSize) {
    const skip = Math.max(q.offset, poolSize);
    page.push(...(await boosted(db, q, await dialect.newestAfter(db, plan, skip, end - skip))));
  }
  return page;
}

/**
 * A page of `q=*` (everything, or only filters): ordered by the requested key, score 1 as Elasticsearch's match_all
 * (times the type's boost, and boosted types first, since the score comes first).
 */
async function orderedPage(db: Db, ops: DialectOps, dialect: SearchDialect, plan: MatchPlan, q: SearchQuery): Promise<Scored[]> {
  // the row condition is checked here, on `objects`, rather than once more inside the index subquery
  const filtered = plan.filters.length > 0 ? sql`AND objects.seq IN (${dialect.matches({ ...plan, rows: undefined })})` : sql``;
  const boosts = q.typeBoosts ?? [];
  const score =
    boosts.length === 0
      ? sql`1`
      : sql`(CASE objects.type ${sql.join(
          boosts.map((b) => sql`WHEN ${typeLit(b.type)} THEN ${sql.lit(b.boost)}`),
          sql` `,
        )} ELSE 1 END)`;
  let order = boosts.length === 0 ? sql`` : sql`score DESC, `;
  if (q.order) {
    const key = orderExpr(ops, dialect, q, q.order.key);
    const dir = sql.raw(q.order.direction === 'desc' ? 'DESC' : 'ASC');
    order = sql`${order}${q.order.key.kind === 'column' ? sql`${key} ${dir}, ` : sql`CASE WHEN ${key} IS NULL THEN 1 ELSE 0 END, ${key} ${dir}, `}`;
  }
  const r = await sql<{ seq: number; score: number }>`SELECT objects.seq, ${score} AS score FROM objects
    WHERE ${objectsWhere(q, plan)} ${filtered}
    ORDER BY ${order}objects.seq DESC LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db);
  return r.rows.map((x) => ({ seq: Number(x.seq), score: Number(x.score) }));
}

/**
 * A page of a `random_seed` search: the RANDOM_POOL newest matches (every match, up to that many) in the order of
 * their seeded rank (times the type's boost), which is also their score; ties by type and id, as on every database.
 */
async function randomPage(db: Db, dialect: SearchDialect, plan: MatchPlan, q: SearchQuery, seed: string): Promise<Scored[]> {
  const indexed = plan.clauses !== undefined || plan.filters.length > 0;
  const rows = plan.rows ? sql`AND ${plan.rows}` : sql``;
  const r = indexed
    ? await sql<{ seq: number; type: string; id: string }>`SELECT objects.seq, objects.type, objects.id
        FROM (${dialect.matches({ ...plan, rows: undefined })}) m JOIN objects ON objects.seq = m.seq
        WHERE objects.deleted_ms IS NULL ${rows} ORDER BY objects.seq DESC LIMIT ${RANDOM_POOL}`.execute(db)
    : await sql<{ seq: number; type: string; id: string }>`SELECT objects.seq, objects.type, objects.id FROM objects
        WHERE ${objectsWhere(q, plan)} ORDER BY objects.seq DESC LIMIT ${RANDOM_POOL}`.execute(db);
  const end = Math.min(r.rows.length, q.offset + q.limit);
  if (q.offset >= end) return [];
  const rank = seededRank(seed);
  const boost = boostOf(q) ?? (() => 1);
  const scores = Float64Array.from(r.rows, (x) => rank(x.type, x.id) * boost(x.type));
  // only the `end` best are ordered: a native numeric sort finds the cut, a comparator sorts just those above it
  const cut = Float64Array.from(scores).sort()[scores.length - end];
  const top: { i: number; key: string }[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= cut) top.push({ i, key: `${r.rows[i].type}\u0000${r.rows[i].id}` });
  top.sort((a, b) => scores[b.i] - scores[a.i] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return top.slice(q.offset, end).map(({ i }) => ({ seq: Number(r.rows[i].seq), score: scores[i] }));
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
    : sql`SELECT count(*) AS n FROM objects WHERE ${objectsWhere(q, plan)}`;
  const seed = q.randomSeed;
  // counting and ranking are independent: PostgreSQL runs them on two connections at once
  const [total, pool] = await Promise.all([
    q.knownTotal ?? sql<{ n: number }>`${counted}`.execute(db).then((r) => Number(r.rows[0]?.n ?? 0)),
    plan.clauses && seed === undefined && q.offset < RANK_POOL ? dialect.rankedNewest(db, plan, RANK_POOL, q.knownTotal) : [],
  ]);
  let page: Scored[] = [];
  if (seed !== undefined) page = await randomPage(db, dialect, plan, q, seed);
  else if (plan.clauses) page = await rankedPage(db, ops, dialect, plan, q, total, pool);
  else if (q.offset < total) page = await orderedPage(db, ops, dialect, plan, q);
  // aggregations see the filters (geo filters too) but not the post filters, so facet counts ignore what they hide
  const pre: MatchPlan = { ...plan, filters: withView(q, filterTokens(q.filters), plan.clauses !== undefined) };
  const seqs =
    pre.clauses !== undefined || pre.filters.length > 0
      ? dialect.matches(pre)
      : sql`SELECT objects.seq FROM objects WHERE ${objectsWhere(q, pre)}`;
  const [hits, aggregations] = await Promise.all([load(db, ops, page), aggregate(db, dialect, q, seqs)]);
  return { total, hits, ...aggregations };
}
