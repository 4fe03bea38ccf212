import { describe, expect, it } from 'vitest';
import { applySlugs, slugify } from './slugify.js';

describe('slugify', () => {
  it.each([
    ['Hello World', 'hello-world'],
    ['  --Hello,   World!!--  ', 'hello-world'],
    ['Crème Brûlée à la carte', 'creme-brulee-a-la-carte'],
    ['Zażółć gęślą jaźń', 'zazolc-gesla-jazn'],
    ['Straße Øre Æble', 'strasse-ore-aeble'],
    ['snake_case and 2 numbers', 'snake-case-and-2-numbers'],
    ['Привет мир', 'привет-мир'],
    ['!!!', ''],
  ])('%s → %s', (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });
});

describe('applySlugs', () => {
  const ct = {
    slugs: [
      { source: 'title', target: 'slug', active: true },
      { source: 'title', target: 'other', active: false },
    ],
  };

  it('fills an absent target from the source, without touching the input', () => {
    const data = { title: 'Hello World' };
    expect(applySlugs(ct, data)).toEqual({ title: 'Hello World', slug: 'hello-world' });
    expect(data).toEqual({ title: 'Hello World' });
  });

  it.each([[''], [null], ['custom-slug']])('keeps a target the client sent (%j)', (slug) => {
    expect(applySlugs(ct, { title: 'Hello', slug })).toEqual({ title: 'Hello', slug });
  });

  it.each([[{}], [{ title: '' }], [{ title: 42 }], [{ title: ['a'] }]])(
    'skips the rule when the source is missing, empty or not a string: %j',
    (data) => {
      expect(applySlugs(ct, data)).toEqual(data);
    },
  );
});
