import { sql, type RawBuilder } from 'kysely';
import { foldText } from '../../core/search-words.js';
import {
  combineClauses,
  EARTH_RADIUS_M,
  EMPTY_STATS,
  groupWeights,
  latitudeBand,
  qualified,
  type Db,
  type FieldGroup,
  type MatchPlan,
  type PlanClause,
  type PlanTerm,
  type Scored,
  type SearchDialect,
} from '../sql/search-dialect.js';

/**
 * PostgreSQL full-text search. `search_docs` holds one row per live object (type, key tokens, a tsvector of all its
 * text, GIN-indexed); `search_fields` one row per non-empty text slot, for `fields[]`: the listed fields are matched
 * together, like SQLite's column filter (a word in the title and another in the body satisfy `+a +b`). Ranking is
 * ts_rank (per field times its boost, summed, for `fields[]`). Fuzzy expansion uses pg_trgm's trigram distance (GiST,
 * nearest first) over the vocabulary `search_words`. Text is folded (diacritics removed) before
 * `to_tsvector('english', …)`, like SQLite's `remove_diacritics`, so both engines agree on what a word is.
 * A query with `field:term` clauses is answered from search_docs (any positive term, GIN) and then checked clause by
 * clause, a named or listed field's clause by its search_fields rows.
 */

const CFG = sql.raw(`'english'::regconfig`);

function termQuery(t: PlanTerm): RawBuilder<unknown> {
  switch (t.kind) {
    case 'any':
      return sql`(${sql.join(
        t.words.map((w) => sql`plainto_tsquery(${CFG}, ${w})`),
        sql` || `,
      )})`;
    case 'phrase':
      return sql`phraseto_tsquery(${CFG}, ${t.words.join(' ')})`;
    case 'prefix':
      // the word is letters and digits only, so it cannot carry tsquery syntax
      return sql`to_tsquery(${CFG}, ${`${t.word}:*`})`;
  }
}

const joinOp = (op: string) => (xs: RawBuilder<unknown>[]) =>
  xs.length === 1 ? xs[0] : sql`(${sql.join(xs, sql.raw(` ${op} `))})`;

/** The one-row relation `q`: the whole query, and `any` positive term (an index-usable superset of the matches). */
function queryRow(plan: MatchPlan): RawBuilder<unknown> {
  const clauses = plan.clauses ?? [];
  const whole = combineClauses(clauses, (c) => termQuery(c.term), {
    and: joinOp('&&'),
    or: joinOp('||'),
    not: (x, excluded) =>
      sql`(${x} ${sql.join(
        excluded.map((e) => sql`&& (!! ${e})`),
        sql` `,
      )})`,
  });
  const any = joinOp('||')(clauses.filter((c) => c.occur !== 'not').map((c) => termQuery(c.term)));
  return sql`SELECT ${whole} AS q, ${any} AS any`;
}

/**
 * Whether the listed fields must be checked together: with several required terms, or exclusions, a document can
 * match although no single field does (or fail although one does). Otherwise one matching field row suffices.
 */
