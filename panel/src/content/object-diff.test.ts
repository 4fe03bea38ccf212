import { describe, expect, it } from 'vitest';
import type { ContentType } from '../api/types.js';
import { changedFields, shownValue } from './object-diff.js';

const ct = {
  metaDefinition: {
    order: ['title', 'body', 'tags'],
    propertiesConfig: {
      title: { label: 'Title', inputType: 'text' },
      body: { label: 'Body', inputType: 'textarea' },
      tags: { label: 'Tags', inputType: 'simpleList' },
    },
  },
} as unknown as ContentType;

describe('changedFields', () => {
  it('lists the fields that differ, in the type order, with their labels', () => {
    const pub = { id: 'a', title: 'Old', body: 'same', tags: ['x'] };
    const draft = { id: 'a', title: 'New', body: 'same', tags: ['x', 'y'] };
    expect(changedFields(ct, pub, draft)).toEqual([
      { name: 'title', label: 'Title', public: 'Old', draft: 'New' },
      { name: 'tags', label: 'Tags', public: ['x'], draft: ['x', 'y'] },
    ]);
  });

  it('treats a missing field and null alike, and finds a field added in the draft', () => {
    expect(changedFields(ct, { id: 'a', body: null }, { id: 'a' })).toEqual([]);
    expect(changedFields(ct, { id: 'a' }, { id: 'a', body: 'added' })).toEqual([
      { name: 'body', label: 'Body', public: undefined, draft: 'added' },
    ]);
  });
});

describe('shownValue', () => {
  it('shows text as it is, nothing as a dash, and other values as JSON', () => {
    expect(shownValue('Hello')).toBe('Hello');
    expect(shownValue(undefined)).toBe('—');
    expect(shownValue('')).toBe('—');
    expect(shownValue(['a', 1])).toBe('["a",1]');
  });
});
