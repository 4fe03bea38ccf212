import { describe, expect, it } from 'vitest';
import { editDistance, foldText, maxEdits, vocabularyWords, words } from './search-words.js';

describe('search words', () => {
  it('folds case and diacritics, splits on anything but letters and digits', () => {
    expect(foldText('Résumé ÉCOLE')).toBe('resume ecole');
    expect(words('Hello, wörld! e-mail 42x ΑΒΓ')).toEqual(['hello', 'world', 'e', 'mail', '42x', 'αβγ']);
    expect(words('plain ascii, TEXT')).toEqual(['plain', 'ascii', 'text']);
  });

  it('keeps vocabulary words of 3 to 40 characters that are not bare numbers, once each', () => {
    expect(vocabularyWords('an ox runs runs 2024 x1y quantum', 100)).toEqual(['runs', 'x1y', 'quantum']);
    expect(vocabularyWords('aaa bbb ccc', 2)).toEqual(['aaa', 'bbb']);
    // plain ASCII (scanned) and other text (split) give the same words in the same order
    const ascii =
      'Go 12 and 123 x2 2x 123abc abc123 <b>Bold</b>, e-mail: A_B_C quantum QUANTUM ' + 'z'.repeat(40) + ' ' + 'y'.repeat(41);
    expect(vocabularyWords(ascii, 100)).toEqual(['and', '123abc', 'abc123', 'bold', 'mail', 'quantum', 'z'.repeat(40)]);
    expect(vocabularyWords(`${ascii} é`, 100)).toEqual(vocabularyWords(ascii, 100));
    expect(vocabularyWords(ascii, 3)).toEqual(['and', '123abc', 'abc123']);
  });

  it('counts edits like Lucene (transpositions are one edit) and gives up past the limit', () => {
    expect(editDistance('quantm', 'quantum', 2)).toBe(1);
    expect(editDistance('tulpis', 'tulips', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('abc', 'abc', 0)).toBe(0);
  });

  it('allows AUTO fuzziness by length', () => {
    expect([maxEdits('ab'), maxEdits('abc'), maxEdits('abcde'), maxEdits('abcdef')]).toEqual([0, 1, 1, 2]);
  });
});
