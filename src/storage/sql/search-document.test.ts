import { describe, expect, it } from 'vitest';
import type { FieldInfo, InputType } from '../../content-types/content-type.js';
import {
  filterVariants,
  SEARCH_SLOTS,
  searchDocument,
  searchLayout,
  stripTags,
  typeToken,
  valueToken,
  visibilityTokens,
  viewTokens,
} from './search-document.js';

const field = (name: string, inputType: InputType) => ({ name, inputType }) as FieldInfo;

describe('search document', () => {
  const layout = searchLayout([
    field('title', 'text'),
    field('price', 'number'),
    field('body', 'richtext'),
    field('tags', 'simpleList'),
  ]);

  it('puts text fields in slots in CTD order; the 17th and later share the last slot', () => {
    expect(layout.fields.map((f) => [f.name, f.slot])).toEqual([
      ['title', 0],
      ['body', 1],
      ['tags', 2],
    ]);
    const many = searchLayout(Array.from({ length: 20 }, (_, i) => field(`f${i}`, 'text')));
    expect(many.fields.map((f) => f.slot).slice(14)).toEqual([14, 15, 15, 15, 15, 15]);
    expect(searchLayout([field('body', 'text')]).signature).not.toBe(searchLayout([field('body', 'richtext')]).signature);
  });

  it('indexes text (HTML stripped), list items, exact-value keys and vocabulary words', () => {
    const doc = searchDocument(
      layout,
      'post',
      JSON.stringify({ title: 'Hello', price: 5, body: '<p>Big <b>news</b> &amp; more</p>', tags: ['alpha', 'beta'] }),
      'both',
    );
    expect(doc.slots).toHaveLength(SEARCH_SLOTS);
    expect(doc.slots.slice(0, 3).map((s) => s.trim().replace(/\s+/g, ' '))).toEqual(['Hello', 'Big news & more', 'alpha beta']);
    expect(doc.keys).toEqual([
      typeToken('post'),
      ...visibilityTokens('post', 'both'),
      valueToken('title', 'Hello'),
      valueToken('price', '5'),
      valueToken('body', '<p>Big <b>news</b> &amp; more</p>'),
      valueToken('tags', 'alpha'),
      valueToken('tags', 'beta'),
    ]);
    expect(doc.words).toEqual(['hello', 'big', 'news', 'more', 'alpha', 'beta']);
  });

  it('marks a row with its visibility, and a view selects rows by those marks', () => {
    const latest = visibilityTokens('post', 'latest');
    const published = visibilityTokens('post', 'public');
    const both = visibilityTokens('page', 'both');
    const sees = (view: string[], row: string[]) => row.some((t) => view.includes(t));
    // the public view: shared rows and published copies, never a latest state that differs
    expect([
      sees(viewTokens('all', []), latest),
      sees(viewTokens('all', []), published),
      sees(viewTokens('all', []), both),
    ]).toEqual([false, true, true]);
    expect([
      sees(viewTokens('all', 'all'), latest),
      sees(viewTokens('all', 'all'), published),
      sees(viewTokens('all', 'all'), both),
    ]).toEqual([true, false, true]);
    // preview of posts only: the latest post, the published page (and never the published copy of a post)
    const mixed = viewTokens(['post', 'page'], ['post']);
    expect([sees(mixed, latest), sees(mixed, published), sees(mixed, both)]).toEqual([true, false, true]);
    expect(sees(mixed, visibilityTokens('page', 'public'))).toBe(true);
    expect(sees(mixed, visibilityTokens('page', 'latest'))).toBe(false);
  });

  it('makes tokens a stemmer cannot change, and numeric filters match numbers', () => {
    expect(typeToken('post')).toMatch(/^t[0-9a-f]{20}0$/);
    expect(filterVariants('5.0')).toEqual(['5.0', '5']);
    expect(filterVariants('public')).toEqual(['public']);
  });

  it('strips scripts, styles, tags and decodes entities', () => {
    expect(stripTags('<style>x{}</style>a&lt;b&#33;&#x41;<script>evil()</script>')).toBe(' a<b!A ');
  });
});
