import { sql, type RawBuilder } from 'kysely';
import { SEARCH_SLOTS, typeToken } from '../sql/search-document.js';
import type { TermsAggregation } from '../search-query.js';
import {
  clausesFor,
  combineClauses,
  EARTH_RADIUS_M,
  EMPTY_STATS,
  groupWeights,
  latitudeBand,
  qualified,
  type FieldGroup,
  type MatchPlan,
  type PlanClause,
  type PlanTerm,
  type Scored,
  type SearchDialect,
} from '../sql/search-dialect.js';

/**
 * SQLite FTS5. `search_fts` is contentless (the text already lives in `objects.data`), keyed by `objects.seq`, with
 * one column `k` of key tokens (type and exact values) and SEARCH_SLOTS text columns `c0…` (porter stemming,
 * diacritics folded). Scope, filters and `fields[]` are all part of the MATCH expression, so FTS5 answers them from
 * its own doclists; ranking is bm25 with per-column weights (the boosts). The fuzzy vocabulary `search_words` has a
 * trigram FTS5 index `search_trigrams` (external content), each word padded as `^^word$` so that short words and
 * word edges get trigrams too. A `field:term` clause gets its own column filter (nested filters intersect).
 */

const COLUMNS = Array.from({ length: SEARCH_SLOTS }, (_, i) => `c${i}`);
const quote = (s: string) => `"${s}"`; // words are letters/digits and tokens hex: nothing to escape

function termExpr(t: PlanTerm): string {
  switch (t.kind) {
    case 'any':
      return t.words.length === 1 ? quote(t.words[0]) : `(${t.words.map(quote).join(' OR ')})`;
    case 'phrase':
      return quote(t.words.join(' '));
    case 'prefix':
      return `${quote(t.word)} *`;
  }
}

const join = (op: string) => (xs: string[]) => (xs.length === 1 ? xs[0] : `(${xs.join(` ${op} `)})`);

const OPS = {
  and: join('AND'),
  or: join('OR'),
  not: (x: string, excluded: string[]) => `((${x}) ${excluded.map((e) => `NOT (${e})`).join(' ')})`,
};

const columns = (slots: Iterable<number>) => `{${[...slots].map((s) => `c${s}`).join(' ')}}`;

/** The text part of a group's MATCH expression, or undefined without text. */
function textExpr(plan: MatchPlan, group: FieldGroup | undefined): string | undefined {
  if (!plan.clauses) return undefined;
  if (group && qualified(plan)) {
    // each term gets its own column filter: its field's column, the listed fields' columns, or every text column
    const unqualified = plan.listed ? columns(group.slots.keys()) : '- {k}';
    const term = (c: PlanClause) =>
      `${c.field === undefined ? unqualified : columns([group.named.get(c.field)!])} : ${termExpr(c.term)}`;
    return combineClauses(clausesFor(plan, group)!, term, OPS);
  }
  const text = combineClauses(plan.clauses, (c) => termExpr(c.term), OPS);
  // the listed fields act as one field (one phrase per term, so one idf, and the boosts weight its frequency
  // per column: BM25F); per-column copies of the query would each get their own idf and swamp the boosts
  return group ? `${columns(group.slots.keys())} : (${text})` : `- {k} : (${text})`;
}

/** The MATCH expression of the plan, or of one of its field groups. */
function matchExpr(plan: MatchPlan, group: FieldGroup | undefined): string {
  const parts: string[] = [];
  const text = textExpr(plan, group);
  if (text !== undefined) parts.push(text);
  const types = group ? group.types : plan.types;
  if (types !== 'all') parts.push(`k : (${types.map((t) => quote(typeToken(t))).join(' OR ')})`);
  for (const tokens of plan.filters) parts.push(`k : (${tokens.map(quote).join(' OR ')})`);
  return parts.map((p) => `(${p})`).join(' AND ');
}

