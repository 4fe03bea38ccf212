/**
 * Words as search sees them, shared by indexing and querying so that both sides cut text the same way: letters
 * and digits (any script), diacritics removed, lower case — the same split SQLite's `unicode61 remove_diacritics 2`
 * makes. Stemming is left to the database engines.
 */

const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

// most text is plain ASCII: skip Unicode normalisation and property classes then (twice as fast, same result)
const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_SEPARATORS = /[^a-z0-9]+/;

/** Lower case without diacritics ("Résumé" → "resume"). */
export function foldText(s: string): string {
  return NON_ASCII.test(s) ? s.normalize('NFKD').replace(MARKS, '').toLowerCase() : s.toLowerCase();
}

/** The words of a text, in order (duplicates kept). */
export function words(s: string): string[] {
  return foldText(s)
    .split(NON_ASCII.test(s) ? SEPARATORS : ASCII_SEPARATORS)
    .filter(Boolean);
}

const NUMBER = /^\p{N}+$/u;

/** A bare number? Only a word that starts with neither an ASCII letter nor a non-ASCII letter can be one. */
function isNumber(w: string): boolean {
  const c = w.charCodeAt(0);
  // a word (folded) starting with a-z is no number; the Unicode test, costly, only for the rest
  return !(c >= 97 && c <= 122) && NUMBER.test(w);
}

/** Words worth a place in the fuzzy vocabulary: 3–40 characters and not a bare number. */
export function vocabularyWords(s: string, max: number): string[] {
  if (!NON_ASCII.test(s)) return asciiVocabularyWords(s, max);
  const out = new Set<string>();
  for (const w of words(s)) {
    if (w.length < 3 || w.length > 40 || isNumber(w)) continue;
    out.add(w);
    if (out.size >= max) break;
  }
  return [...out];
}

const isAsciiLetter = (c: number) => c >= 97 && c <= 122;
const isAsciiDigit = (c: number) => c >= 48 && c <= 57;

/**
 * vocabularyWords of plain ASCII text (most text, and every write indexes its text): the same words in the same
 * order, found by one scan of the characters instead of splitting into an array of every word first.
 */
function asciiVocabularyWords(s: string, max: number): string[] {
  const out = new Set<string>();
  const folded = s.toLowerCase();
  let start = -1;
  let letters = false;
  for (let i = 0; i <= folded.length; i++) {
    const c = i < folded.length ? folded.charCodeAt(i) : 32;
    if (isAsciiLetter(c) || isAsciiDigit(c)) {
      if (start < 0) start = i;
      letters ||= isAsciiLetter(c);
      continue;
    }
    // a word of digits alone is a bare number
    if (start >= 0 && letters && i - start >= 3 && i - start <= 40) {
      out.add(folded.slice(start, i));
      if (out.size >= max) break;
    }
    start = -1;
    letters = false;
  }
  return [...out];
}

/** Elasticsearch's `fuzziness: AUTO`: exact up to 2 characters, 1 edit up to 5, then 2. */
export function maxEdits(word: string): number {
  return word.length <= 2 ? 0 : word.length <= 5 ? 1 : 2;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, as Lucene's fuzzy query counts),
 * giving up early once every path exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}
