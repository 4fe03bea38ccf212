import { errors } from '../core/errors.js';
import type { SearchClause, SearchTerm } from '../storage/search-query.js';
import { words } from '../core/search-words.js';

export type QueryMode = 'default' | 'exact' | 'fuzzy';

/** More clauses than this are refused: each one costs index work (and, fuzzy, a vocabulary lookup). */
const MAX_CLAUSES = 16;

const bad = (message: string) => errors.validation({ q: [message] });

/**
 * Parses `q` (a subset of Elasticsearch's query_string) into clauses: words are alternatives (OR, ES's default
 * operator), `+word` or `a AND b` requires, `-word` or `NOT word` excludes, `"a phrase"` matches words in order,
 * `word*` matches a prefix. `field:term` (or `field:"a phrase"`) restricts the term to `field` when it is one of
 * `fields` (the text fields of the types searched); any other `name:term` is read as text, its words a phrase (so
 * `10:30` or a URL still finds something). `*`, empty or absent means everything: undefined. `exact` turns the whole
 * text into one phrase.
 */
export function parseSearchText(
  q: string | undefined,
  mode: QueryMode,
  fields: ReadonlySet<string> = new Set(),
): SearchClause[] | undefined {
  const text = (q ?? '').trim();
  if (text === '' || text === '*') return undefined;
  const clauses = mode === 'exact' ? exactClauses(text) : defaultClauses(text, fields);
  if (clauses.length > MAX_CLAUSES) throw bad(`At most ${MAX_CLAUSES} terms are allowed`);
  if (!clauses.some((c) => c.occur !== 'not')) {
    throw bad(
      clauses.length === 0 ? 'The query has no searchable word' : 'The query needs at least one term that is not excluded',
    );
  }
  return clauses;
}

function exactClauses(text: string): SearchClause[] {
  const all = words(text);
  return all.length === 0 ? [] : [{ occur: 'must', term: termOf(all, false) }];
}

function termOf(ws: string[], prefix: boolean): SearchTerm {
  if (ws.length > 1) return { kind: 'phrase', words: ws };
  return prefix ? { kind: 'prefix', word: ws[0] } : { kind: 'word', word: ws[0] };
}

/** sign, `name:` (only when something follows it), then a quoted phrase or a bare word. */
const TOKEN = /([+-]?)(?:([A-Za-z0-9_.]+):(?=\S))?(?:"([^"]*)"?|(\S+))/g;

function defaultClauses(text: string, fields: ReadonlySet<string>): SearchClause[] {
  const out: SearchClause[] = [];
  let pendingNot = false;
  let andNext = false;
  for (const m of text.matchAll(TOKEN)) {
    const [, sign, name, quoted, bare] = m;
    if (quoted === undefined && sign === '' && name === undefined) {
      if (bare === 'AND') {
        const last = out[out.length - 1];
        if (last && last.occur === 'should') last.occur = 'must';
        andNext = true;
        continue;
      }
      if (bare === 'OR') continue;
      if (bare === 'NOT') {
        pendingNot = true;
        continue;
      }
    }
    let raw = quoted ?? bare;
    const field = name?.replace(/\.keyword$/, '');
    const qualified = field !== undefined && fields.has(field);
    if (name !== undefined && !qualified) raw = `${name}:${raw}`;
    let prefix = false;
    if (quoted === undefined) {
      prefix = raw.endsWith('*');
      raw = raw.replace(/\*+$/, '');
    }
    const ws = words(raw);
    if (ws.length === 0) continue;
    const occur = sign === '-' || pendingNot ? 'not' : sign === '+' || andNext ? 'must' : 'should';
    out.push({ occur, term: termOf(ws, prefix && ws.length === 1), ...(qualified ? { field } : {}) });
    pendingNot = false;
    andNext = false;
  }
  return out;
}
