import { describe, expect, it } from 'vitest';
import { seededRank } from './search-random.js';

const ids = Array.from({ length: 2000 }, (_, i) => `item-${i}`);
const order = (seed: string) => [...ids].sort((x, y) => seededRank(seed)('t', y) - seededRank(seed)('t', x));

describe('seededRank', () => {
  it('gives one order per seed and different orders for different seeds', () => {
    expect(order('42')).toEqual(order('42'));
    expect(order('42')).not.toEqual(order('43'));
    expect(order('42').slice(0, 20)).not.toEqual(ids.slice(0, 20));
    // the type is part of the key: the same id in two types gets two places
    expect(seededRank('42')('a', 'x')).not.toBe(seededRank('42')('b', 'x'));
  });

  it('spreads values over [0, 1) evenly', () => {
    const rank = seededRank('seed');
    const values = ids.map((id) => rank('t', id));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const buckets = Array.from({ length: 10 }, (_, b) => values.filter((v) => Math.floor(v * 10) === b).length);
    // 200 expected per decile; a fair hash stays far inside ±60
    expect(Math.min(...buckets)).toBeGreaterThan(140);
    expect(Math.max(...buckets)).toBeLessThan(260);
    expect(new Set(values).size).toBe(values.length);
  });
});
