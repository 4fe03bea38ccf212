import { describe, expect, it } from 'vitest';
import type { ContentType } from '../api/types.js';
import { buildFilters, titleField } from './content-query.js';

const ct = {
  name: 'post',
  metaDefinition: {
    order: ['body', 'title', 'price', 'done'],
    propertiesConfig: {
      body: { label: 'Body', inputType: 'textarea', unique: false },
      title: { label: 'Title', inputType: 'text', unique: false, isTitlePart: true },
      price: { label: 'Price', inputType: 'number', unique: false },
      done: { label: 'Done', inputType: 'checkbox', unique: false },
    },
  },
} as unknown as ContentType;

describe('list queries', () => {
  it('searches the title part (else the first plain-text field) with contains', () => {
    expect(titleField(ct)).toBe('title');
    expect(buildFilters(ct, '  hello ', [])).toBe(JSON.stringify({ title: { type: 'contains', filter: 'hello' } }));
    expect(buildFilters(ct, '', [])).toBeUndefined();
  });

  it('turns filter rows into Flotiq filters with typed values; rows without a value are ignored', () => {
    const f = buildFilters(ct, '', [
      { field: 'price', op: 'greaterThan', value: '10' },
      { field: 'done', op: 'equals', value: 'true' },
      { field: 'body', op: 'contains', value: ' ' },
      { field: 'internal.createdAt', op: 'notEmpty', value: '' },
    ]);
    expect(JSON.parse(f!)).toEqual({
      price: { type: 'greaterThan', filter: 10 },
      done: { type: 'equals', filter: true },
      'internal.createdAt': { type: 'notEmpty' },
    });
  });
});
