import { sql } from 'kysely';
import { filterVariants, layoutOfDefinition, valueToken, viewTokens } from './search-document.js';
import type { SearchClause, SearchFilter, SearchQuery } from '../search-query.js';
import { editDistance, maxEdits } from '../../core/search-words.js';
import type { Db, FieldGroup, MatchPlan, PlanClause, SearchDialect } from './search-dialect.js';

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
      out.push({ occur: c.occur, term: { kind: 'any', words } });
    } else out.push({ occur: c.occur, term: t });
  }
  return out;
}

/**
 * Groups the types in scope by where the requested fields sit in their layouts; types without any requested field
 * cannot match and are left out. An empty list means nothing can match.
 */
async function fieldGroups(db: Db, q: SearchQuery): Promise<FieldGroup[]> {
  const rows = (
    await sql<{ name: string; d: string }>`SELECT name, CAST(definition AS TEXT) AS d FROM content_types
      ${q.scope === 'all' ? sql`` : sql`WHERE name IN (${sql.join(q.scope.map((t) => sql`${t}`))})`} ORDER BY name`.execute(db)
  ).rows;
  const groups = new Map<string, FieldGroup>();
  for (const row of rows) {
    const slots = new Map<number, number>();
    const layout = layoutOfDefinition(row.d);
    for (const f of q.fields) {
      const slot = layout.fields.find((x) => x.name === f.name)?.slot;
      if (slot !== undefined) slots.set(slot, Math.max(slots.get(slot) ?? 0, f.boost));
    }
    if (slots.size === 0) continue;
    const key = JSON.stringify([...slots].sort((a, b) => a[0] - b[0]));
    const g = groups.get(key);
    if (g) g.types.push(row.name);
    else groups.set(key, { types: [row.name], slots });
  }
  return [...groups.values()];
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
  const groups = q.fields.length > 0 && q.clauses ? await fieldGroups(db, q) : undefined;
  if (groups && groups.length === 0) return undefined;
  return {
    clauses: q.clauses ? await planClauses(db, dialect, q.clauses, q.fuzzy) : undefined,
    groups,
    types: q.scope,
    filters: withView(q, filterTokens([...q.filters, ...q.postFilters]), q.clauses !== undefined),
  };
}
