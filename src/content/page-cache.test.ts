import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.js';

describe('PageCache', () => {
  it('serves a page only for the generation it was read at', () => {
    const c = new PageCache(1000);
    expect(c.set('a', 1, 'page')).toEqual(Buffer.from('page'));
    expect(c.get('a', 1)?.toString()).toBe('page');
    expect(c.get('a', 2)).toBeUndefined();
    expect(c.get('a', 1)).toBeUndefined();
  });

  it('evicts the least recently used pages beyond its byte budget, and is off at 0', () => {
    const c = new PageCache(300);
    c.set('a', 1, 'x'.repeat(30));
    c.set('b', 1, 'y'.repeat(30));
    expect(c.get('a', 1)).toBeDefined();
    for (let i = 0; i < 10; i++) c.set(`k${i}`, 1, 'z'.repeat(30));
    expect(c.get('b', 1)).toBeUndefined();
    const off = new PageCache(0);
    // not kept: the text itself is what is sent
    expect(off.set('a', 1, 'p')).toBe('p');
    expect(off.get('a', 1)).toBeUndefined();
  });

  it('budgets bytes, not characters: a page of multi-byte text counts what it takes', () => {
    const c = new PageCache(1000);
    const text = 'ż'.repeat(60); // 120 bytes, under an eighth of the budget
    expect(c.set('a', 1, text)).toEqual(Buffer.from(text));
    expect(c.get('a', 1)?.toString()).toBe(text);
    // over an eighth of the budget in bytes (though not in characters): not kept, sent as text
    expect(c.set('b', 1, 'ż'.repeat(70))).toBe('ż'.repeat(70));
    expect(c.get('b', 1)).toBeUndefined();
  });

  it('counts its lookups for /metrics: a stale entry is a miss', () => {
    const c = new PageCache(1000);
    expect(c.get('a', 1)).toBeUndefined();
    c.set('a', 1, 'page');
    expect(c.get('a', 1)?.toString()).toBe('page');
    expect(c.get('a', 1)?.toString()).toBe('page');
    expect(c.get('a', 2)).toBeUndefined();
    expect({ hits: c.stats.hits, misses: c.stats.misses }).toEqual({ hits: 2, misses: 2 });
  });
});
