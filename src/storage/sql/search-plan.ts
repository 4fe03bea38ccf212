import { sql, type RawBuilder } from 'kysely';
import { filterVariants, layoutOfDefinition, valueToken, viewTokens } from './search-document.js';
import type { GeoFilter, SearchClause, SearchFilter, SearchQuery } from '../search-query.js';
import { editDistance, maxEdits } from '../../core/search-words.js';
import { clausesFor, type Db, type FieldGroup, type MatchPlan, type PlanClause, type SearchDialect } from './search-dialect.js';
import { typeLit } from './object-rows.js';

/** Vocabulary candidates looked at, and expansions kept, per fuzzy word (Elasticsearch keeps up to 50). */
const FUZZY_CANDIDATES = 64;
const FUZZY_EXPANSIONS = 20;

/** A filter becomes the key tokens of the values it accepts. */
export function filterTokens(filters: SearchFilter[]): string[][] {
  return filters.map((f) => f.values.flatMap(filterVariants).map((v) => valueToken(f.field, v)));
}

/** The vocabulary words within the word's AUTO edit distance, nearest first, the word itself always included. */
async function expand(db: Db, dialect: SearchDialect, word: string): Promise<string[]> {
  const limit = maxEdits(word);
  if (limit === 0) return [word];
  const near = (await dialect.similarWords(db, word, FUZZY_CANDIDATES))
    .map((w) => ({ w, d: editDistance(word, w, limit) }))
    .filter((x) => x.d <= limit && x.w !== word)
    .sort((a, b) => a.d - b.d);
  return [word, ...near.slice(0, FUZZY_EXPANSIONS).map((x) => x.w)];
}

async function planClauses(db: Db, dialect: SearchDialect, clauses: SearchClause[], fuzzy: boolean): Promise<PlanClause[]> {
  const out: PlanClause[] = [];
  for (const c of clauses) {
    const t = c.term;
    if (t.kind === 'word') {
      // exclusions stay exact: a fuzzy NOT would silently drop near-miss documents
      const words = fuzzy && c.occur !== 'not' ? await expand(db, dialect, t.word) : [t.word];
      out.push({ occur: c.occur, term: { kind: 'any', words }, ...(c.field === undefined ? {} : { field: c.field }) });
    } else out.push({ occur: c.occur, term: t, ...(c.field === undefined ? {} : { field: c.field }) });
  }
  return out;
}

/**
 * Groups the types in scope by where the listed fields (fields[]) and the fields named by `field:term` clauses sit
 * in their layouts. Whether a group can match at all is decided by the caller (clausesFor).
 */
async function fieldGroups(db: Db, q: SearchQuery, named: readonly string[]): Promise<FieldGroup[]> {
  const rows = (
    await sql<{ name: string; d: string }>`SELECT name, CAST(definition AS TEXT) AS d FROM content_types
      ${q.scope === 'all' ? sql`` : sql`WHERE name IN (${sql.join(q.scope.map((t) => sql`${t}`))})`} ORDER BY name`.execute(db)
  ).rows;
  const groups = new Map<string, FieldGroup>();
  for (const row of rows) {
    const layout = layoutOfDefinition(row.d);
    const slotOf = (name: string) => layout.fields.find((x) => x.name === name)?.slot;
    const slots = new Map<number, number>();
    for (const f of q.fields) {
      const slot = slotOf(f.name);
      if (slot !== undefined) slots.set(slot, Math.max(slots.get(slot) ?? 0, f.boost));
    }
    const fields = new Map<string, number>();
    for (const name of named) {
      const slot = slotOf(name);
      if (slot !== undefined) fields.set(name, slot);
    }
    const key = JSON.stringify([[...slots].sort((a, b) => a[0] - b[0]), [...fields].sort()]);
    const g = groups.get(key);
    if (g) g.types.push(row.name);
    else groups.set(key, { types: [row.name], slots, named: fields });
  }
  return [...groups.values()];
}

/** The geo filters as one condition on the row `objects`: each point within its distance, in a type where it is geo. */
export function geoRows(dialect: SearchDialect, geo: readonly GeoFilter[] | undefined): RawBuilder<boolean> | undefined {
  if (!geo || geo.length === 0) return undefined;
  const parts = geo.map((g) =>
    g.types.length === 0
      ? sql<boolean>`1 = 0`
      : sql<boolean>`(objects.type IN (${sql.join(g.types.map(typeLit))}) AND ${dialect.geoWithin(g.field, g.lat, g.lon, g.meters)})`,
  );
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/**
 * Adds the view to the index filters whenever the index answers (text or filters): the index holds every row, the
 * published copy and the latest state of a D&P object alike. Without either, the rows are read from `objects`
 * through visibleRows instead.
 */
export function withView(q: Pick<SearchQuery, 'scope' | 'previewTypes'>, filters: string[][], text: boolean): string[][] {
  return text || filters.length > 0 ? [...filters, viewTokens(q.scope, q.previewTypes)] : filters;
}

/** The match of a query, post filters included, or undefined when nothing can match. */
export async function matchPlan(db: Db, dialect: SearchDialect, q: SearchQuery): Promise<MatchPlan | undefined> {
  const listed = q.fields.length > 0 && q.clauses !== undefined;
  const named = [...new Set((q.clauses ?? []).flatMap((c) => (c.field === undefined ? [] : [c.field])))];
  const plan: MatchPlan = {
    clauses: q.clauses ? await planClauses(db, dialect, q.clauses, q.fuzzy) : undefined,
    groups: undefined,
    listed,
    types: q.scope,
    filters: withView(q, filterTokens([...q.filters, ...q.postFilters]), q.clauses !== undefined),
    rows: geoRows(dialect, q.geo),
  };
  if (listed || named.length > 0) {
    plan.groups = (await fieldGroups(db, q, named)).filter((g) => clausesFor(plan, g) !== undefined);
    if (plan.groups.length === 0) return undefined;
  }
  return plan;
}
