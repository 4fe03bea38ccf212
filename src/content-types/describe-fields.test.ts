import { describe, expect, it } from 'vitest';
import { ABSTRACT_SCHEMA_REF, type ContentType } from './content-type.js';
import { describeFields, describeListItems } from './describe-fields.js';

const ct: Pick<ContentType, 'schemaDefinition' | 'metaDefinition'> = {
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: ABSTRACT_SCHEMA_REF },
      {
        type: 'object',
        properties: {
          price: { type: 'number' },
          title: { type: 'string', minLength: 1 },
          tags: { type: 'array', items: { type: 'string' } },
          size: { type: 'string' },
          cat: { type: 'array', items: { $ref: '#/components/schemas/DataSource' } },
          body: { type: 'string' },
          rows: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } },
        },
      },
    ],
    required: ['title'],
    additionalProperties: false,
  },
  metaDefinition: {
    order: ['title', 'price', 'tags', 'size', 'cat', 'body', 'rows'],
    propertiesConfig: {
      title: { label: 'Title', inputType: 'text', unique: true, isTitlePart: true },
      price: { label: 'Price', inputType: 'number', unique: false },
      tags: { label: 'Tags', inputType: 'select', unique: false, multiple: true, options: ['a'] },
      size: { label: 'Size', inputType: 'select', unique: false, options: ['S'] },
      cat: { label: 'Category', inputType: 'datasource', unique: false, validation: { relationContenttype: 'category' } },
      body: { label: 'Body', inputType: 'richtext', unique: false },
      rows: {
        label: 'Rows',
        inputType: 'object',
        unique: false,
        items: { order: ['a'], propertiesConfig: { a: { label: 'A', inputType: 'email', unique: false } } },
      },
    },
  },
};

describe('describeFields', () => {
  it('lists fields in metaDefinition order with their flags', () => {
    const fields = describeFields(ct);
    expect(fields.map((f) => f.name)).toEqual(['title', 'price', 'tags', 'size', 'cat', 'body', 'rows']);
    expect(fields[0]).toMatchObject({ inputType: 'text', required: true, unique: true, isTitlePart: true, indexable: true });
    expect(fields[0].schema).toEqual({ type: 'string', minLength: 1 });
    expect(fields[1]).toMatchObject({ required: false, unique: false, isTitlePart: false, indexable: true });
    expect(fields.find((f) => f.name === 'cat')?.relationContenttype).toBe('category');
    expect(fields.find((f) => f.name === 'title')).not.toHaveProperty('relationContenttype');
  });

  it('indexes scalar types only; a multiple select is not scalar', () => {
    expect(Object.fromEntries(describeFields(ct).map((f) => [f.name, f.indexable]))).toEqual({
      title: true,
      price: true,
      tags: false,
      size: true,
      cat: false,
      body: false,
      rows: false,
    });
  });

  it('describes list items, and nothing for other fields', () => {
    const [title, , , , , , rows] = describeFields(ct);
    expect(describeListItems(rows)).toMatchObject([{ name: 'a', inputType: 'email', required: true, indexable: true }]);
    expect(describeListItems(title)).toEqual([]);
  });
});
