import { describe, expect, it } from 'vitest';
import { ABSTRACT_SCHEMA_REF, type ContentType } from './content-type.js';
import { planConversion } from './convert-data.js';
import { sanitizeContentType } from './sanitize-content-type.js';

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

const S = {
  text: [{ type: 'string' }, { inputType: 'text' }],
  textarea: [{ type: 'string' }, { inputType: 'textarea', label: 'Renamed label' }],
  radio: [{ type: 'string' }, { inputType: 'radio', options: ['x'] }],
  number: [{ type: 'number' }, { inputType: 'number' }],
  checkbox: [{ type: 'boolean' }, { inputType: 'checkbox' }],
  datasource: [{ type: 'array' }, { inputType: 'datasource', validation: { relationContenttype: '' } }],
  list: [
    { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
    { inputType: 'object', items: { order: ['a'], propertiesConfig: { a: { label: 'a', inputType: 'text', unique: false } } } },
  ],
  geo: [{ type: 'object' }, { inputType: 'geo' }],
  multi: [{ type: 'array' }, { inputType: 'select', multiple: true, options: ['red', 'blue'] }],
  simpleList: [{ type: 'array' }, { inputType: 'simpleList' }],
  dateTime: [{ type: 'string' }, { inputType: 'dateTime' }],
  block: [{ type: 'object' }, { inputType: 'block' }],
} satisfies Record<string, Spec>;
const req = (s: Spec): Spec => [s[0], s[1], true];

/** Converts `{f: value}` when field `f` changes from `from` to `to`. */
function change(from: Spec, to: Spec, value: unknown) {
  return planConversion(makeCt({ f: from }), makeCt({ f: to })).convert({ f: value });
}

describe('planConversion', () => {
  it('reports no changes when only labels, options or patterns change', () => {
    const before = makeCt({ a: S.text, b: S.radio });
    const after = makeCt({
      a: [
        { type: 'string', pattern: '^x$' },
        { inputType: 'textarea', label: 'New' },
      ],
      b: [S.radio[0], { inputType: 'radio', options: ['y'] }],
    });
    expect(planConversion(before, after).changes).toBe(false);
    expect(planConversion(before, makeCt({ a: S.text, b: S.radio, c: S.text })).changes).toBe(false); // new optional field: no backfill
  });

  it('strips removed properties and leaves non-field keys alone', () => {
    const plan = planConversion(makeCt({ a: S.text, b: S.number }), makeCt({ a: S.text }));
    expect(plan.changes).toBe(true);
    expect(plan.convert({ id: 'x-1', a: 'keep', b: 3 })).toEqual({ data: { id: 'x-1', a: 'keep' }, errors: {} });
  });

  it.each([
    ['text → textarea', S.text, S.textarea, 'abc', 'abc'],
    ['radio → text', S.radio, S.text, 'x', 'x'],
    ['text → number', S.text, S.number, '42', 0],
    ['number → text', S.number, S.text, 4.5, '4.5'],
    ['text → checkbox', S.text, S.checkbox, 'yes', false],
    ['number → checkbox', S.number, S.checkbox, 1, false],
    ['text → datasource', S.text, S.datasource, 'abc', []],
    ['text → list', S.text, S.list, 'abc', []],
    ['text → geo', S.text, S.geo, 'abc', { lat: 0, lon: 0 }],
    ['text → multi-select (an option)', S.text, S.multi, 'red', ['red']],
    ['text → simpleList', S.text, S.simpleList, 'abc', ['abc']],
    ['text → dateTime (a date)', S.text, S.dateTime, '2024-01-31', '2024-01-31'],
    ['dateTime → text', S.dateTime, S.text, '2024-01-31T10:00', '2024-01-31T10:00'],
  ])('%s', (_, from, to, value, expected) => {
    expect(change(from as Spec, to as Spec, value)).toEqual({ data: { f: expected }, errors: {} });
  });

  it('drops values that cannot be preserved from optional fields', () => {
    expect(change(S.text, S.multi, 'green')).toEqual({ data: {}, errors: {} });
    expect(change(S.text, S.dateTime, 'tomorrow')).toEqual({ data: {}, errors: {} });
    expect(change(S.checkbox, S.text, true)).toEqual({ data: {}, errors: {} });
    expect(change(S.text, S.block, 'x')).toEqual({ data: {}, errors: {} });
  });

  it('refuses the change when a required field cannot be preserved', () => {
    const required = { data: {}, errors: { f: ['The property f is required'] } };
    expect(change(S.text, req(S.datasource), 'abc')).toEqual(required); // Text -> Relationship
    expect(change(S.text, req(S.list), 'abc')).toEqual(required);
    expect(change(S.text, req(S.multi), 'green')).toEqual(required);
    expect(change(S.text, req(S.number), 'abc')).toEqual({ data: { f: 0 }, errors: {} }); // 0 is a value
  });

  it('rejects a field that became required while an object lacks it', () => {
    const plan = planConversion(makeCt({ a: S.text, b: S.text }), makeCt({ a: S.text, b: req(S.text) }));
    expect(plan.changes).toBe(true);
    expect(plan.convert({ a: 'x' }).errors).toEqual({ b: ['The property b is required'] });
    expect(plan.convert({ a: 'x', b: 'y' }).errors).toEqual({});
    const added = planConversion(makeCt({ a: S.text }), makeCt({ a: S.text, c: req(S.text) }));
    expect(added.convert({ a: 'x' }).errors).toEqual({ c: ['The property c is required'] });
  });

  it('converts inside list items, with dotted error paths', () => {
    const listWith = (fields: Record<string, Spec>): Spec => {
      const d = definitions(fields);
      return [
        { type: 'array', items: { type: 'object', properties: d.properties, required: d.required } },
        { inputType: 'object', items: d.meta },
      ];
    };
    const plan = planConversion(
      makeCt({ rows: listWith({ a: S.text, b: S.text, gone: S.text }) }),
      makeCt({ rows: listWith({ a: S.number, b: req(S.datasource) }) }),
    );
    expect(plan.convert({ rows: [{ a: 'x', b: 'y', gone: 1 }, { a: '1' }] })).toEqual({
      data: { rows: [{ a: 0 }, { a: 0 }] },
      errors: { 'rows.0.b': ['The property b is required'], 'rows.1.b': ['The property b is required'] },
    });
  });
});