function together(plan: MatchPlan): boolean {
  const clauses = plan.clauses ?? [];
  return clauses.filter((c) => c.occur === 'must').length > 1 || clauses.some((c) => c.occur === 'not');
}

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`));

/**
 * Rows of search_fields `alias` in the given slots of each group's types, or undefined when no group has any: one
 * `type IN (…) AND slot = <literal>` arm per slot, so that the planner matches each arm to that slot's partial GIN
 * index (migration 14) and ORs their bitmaps — a parameter or an IN list would hide which partial index applies.
 */
function slotsWhere(groups: readonly FieldGroup[], alias: string, slots: (g: FieldGroup) => number[]) {
  const a = sql.raw(alias);
  const parts = groups.flatMap((g) =>
    slots(g).map((slot) => sql`(${a}.type IN (${list(g.types)}) AND ${a}.slot = ${sql.lit(slot)})`),
  );
  return parts.length === 0 ? undefined : sql`(${sql.join(parts, sql` OR `)})`;
}

/** The key-token filters and the row condition, on a row `alias` of search_docs or search_fields. */
function sharedConditions(plan: MatchPlan, alias: string): RawBuilder<unknown>[] {
  const a = sql.raw(alias);
  const parts: RawBuilder<unknown>[] = [];
  for (const tokens of plan.filters) parts.push(sql`${a}.keys && CAST(${tokens} AS text[])`);
  if (plan.rows) parts.push(sql`EXISTS (SELECT 1 FROM objects WHERE objects.seq = ${a}.seq AND ${plan.rows})`);
  return parts;
}

/** Conditions other than the text on a row `alias` of search_docs, or (`fields`) of search_fields. */
function rowConditions(plan: MatchPlan, alias: string, fields: boolean): RawBuilder<unknown> {
  const a = sql.raw(alias);
  const parts: RawBuilder<unknown>[] = [];
  if (fields && plan.groups) {
    parts.push(slotsWhere(plan.groups, alias, (g) => [...groupWeights(g).keys()]) ?? sql`FALSE`);
  } else if (plan.types !== 'all') {
    parts.push(sql`${a}.type IN (${list(plan.types)})`);
  }
  parts.push(...sharedConditions(plan, alias));
  return parts.length === 0 ? sql`TRUE` : sql.join(parts, sql` AND `);
}

/**
 * The seqs (column `seq`, once per matching field row) of the listed fields' search_fields rows whose text matches
 * `term` (a column of `q`), above `floor`: one arm per slot, each read through that slot's partial GIN index
 * (migration 14), joined by UNION ALL. Written as one condition with an OR of slots, the planner factors the text
 * test out of the arms and then has no index for it at all (EXPLAIN in decision 0003).
 */
function fieldMatches(plan: MatchPlan, term: 'q' | 'any', floor: number): RawBuilder<unknown> {
  const typesBySlot = new Map<number, string[]>();
  for (const g of plan.groups ?? [])
    for (const slot of groupWeights(g).keys()) typesBySlot.set(slot, [...(typesBySlot.get(slot) ?? []), ...g.types]);
  if (typesBySlot.size === 0) return sql`SELECT CAST(NULL AS bigint) AS seq WHERE FALSE`;
  const rest = sharedConditions(plan, 'x').map((c) => sql` AND ${c}`);
  const above = floor > 0 ? sql` AND x.seq > ${floor}` : sql``;
  const arms = [...typesBySlot].map(
    ([slot, types]) => sql`SELECT x.seq FROM search_fields x, q WHERE x.slot = ${sql.lit(slot)} AND x.tsv @@ q.${sql.raw(term)}
      AND x.type IN (${list(types)})${sql.join(rest, sql``)}${above}`,
  );
  return sql.join(arms, sql` UNION ALL `);
}

/** The weight of a search_fields row, from its type and slot. */
function boost(plan: MatchPlan): RawBuilder<unknown> {
  const whens = (plan.groups ?? []).flatMap((g) =>
    [...groupWeights(g)].map(([slot, b]) => sql`WHEN f.type IN (${list(g.types)}) AND f.slot = ${slot} THEN ${sql.lit(b)}`),
  );
  return sql`(CASE ${sql.join(whens, sql` `)} ELSE 0 END)`;
}

/** fields[] without `field:term`: matched on the listed fields' rows of search_fields. */
const byFields = (plan: MatchPlan) => plan.listed && !qualified(plan);

/** Whether the search_docs row `d` satisfies one clause: its term in all text, a listed field or its named field. */
function clauseHolds(plan: MatchPlan, c: PlanClause): RawBuilder<unknown> {
  if (c.field === undefined && !plan.listed) return sql`d.tsv @@ ${termQuery(c.term)}`;
  const field = c.field;
  const where = slotsWhere(plan.groups ?? [], 'sf', (g) => {
    const slot = field === undefined ? undefined : g.named.get(field);
    return field === undefined ? [...g.slots.keys()] : slot === undefined ? [] : [slot];
  });
  if (!where) return sql`FALSE`;
  return sql`EXISTS (SELECT 1 FROM search_fields sf WHERE sf.seq = d.seq AND ${where} AND sf.tsv @@ ${termQuery(c.term)})`;
}

/** The whole query as a condition on `d`, clause by clause (for `field:term` clauses). */
function holds(plan: MatchPlan): RawBuilder<unknown> {
  return combineClauses(plan.clauses ?? [], (c) => clauseHolds(plan, c), {
    and: joinOp('AND'),
    or: joinOp('OR'),
    not: (x, excluded) =>
      sql`(${x} ${sql.join(
        excluded.map((e) => sql`AND NOT ${e}`),
        sql` `,
      )})`,
  });
}

/** Matching seqs above `floor` (0: all), then `tail` (ORDER/OFFSET/LIMIT), reading the query from relation `q`. */
function candidates(plan: MatchPlan, floor: number, tail: RawBuilder<unknown>): RawBuilder<unknown> {
  const above = (alias: string) => (floor > 0 ? sql`AND ${sql.raw(alias)}.seq > ${floor}` : sql``);
  if (qualified(plan)) {
    // every match holds a positive term somewhere: the GIN index narrows to those, the clauses decide
    return sql`SELECT d.seq FROM search_docs d, q WHERE d.tsv @@ q.any AND ${rowConditions(plan, 'd', false)} AND ${holds(plan)} ${above('d')} ${tail}`;
  }
  if (!byFields(plan))
    return sql`SELECT d.seq FROM search_docs d, q WHERE d.tsv @@ q.q AND ${rowConditions(plan, 'd', false)} ${above('d')} ${tail}`;
  if (!together(plan)) return sql`SELECT f.seq FROM (${fieldMatches(plan, 'q', floor)}) f GROUP BY f.seq ${tail}`;
  // documents with some listed field holding a positive term, then the whole query over all their listed fields
  return sql`SELECT f.seq FROM search_fields f WHERE ${rowConditions(plan, 'f', true)} AND f.seq IN (${fieldMatches(plan, 'any', floor)})
    GROUP BY f.seq HAVING search_tsvector_agg(f.tsv) @@ (SELECT q.q FROM q) ${tail}`;
}

const newestFirst = (plan: MatchPlan) => sql.raw(byFields(plan) ? 'ORDER BY f.seq DESC' : 'ORDER BY d.seq DESC');

/**
 * Scores the seqs of CTE `picked`: ts_rank, or for fields[] each listed (or named) field's rank of any term times
 * its boost.
 */
function scoreOf(plan: MatchPlan): RawBuilder<unknown> {
  return plan.listed
    ? sql`SELECT f.seq, sum(ts_rank(f.tsv, q.any) * ${boost(plan)}) AS score FROM picked JOIN search_fields f ON f.seq = picked.seq
        CROSS JOIN q WHERE ${rowConditions(plan, 'f', true)} GROUP BY f.seq`
    : sql`SELECT d.seq, ts_rank(d.tsv, q.q) AS score FROM picked JOIN search_docs d ON d.seq = picked.seq CROSS JOIN q`;
}

/**
 * Picks seqs (trying each pick until one returns `enough` rows) with plain index scans off — otherwise the planner
 * walks the primary key newest-first and tests, i.e. detoasts, every row's tsvector, where a bitmap of the GIN index
 * ANDed with the seq range touches only matching rows — then ranks just the picked rows.
 */
async function scored(db: Db, plan: MatchPlan, picks: RawBuilder<unknown>[], enough: number): Promise<Scored[]> {
  const q = sql`WITH q AS MATERIALIZED (${queryRow(plan)})`;
  const run = async (trx: Db) => {
    await sql`SET LOCAL enable_indexscan = off`.execute(trx);
    let seqs: number[] = [];
    for (const pick of picks) {
      seqs = (await sql<{ seq: number }>`${q} ${pick}`.execute(trx)).rows.map((r) => Number(r.seq));
      if (seqs.length >= enough) break;
    }
    await sql`SET LOCAL enable_indexscan = on`.execute(trx);
    if (seqs.length === 0) return [];
    const r = await sql<Scored>`${q}, picked AS (SELECT unnest(CAST(${seqs} AS bigint[])) AS seq) ${scoreOf(plan)}`.execute(trx);
    return r.rows.map((x) => ({ seq: Number(x.seq), score: Number(x.score) }));
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export const postgresSearch: SearchDialect = {
  lockRows: ' FOR SHARE',

  async write(db, seq, type, doc) {
    // one statement: each field is tokenized once, the document vector is their concatenation, field rows of
    // slots now empty go, and the words join the vocabulary (sorted, so that concurrent writers take the unique
    // index locks in one order and cannot deadlock)
    const slots = doc.slots.flatMap((t, i) => (t === '' ? [] : [i]));
    const texts = slots.map((i) => foldText(doc.slots[i]));
    const keys = sql`CAST(${doc.keys} AS text[])`;
    await sql`WITH f AS (
        SELECT s.slot, to_tsvector(${CFG}, s.txt) AS tsv FROM unnest(CAST(${slots} AS int[]), CAST(${texts} AS text[])) AS s(slot, txt)
      ), d AS (
        INSERT INTO search_docs (seq, type, keys, tsv)
        SELECT ${seq}, ${type}, ${keys}, coalesce((SELECT search_tsvector_agg(f.tsv ORDER BY f.slot) FROM f), ''::tsvector)
        ON CONFLICT (seq) DO UPDATE SET type = EXCLUDED.type, keys = EXCLUDED.keys, tsv = EXCLUDED.tsv
      ), gone AS (
        DELETE FROM search_fields WHERE seq = ${seq} AND slot <> ALL(CAST(${slots} AS int[]))
      ), w AS (
        INSERT INTO search_words (word) SELECT unnest(CAST(${[...doc.words].sort()} AS text[])) ON CONFLICT DO NOTHING
      )
      INSERT INTO search_fields (seq, slot, type, keys, tsv) SELECT ${seq}, f.slot, ${type}, ${keys}, f.tsv FROM f
      ON CONFLICT (seq, slot) DO UPDATE SET type = EXCLUDED.type, keys = EXCLUDED.keys, tsv = EXCLUDED.tsv`.execute(db);
  },

  async remove(db, seqs) {
    if (seqs.length === 0) return;
    await sql`DELETE FROM search_docs WHERE seq = ANY(CAST(${seqs} AS bigint[]))`.execute(db);
    await sql`DELETE FROM search_fields WHERE seq = ANY(CAST(${seqs} AS bigint[]))`.execute(db);
  },

  async similarWords(db, word, limit) {
    const r = await sql<{ word: string }>`SELECT word FROM search_words ORDER BY word <-> ${word} LIMIT ${limit}`.execute(db);
    return r.rows.map((x) => x.word);
  },

  matches(plan) {
    if (!plan.clauses) return sql`SELECT d.seq FROM search_docs d WHERE ${rowConditions(plan, 'd', false)}`;
    // the query is a one-row CTE, computed once rather than once per row
    return sql`WITH q AS MATERIALIZED (${queryRow(plan)}) ${candidates(plan, 0, sql``)}`;
  },

  async rankedNewest(db, plan, limit, expected) {
    // the newest matches among a window of the newest seqs, else all: a common word fills the pool from a small,
    // bounded slice of the index and table; a rare one has few matches to visit anyway. With the number of matches
    // known, the window is the one expected to hold 1.5·limit of them (matches spread evenly over the seqs); without
    // it, 8·limit seqs, then 64·limit. A window covering half the table or more would save little over looking
    // everywhere, and with at most `limit` matches there is nothing to bound.
    if (expected !== undefined && expected <= limit)
      return scored(db, plan, [candidates(plan, 0, sql`${newestFirst(plan)} LIMIT ${limit}`)], limit);
    const max = Number((await sql<{ m: number | null }>`SELECT max(seq) AS m FROM search_docs`.execute(db)).rows[0]?.m ?? 0);
    const windows = expected === undefined ? [8 * limit, 64 * limit] : [Math.ceil((1.5 * limit * max) / expected)];
    const floors = windows.map((w) => max - w).filter((f) => f > max / 2);
    const picks = [...floors, 0].map((f) => candidates(plan, f, sql`${newestFirst(plan)} LIMIT ${limit}`));
    return scored(db, plan, picks, limit);
  },

  async newestAfter(db, plan, skip, take) {
    const rows = await scored(db, plan, [candidates(plan, 0, sql`${newestFirst(plan)} OFFSET ${skip} LIMIT ${take}`)], take);
    return rows.sort((a, b) => b.seq - a.seq);
  },

  async terms(db, seqs, field, size) {
    const v = sql`(o.data -> CAST(${field} AS text))`;
    const r = await sql<{ v: string; n: number; total: string }>`SELECT v::text AS v, n, total FROM (
        SELECT v, n, sum(n) OVER () AS total FROM (
          SELECT el.v, count(DISTINCT o.seq) AS n FROM objects o
          CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${v}) = 'array' THEN ${v} ELSE jsonb_build_array(${v}) END) AS el(v)
          WHERE o.seq IN (${seqs}) AND jsonb_typeof(el.v) IN ('string', 'number', 'boolean')
          GROUP BY el.v) g) w
      ORDER BY n DESC, v ASC LIMIT ${size}`.execute(db);
    const buckets = r.rows.map((x) => ({ key: JSON.parse(x.v) as string | number | boolean, docCount: Number(x.n) }));
    const total = r.rows.length > 0 ? Number(r.rows[0].total) : 0;
    return { buckets, otherDocCount: total - buckets.reduce((s, b) => s + b.docCount, 0) };
  },

  geoDistance(field, lat, lon) {
    const f = sql.lit(field);
    const num = (c: string) => sql`jsonb_typeof(objects.data -> ${f} -> ${sql.lit(c)}) = 'number'`;
    const at = (c: string) => sql`CAST(objects.data -> ${f} ->> ${sql.lit(c)} AS float8)`;
    const [lat0, lon0] = [sql`CAST(${lat} AS float8)`, sql`CAST(${lon} AS float8)`];
    return sql<number | null>`(CASE WHEN ${num('lat')} AND ${num('lon')} THEN ${sql.lit(2 * EARTH_RADIUS_M)} * asin(least(1, sqrt(
        power(sin(radians(${at('lat')} - ${lat0}) / 2), 2)
        + cos(radians(${lat0})) * cos(radians(${at('lat')})) * power(sin(radians(${at('lon')} - ${lon0}) / 2), 2)))) END)`;
  },

  geoWithin(field, lat, lon, meters) {
    const [south, north] = latitudeBand(lat, meters);
    // `->` then a numeric cast only where the value is a number: a text value never reaches the cast
    const v = sql`(objects.data -> ${sql.lit(field)} -> 'lat')`;
    return sql<boolean>`(CASE WHEN jsonb_typeof(${v}) = 'number' THEN CAST(${v} AS float8) BETWEEN CAST(${south} AS float8) AND CAST(${north} AS float8) ELSE FALSE END
      AND ${this.geoDistance(field, lat, lon)} <= CAST(${meters} AS float8))`;
  },

  async stats(db, seqs, field) {
    const r = await sql<{ c: number; mn: number | null; mx: number | null; av: number | null; s: number }>`SELECT count(*) AS c,
        min(v) AS mn, max(v) AS mx, avg(v) AS av, coalesce(sum(v), 0) AS s FROM (
          SELECT CAST(o.data ->> CAST(${field} AS text) AS float8) AS v FROM objects o
          WHERE o.seq IN (${seqs}) AND jsonb_typeof(o.data -> CAST(${field} AS text)) = 'number') t`.execute(db);
    const x = r.rows[0];
    return x && Number(x.c) > 0 ? { count: Number(x.c), min: x.mn, max: x.mx, avg: x.av, sum: Number(x.s) } : EMPTY_STATS;
  },
};