/** bm25 with the key column weighted 0 and each slot by its boost (all 1 without fields[]); named fields ≥ 1. */
function bm25(plan: MatchPlan, group: FieldGroup | undefined): RawBuilder<number> {
  const w = group && plan.listed ? groupWeights(group) : undefined;
  const weights = COLUMNS.map((_, i) => (w ? (w.get(i) ?? 0) : 1));
  return sql<number>`bm25(search_fts, 0, ${sql.raw(weights.join(', '))})`;
}

const groupsOf = (plan: MatchPlan): (FieldGroup | undefined)[] => plan.groups ?? [undefined];

/** The plan's row condition, checked per match (a primary-key lookup), so FTS5 still walks its doclists in order. */
const rowsOf = (plan: MatchPlan) =>
  plan.rows ? sql` AND EXISTS (SELECT 1 FROM objects WHERE objects.seq = search_fts.rowid AND ${plan.rows})` : sql``;

function scoredSelect(plan: MatchPlan, group: FieldGroup | undefined) {
  return sql`SELECT rowid AS seq, -${bm25(plan, group)} AS score FROM search_fts WHERE search_fts MATCH ${matchExpr(plan, group)}${rowsOf(plan)}`;
}

/** The number at `field.lat` / `field.lon` of the row `objects`, and whether it is one. */
const at = (field: string, c: 'lat' | 'lon') => sql`json_extract(objects.data, ${sql.lit(`$."${field}".${c}`)})`;
const numeric = (field: string, c: 'lat' | 'lon') =>
  sql`json_type(objects.data, ${sql.lit(`$."${field}".${c}`)}) IN ('integer', 'real')`;

const toScored = (rows: { seq: number; score: number }[]): Scored[] =>
  rows.map((r) => ({ seq: Number(r.seq), score: Number(r.score) }));

