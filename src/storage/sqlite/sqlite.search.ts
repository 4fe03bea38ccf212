import { sql, type RawBuilder } from 'kysely';
import { SEARCH_SLOTS, typeToken } from '../sql/search-document.js';
import type { TermsAggregation } from '../search-query.js';
import {
  combineClauses,
  EMPTY_STATS,
  type FieldGroup,
  type MatchPlan,
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
 * word edges get trigrams too.
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

function textExpr(plan: MatchPlan): string | undefined {
  if (!plan.clauses) return undefined;
  return combineClauses(plan.clauses, termExpr, {
    and: join('AND'),
    or: join('OR'),
    not: (x, excluded) => `((${x}) ${excluded.map((e) => `NOT (${e})`).join(' ')})`,
  });
}

/** The MATCH expression of the plan, or of one of its field groups. */
function matchExpr(plan: MatchPlan, group: FieldGroup | undefined): string {
  const parts: string[] = [];
  const text = textExpr(plan);
  if (text !== undefined) {
    // the listed fields act as one field (one phrase per term, so one idf, and the boosts weight its frequency
    // per column: BM25F); per-column copies of the query would each get their own idf and swamp the boosts
    parts.push(group ? `{${[...group.slots.keys()].map((s) => `c${s}`).join(' ')}} : (${text})` : `- {k} : (${text})`);
  }
  const types = group ? group.types : plan.types;
  if (types !== 'all') parts.push(`k : (${types.map((t) => quote(typeToken(t))).join(' OR ')})`);
  for (const tokens of plan.filters) parts.push(`k : (${tokens.map(quote).join(' OR ')})`);
  return parts.map((p) => `(${p})`).join(' AND ');
}

/** bm25 with the key column weighted 0 and each slot by its boost (all 1 without fields[]). */
function bm25(group: FieldGroup | undefined): RawBuilder<number> {
  const weights = COLUMNS.map((_, i) => (group ? (group.slots.get(i) ?? 0) : 1));
  return sql<number>`bm25(search_fts, 0, ${sql.raw(weights.join(', '))})`;
}

const groupsOf = (plan: MatchPlan): (FieldGroup | undefined)[] => plan.groups ?? [undefined];

function scoredSelect(plan: MatchPlan, group: FieldGroup | undefined) {
  return sql`SELECT rowid AS seq, -${bm25(group)} AS score FROM search_fts WHERE search_fts MATCH ${matchExpr(plan, group)}`;
}

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
      groupsOf(plan).map((g) => sql`SELECT rowid AS seq FROM search_fts WHERE search_fts MATCH ${matchExpr(plan, g)}`),
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
