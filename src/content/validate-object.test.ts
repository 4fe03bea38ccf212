import { describe, expect, it } from 'vitest';
import { ABSTRACT_SCHEMA_REF, type ContentType } from '../content-types/content-type.js';
import { sanitizeContentType } from '../content-types/sanitize-content-type.js';
import { DATE_TIME_PATTERN } from '../content-types/sanitize-schema.js';
import { compileObjectValidator } from './validate-object.js';

type Spec = [schema: Record<string, unknown>, config: Record<string, unknown>, required?: boolean];

function definitions(fields: Record<string, Spec>) {
  const names = Object.keys(fields);
  return {
    properties: Object.fromEntries(names.map((n) => [n, fields[n][0]])),
    required: names.filter((n) => fields[n][2]),
    meta: {
      order: names,
      propertiesConfig: Object.fromEntries(names.map((n) => [n, { label: n, unique: false, ...fields[n][1] }])),
    },
  };
}
const listOf = (fields: Record<string, Spec>, required = false): Spec => {
  const d = definitions(fields);
  return [
    { type: 'array', items: { type: 'object', properties: d.properties, required: d.required } },
    { inputType: 'object', items: d.meta },
    required,
  ];
};

/** A sanitized CTD, as the service would hand it over. */
function makeCt(fields: Record<string, Spec>): ContentType {
  const d = definitions(fields);
  const input = {
    name: 'things',
    label: 'Things',
    schemaDefinition: {
      type: 'object',
      allOf: [{ $ref: ABSTRACT_SCHEMA_REF }, { type: 'object', properties: d.properties }],
      required: d.required,
    },
    metaDefinition: d.meta,
  };
  const r = sanitizeContentType(input, { allowInternalName: false });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { ...r.value, id: 'id', createdAt: '', updatedAt: '', deletedAt: null };
}

const rel = (ctd: string, id: string) => ({ dataUrl: `/api/v1/content/${ctd}/${id}`, type: 'internal' });

const ct = makeCt({
  title: [{ type: 'string', minLength: 1 }, { inputType: 'text' }, true],
  code: [{ type: 'string', pattern: '^[A-Z]+$' }, { inputType: 'text' }],
  summary: [{ type: 'string', maxLength: 5 }, { inputType: 'textarea' }],
  color: [{ type: 'string' }, { inputType: 'radio', options: ['red', 'green'] }],
  size: [
    { type: 'string' },
    { inputType: 'select', useOptionsWithLabels: true, optionsWithLabels: [{ value: 'S', label: 'Small' }] },
  ],
  sizes: [{ type: 'array' }, { inputType: 'select', multiple: true, options: ['S', 'M'] }],
  when: [{ type: 'string' }, { inputType: 'dateTime' }],
  price: [{ type: 'number', minimum: 0 }, { inputType: 'number' }],
  featured: [{ type: 'boolean' }, { inputType: 'checkbox' }],
  category: [{ type: 'array' }, { inputType: 'datasource', validation: { relationContenttype: 'category' } }],
  anything: [{ type: 'array' }, { inputType: 'datasource', validation: { relationContenttype: '' } }],
  place: [{ type: 'object' }, { inputType: 'geo' }],
  keywords: [{ type: 'array' }, { inputType: 'simpleList' }],
  content: [{ type: 'object' }, { inputType: 'block', blockEditorTypes: ['header', 'evilPlugin'] }],
  extra: [{}, { inputType: 'custom' }],
  rows: listOf({
    name: [{ type: 'string', minLength: 1 }, { inputType: 'text' }, true],
    qty: [{ type: 'integer' }, { inputType: 'number' }],
    link: [{ type: 'array' }, { inputType: 'datasource', validation: { relationContenttype: 'product' } }],
    inner: listOf({ on: [{ type: 'boolean' }, { inputType: 'checkbox' }] }),
  }),
});
const validate = compileObjectValidator(ct);

const valid = {
  title: 'Hello',
  code: 'ABC',
  summary: 'short',
  color: 'red',
  size: 'S',
  sizes: ['S', 'M'],
  when: '2024-02-29T10:30',
  price: 9.99,
  featured: false,
  category: [rel('category', 'c-1')],
  anything: [rel('product', 'p-1'), rel('category', 'c-1')],
  place: { lat: 52.2, lon: 21 },
  keywords: ['a', 'b'],
  content: {
    time: 1,
    version: '2.0',
    blocks: [
      { id: 'x', type: 'paragraph', data: { text: 'hi' } },
      { type: 'header', data: {} },
    ],
  },
  extra: { whatever: [1, 'two'] },
  rows: [{ name: 'n', qty: 2, link: [rel('product', 'p-1')], inner: [{ on: true }] }],
};

