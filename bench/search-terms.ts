// The search scenarios' terms, chosen by measuring document frequency over the N generated articles: the data set's
// vocabulary is ~50 words drawn uniformly, so which query hits ~1 % or ~30 % of the articles is found by counting,
// not assumed. The same pass gives the counts every captured search response is checked against.
import type { Dataset } from './dataset.js';

/** Where a search looks: every text field (no `fields[]`), or the title alone (`fields[]=title`). */
export type SearchFields = 'all' | 'title';

export interface SearchTerm {
  word: string;
  fields: SearchFields;
  /** Articles holding the word in those fields, and the share of N. */
  docs: number;
  percent: number;
  /** A one-letter substitution of the word, for `query_mode=fuzzy`. */
  typo: string;
  /** The vocabulary words within Elasticsearch's AUTO distance of the typo (what fuzzy mode ORs together). */
  expansion: string[];
  /** Articles holding any word of the expansion in those fields. */
  fuzzyDocs: number;
}

export interface SearchTerms {
  /** The single-word query whose document frequency is nearest 1 % (log scale). */
  rare: SearchTerm;
  /** The single-word query (other than SEARCH_WORD) whose document frequency is nearest 30 %. */
  common: SearchTerm;
  /** SEARCH_WORD in every text field: the peers' "search quantum (title or body)". */
  quantum: SearchTerm;
  /** Lowest and highest document frequency of a vocabulary word, per field set, for the report. */
  range: Record<SearchFields, { min: number; max: number }>;
  vocabulary: number;
}

/** The data set is ASCII: lower case, split on anything but letters and digits (SQLite's unicode61 does the same). */
const tokens = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/);
/** Words the fuzzy vocabulary keeps: 3+ characters, not a bare number. */
const isWord = (w: string) => w.length >= 3 && !/^\d+$/.test(w);

/** Elasticsearch's `fuzziness: AUTO`: exact up to 2 characters, 1 edit up to 5, then 2. */
export const autoEdits = (w: string) => (w.length <= 2 ? 0 : w.length <= 5 ? 1 : 2);

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, as Lucene counts them). */
export function osaDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const expansionOf = (typo: string, vocab: string[]) => vocab.filter((w) => osaDistance(typo, w) <= autoEdits(typo));

/**
 * A one-letter substitution that is not itself a word and whose fuzzy expansion is as small as possible (ideally
 * the word alone), so the fuzzy scenario matches (nearly) the same articles as the default one.
 */
function typoOf(word: string, vocab: string[]): string {
  let best: { typo: string; size: number } | undefined;
  const middle = Math.floor(word.length / 2);
  const positions = [...Array(word.length).keys()].sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  for (const i of positions) {
    if (i === 0) continue; // keep the first letter: a typo there is rarer, and the trigram lookup keys on it too
    for (const c of 'abcdefghijklmnopqrstuvwxyz') {
      if (c === word[i]) continue;
      const typo = word.slice(0, i) + c + word.slice(i + 1);
      if (vocab.includes(typo)) continue;
      const exp = expansionOf(typo, vocab);
      if (!exp.includes(word)) continue;
      if (!best || exp.length < best.size) best = { typo, size: exp.length };
      if (best.size === 1) return best.typo;
    }
  }
  if (!best) throw new Error(`no one-letter typo of "${word}" expands back to it`);
  return best.typo;
}

/** One pass over the N articles: per-word document frequency in the title and in all text fields. */
export function measureSearchTerms(ds: Dataset, n: number): SearchTerms {
  const docsOf: Record<SearchFields, Map<string, number>> = { all: new Map(), title: new Map() };
  const wordsOf = (i: number): Record<SearchFields, Set<string>> => {
    const a = ds.article(i);
    const title = new Set(tokens(a.title).filter(isWord));
    return { title, all: new Set([...title, ...tokens(a.body).filter(isWord)]) };
  };
  for (let i = 0; i < n; i++) {
    const w = wordsOf(i);
    for (const f of ['title', 'all'] as const) for (const x of w[f]) docsOf[f].set(x, (docsOf[f].get(x) ?? 0) + 1);
  }
  const vocab = [...docsOf.all.keys()].sort();
  const candidates = (['title', 'all'] as const).flatMap((fields) =>
    [...docsOf[fields]].map(([word, docs]) => ({ word, fields, docs })),
  );
  const nearest = (targetPercent: number, exclude: string[]) =>
    candidates
      .filter((c) => !exclude.includes(c.word))
      .map((c) => ({ ...c, d: Math.abs(Math.log((100 * c.docs) / n / targetPercent)) }))
      .sort((a, b) => a.d - b.d || a.word.localeCompare(b.word))[0];
  const term = (c: { word: string; fields: SearchFields; docs: number }): SearchTerm => {
    const typo = typoOf(c.word, vocab);
    return {
      word: c.word,
      fields: c.fields,
      docs: c.docs,
      percent: (100 * c.docs) / n,
      typo,
      expansion: expansionOf(typo, vocab),
      fuzzyDocs: 0,
    };
  };
  const quantumWord = ds.SEARCH_WORD.toLowerCase();
  const rare = term(nearest(1, [quantumWord]));
  const common = term(nearest(30, [quantumWord, rare.word]));
  const quantum = term({ word: quantumWord, fields: 'all', docs: docsOf.all.get(quantumWord) ?? 0 });
  // a second pass (generating an article is cheap) counts the articles each fuzzy expansion matches
  for (let i = 0; i < n; i++) {
    const w = wordsOf(i);
    for (const t of [rare, common, quantum]) if (t.expansion.some((x) => w[t.fields].has(x))) t.fuzzyDocs++;
  }
  const range = (f: SearchFields) => {
    const v = [...docsOf[f].values()].map((x) => (100 * x) / n);
    return { min: Math.min(...v), max: Math.max(...v) };
  };
  return { rare, common, quantum, range: { all: range('all'), title: range('title') }, vocabulary: vocab.length };
}