export const sqliteSearch: SearchDialect = {
  lockRows: '', // SQLite has one writer: the reindex batch already excludes every other write

  async write(db, seq, type, doc) {
    // contentless_delete=1 lets REPLACE drop the previous entry of the rowid
    await sql`INSERT OR REPLACE INTO search_fts (rowid, k, ${sql.raw(COLUMNS.join(', '))})
      VALUES (${seq}, ${doc.keys.join(' ')}, ${sql.join(doc.slots)})`.execute(db);
    if (doc.words.length === 0) return;
    // one short statement whatever the number of words (a VALUES list would be a new statement every time)
    const added = await sql<{ id: number; word: string }>`INSERT OR IGNORE INTO search_words (word)
      SELECT value FROM json_each(${JSON.stringify(doc.words)}) RETURNING id, word`.execute(db);
    if (added.rows.length === 0) return;
    const padded = added.rows.map((r) => ({ id: r.id, w: `^^${r.word}$` }));
    await sql`INSERT INTO search_trigrams (rowid, word) SELECT json_extract(value, '$.id'), json_extract(value, '$.w')
      FROM json_each(${JSON.stringify(padded)})`.execute(db);
  },

  async remove(db, seqs) {
    // one rowid at a time: FTS5 answers `rowid = ?` directly but scans the whole index for `rowid IN (...)`
    for (const seq of seqs) await sql`DELETE FROM search_fts WHERE rowid = ${seq}`.execute(db);
  },

  async similarWords(db, word, limit) {
    const chars = Array.from(`^^${word}$`);
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''));
    const r = await sql<{
      word: string;
    }>`SELECT word FROM search_trigrams WHERE search_trigrams MATCH ${[...grams].map(quote).join(' OR ')}
      ORDER BY rank LIMIT ${limit}`.execute(db);
    return r.rows.map((x) => x.word);
  },

  matches(plan) {
    return sql.join(
      groupsOf(plan).map(
        (g) => sql`SELECT rowid AS seq FROM search_fts WHERE search_fts MATCH ${matchExpr(plan, g)}${rowsOf(plan)}`,
      ),
      sql` UNION ALL `,
    );
  },

  async rankedNewest(db, plan, limit) {
    // FTS5 walks its doclists newest-first and stops after `limit` rows: bm25 runs for those rows only
    const out: Scored[] = [];
    for (const g of groupsOf(plan)) {
      const r = await sql<Scored>`${scoredSelect(plan, g)} ORDER BY rowid DESC LIMIT ${limit}`.execute(db);
      out.push(...toScored(r.rows));
    }
    return out.sort((a, b) => b.seq - a.seq).slice(0, limit);
  },

  async newestAfter(db, plan, skip, take) {
    const groups = groupsOf(plan);
    const r =
      groups.length === 1
        ? await sql<Scored>`${scoredSelect(plan, groups[0])} ORDER BY rowid DESC LIMIT ${take} OFFSET ${skip}`.execute(db)
        : await sql<Scored>`SELECT seq, score FROM (${sql.join(
            groups.map((g) => scoredSelect(plan, g)),
            sql` UNION ALL `,
          )})
            ORDER BY seq DESC LIMIT ${take} OFFSET ${skip}`.execute(db);
    return toScored(r.rows);
  },

  async terms(db, seqs, field, size): Promise<TermsAggregation> {
    const path = `$."${field}"`;
    const r = await sql<{ t: string; v: string | number; n: number; total: number }>`SELECT t, v, n, total FROM (
        SELECT t, v, n, sum(n) OVER () AS total FROM (
          SELECT je.type AS t, je.value AS v, count(DISTINCT o.seq) AS n FROM objects o, json_each(o.data, ${path}) je
          WHERE o.seq IN (${seqs}) AND je.type IN ('text', 'integer', 'real', 'true', 'false')
          GROUP BY je.type, je.value))
      ORDER BY n DESC, v ASC LIMIT ${size}`.execute(db);
    const buckets = r.rows.map((x) => ({
      key: x.t === 'text' ? String(x.v) : x.t === 'true' ? true : x.t === 'false' ? false : Number(x.v),
      docCount: Number(x.n),
    }));
    const total = r.rows.length > 0 ? Number(r.rows[0].total) : 0;
    return { buckets, otherDocCount: total - buckets.reduce((s, b) => s + b.docCount, 0) };
  },

  geoDistance(field, lat, lon) {
    const [pLat, pLon] = [at(field, 'lat'), at(field, 'lon')];
    return sql<
      number | null
    >`(CASE WHEN ${numeric(field, 'lat')} AND ${numeric(field, 'lon')} THEN ${2 * EARTH_RADIUS_M} * asin(min(1, sqrt(
        power(sin(radians(${pLat} - ${lat}) / 2), 2)
        + cos(radians(${lat})) * cos(radians(${pLat})) * power(sin(radians(${pLon} - ${lon}) / 2), 2)))) END)`;
  },

  geoWithin(field, lat, lon, meters) {
    const [south, north] = latitudeBand(lat, meters);
    return sql<boolean>`(${at(field, 'lat')} BETWEEN ${south} AND ${north} AND ${this.geoDistance(field, lat, lon)} <= ${meters})`;
  },

  async stats(db, seqs, field) {
    const path = `$."${field}"`;
    const r = await sql<{ c: number; mn: number | null; mx: number | null; av: number | null; s: number }>`SELECT count(v) AS c,
        min(v) AS mn, max(v) AS mx, avg(v) AS av, total(v) AS s FROM (
          SELECT json_extract(o.data, ${path}) AS v FROM objects o
          WHERE o.seq IN (${seqs}) AND json_type(o.data, ${path}) IN ('integer', 'real'))`.execute(db);
    const x = r.rows[0];
    return x && Number(x.c) > 0 ? { count: Number(x.c), min: x.mn, max: x.mx, avg: x.av, sum: Number(x.s) } : EMPTY_STATS;
  },
};
