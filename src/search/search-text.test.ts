import { describe, expect, it } from 'vitest';
import { parseSearchText } from './search-text.js';

const word = (w: string) => ({ kind: 'word', word: w });

describe('parseSearchText', () => {
  it('treats *, empty and absent as everything', () => {
    expect(parseSearchText('*', 'default')).toBeUndefined();
    expect(parseSearchText('  ', 'fuzzy')).toBeUndefined();
    expect(parseSearchText(undefined, 'exact')).toBeUndefined();
  });

  it('reads words as alternatives, +/AND as required, -/NOT as excluded', () => {
    expect(parseSearchText('Quantum Physics', 'default')).toEqual([
      { occur: 'should', term: word('quantum') },
      { occur: 'should', term: word('physics') },
    ]);
    expect(parseSearchText('+a1 -b2 c3 AND d4 NOT e5 OR f6', 'default')!.map((c) => c.occur)).toEqual([
      'must',
      'not',
      'must',
      'must',
      'not',
      'should',
    ]);
  });

  it('reads phrases, prefixes and folds words', () => {
    expect(parseSearchText('"Crème brûlée" quant* e-mail', 'default')).toEqual([
      { occur: 'should', term: { kind: 'phrase', words: ['creme', 'brulee'] } },
      { occur: 'should', term: { kind: 'prefix', word: 'quant' } },
      { occur: 'should', term: { kind: 'phrase', words: ['e', 'mail'] } },
    ]);
  });

  it('restricts field:term to a known text field, and reads any other name:term as text', () => {
    const fields = new Set(['title', 'body']);
    expect(parseSearchText('title:Zebra +body:"big cat" -title.keyword:lion* NOT body:x1', 'default', fields)).toEqual([
      { occur: 'should', term: word('zebra'), field: 'title' },
      { occur: 'must', term: { kind: 'phrase', words: ['big', 'cat'] }, field: 'body' },
      { occur: 'not', term: { kind: 'prefix', word: 'lion' }, field: 'title' },
      { occur: 'not', term: word('x1'), field: 'body' },
    ]);
    expect(parseSearchText('code:Zebra 10:30 title:', 'default', fields)).toEqual([
      { occur: 'should', term: { kind: 'phrase', words: ['code', 'zebra'] } },
      { occur: 'should', term: { kind: 'phrase', words: ['10', '30'] } },
      { occur: 'should', term: word('title') },
    ]);
    // without known fields every qualifier is text
    expect(parseSearchText('title:Zebra', 'default')).toEqual([
      { occur: 'should', term: { kind: 'phrase', words: ['title', 'zebra'] } },
    ]);
    expect(parseSearchText('title:zebra', 'exact', fields)).toEqual([
      { occur: 'must', term: { kind: 'phrase', words: ['title', 'zebra'] } },
    ]);
  });

  it('makes one required phrase in exact mode', () => {
    expect(parseSearchText('+quick -brown "fox"', 'exact')).toEqual([
      { occur: 'must', term: { kind: 'phrase', words: ['quick', 'brown', 'fox'] } },
    ]);
    expect(parseSearchText('fox', 'exact')).toEqual([{ occur: 'must', term: word('fox') }]);
  });

  it('refuses queries without a positive term, or with too many terms', () => {
    expect(() => parseSearchText('-alone', 'default')).toThrow();
    expect(() => parseSearchText('!!! ---', 'default')).toThrow();
    expect(() => parseSearchText(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '), 'default')).toThrow();
  });
});