describe('compileObjectValidator', () => {
  it('accepts a valid object of every input type, and an object with only the required fields', () => {
    expect(validate(valid)).toEqual({});
    expect(validate({ title: 'x' })).toEqual({});
  });

  it('reports required, length and pattern errors with Flotiq messages', () => {
    expect(validate({ code: 'abc', summary: 'too long' })).toEqual({
      title: ['The property title is required'],
      code: ['Does not match the regex pattern ^[A-Z]+$'],
      summary: ['Must be at most 5 characters long'],
    });
    expect(validate({ title: '' })).toEqual({ title: ['Must be at least 1 characters long'] });
  });

  it('names the type found the way Flotiq (PHP) does', () => {
    expect(
      validate({ ...valid, price: '12', featured: 'yes', title: 5, code: 1.5, summary: null, keywords: 'a', place: [] }),
    ).toEqual({
      price: ['String value found, but a number is required'],
      featured: ['String value found, but a boolean is required'],
      title: ['Integer value found, but a string is required'],
      code: ['Double value found, but a string is required'],
      summary: ['NULL value found, but a string is required'],
      keywords: ['String value found, but an array is required'],
      place: ['Array value found, but an object is required'],
    });
  });

  it('checks options of radio and select, single and multiple', () => {
    expect(validate({ ...valid, color: 'blue', size: 'Small', sizes: ['S', 'XL'] })).toEqual({
      color: ['The value does not match possible options'],
      size: ['The value does not match possible options'],
      sizes: ['The value does not match possible options'],
    });
    expect(validate({ ...valid, color: '', size: '', when: '' })).toEqual({}); // optional: "" means unset
  });

  it('refuses unknown fields', () => {
    expect(validate({ ...valid, foo: 1 })).toEqual({
      foo: ['The property foo is not defined and the definition does not allow additional properties'],
    });
  });

  it('checks the dateTime pattern, number bounds and geo', () => {
    expect(validate({ ...valid, when: '2024-13-01', price: -1, place: { lat: 'x' } })).toEqual({
      when: [`Does not match the regex pattern ${DATE_TIME_PATTERN}`],
      price: ['Must have a minimum value of 0'],
      'place.lat': ['String value found, but a number is required'],
      'place.lon': ['The property lon is required'],
    });
  });

  it('allows paragraph plus the configured, accepted block types', () => {
    const blocks = (types: string[]) => ({ ...valid, content: { blocks: types.map((type) => ({ type, data: {} })) } });
    expect(validate(blocks(['paragraph', 'header']))).toEqual({});
    expect(validate(blocks(['header', 'quote', 'evilPlugin']))).toEqual({
      content: [
        'One of the block types (quote on index 1) does not match possible types',
        'One of the block types (evilPlugin on index 2) does not match possible types',
      ],
    });
  });

  it('checks relation shape, duplicates and target type', () => {
    expect(validate({ ...valid, category: [{ dataUrl: '/api/v2/x', type: 'weird' }] })).toEqual({
      'category.0.dataUrl': ['Does not match the regex pattern ^/api/v1/content/[_a-z]+/[^/]+$'],
      'category.0.type': ['Does not have a value in the enumeration ["internal","external"]'],
    });
    expect(validate({ ...valid, category: [rel('category', 'c-1'), rel('product', 'p-1'), rel('category', 'c-1')] })).toEqual({
      category: [
        'Related object /api/v1/content/product/p-1 is not of type category',
        'There are no duplicates allowed in the array',
      ],
    });
    expect(validate({ ...valid, category: [{ dataUrl: '/api/v1/content/category/c-1' }] })).toEqual({
      'category.0.type': ['The property type is required'],
    });
  });

  it('keys errors inside lists by dotted path, including nested lists and relation rules', () => {
    expect(
      validate({ ...valid, rows: [{ qty: 1.5 }, { name: 'ok', link: [rel('category', 'c')], inner: [{ on: 'no' }], bad: 1 }] }),
    ).toEqual({
      'rows.0.name': ['The property name is required'],
      'rows.0.qty': ['Double value found, but an integer is required'],
      'rows.1.bad': ['The property bad is not defined and the definition does not allow additional properties'],
      'rows.1.inner.0.on': ['String value found, but a boolean is required'],
      'rows.1.link': ['Related object /api/v1/content/category/c is not of type product'],
    });
  });

  it('compiles only whitelisted keywords, even if a stored definition carries others', () => {
    const tampered = structuredClone(ct);
    Object.assign(tampered.schemaDefinition.allOf[1].properties.code, { not: {}, pattern: undefined });
    expect(compileObjectValidator(tampered)({ title: 'x', code: 'lowercase' })).toEqual({});
  });

  it('enforces the structure a custom field schema describes', () => {
    const custom = makeCt({
      trim: [
        { type: 'object', properties: { top: { type: 'number', maximum: 10 } }, required: ['top'], additionalProperties: false },
        { inputType: 'custom' },
      ],
    });
    expect(compileObjectValidator(custom)({ trim: { top: 11, x: 1 } })).toEqual({
      'trim.top': ['Must have a maximum value of 10'],
      'trim.x': ['The property x is not defined and the definition does not allow additional properties'],
    });
  });
});
