import { describe, expect, it } from 'vitest';
import { ABSTRACT_SCHEMA_REF, type ContentType, type PropertyConfig } from '../content-types/content-type.js';
import { objectTitle } from './object-title.js';

function ct(
  configs: Record<string, Partial<PropertyConfig>>,
  order = Object.keys(configs),
): Pick<ContentType, 'schemaDefinition' | 'metaDefinition'> {
  return {
    schemaDefinition: {
      type: 'object',
      allOf: [
        { $ref: ABSTRACT_SCHEMA_REF },
        { type: 'object', properties: Object.fromEntries(Object.keys(configs).map((n) => [n, {}])) },
      ],
      required: [],
      additionalProperties: false,
    },
    metaDefinition: {
      order,
      propertiesConfig: Object.fromEntries(
        Object.entries(configs).map(([n, c]) => [n, { label: n, inputType: 'text', unique: false, ...c } as PropertyConfig]),
      ),
    },
  };
}

describe('objectTitle', () => {
  it('joins title-part values in order order, numbers included, empty parts skipped', () => {
    const type = ct(
      { last: { isTitlePart: true }, price: { inputType: 'number', isTitlePart: true }, first: { isTitlePart: true }, note: {} },
      ['first', 'last', 'price', 'note'],
    );
    expect(objectTitle(type, { last: 'Doe', first: 'Jane', price: 12.5, note: 'x' })).toBe('Jane Doe 12.5');
    expect(objectTitle(type, { last: 'Doe', first: '', price: { x: 1 } })).toBe('Doe');
  });

  it('falls back to the first plain-text field when no field is a title part', () => {
    const type = ct({
      body: { inputType: 'richtext' },
      count: { inputType: 'number' },
      summary: { inputType: 'textarea' },
      name: {},
    });
    expect(objectTitle(type, { body: '<p>x</p>', count: 3, summary: 'Sum', name: 'N' })).toBe('Sum');
    expect(objectTitle(type, { name: 'N' })).toBe('');
  });

  it('is empty when there is nothing to show', () => {
    expect(objectTitle(ct({ n: { inputType: 'number' } }), { n: 1 })).toBe('');
  });
});
