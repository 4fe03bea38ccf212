import { describe, expect, it } from 'vitest';
import { ABSTRACT_SCHEMA_REF, INPUT_TYPES } from './content-type.js';
import { MAX_LIST_DEPTH, sanitizeContentType } from './sanitize-content-type.js';

type Spec = [schema: Record<string, unknown>, config: Record<string, unknown>];

/** A raw CTD as a client sends it, built from [schema, config] pairs. */
function ctd(fields: Record<string, Spec>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const names = Object.keys(fields);
  return {
    name: 'blogposts',
    label: 'Blog posts',
    schemaDefinition: {
      type: 'object',
      allOf: [
        { $ref: ABSTRACT_SCHEMA_REF },
        { type: 'object', properties: Object.fromEntries(names.map((n) => [n, fields[n][0]])) },
      ],
      required: [],
      additionalProperties: false,
    },
    metaDefinition: {
      order: names,
      propertiesConfig: Object.fromEntries(names.map((n) => [n, { label: n, unique: false, ...fields[n][1] }])),
    },
    ...extra,
  };
}
const listOf = (fields: Record<string, Spec>): Spec => {
  const raw = ctd(fields) as { schemaDefinition: { allOf: [unknown, { properties: unknown }] }; metaDefinition: unknown };
  return [
    { type: 'array', items: { type: 'object', properties: raw.schemaDefinition.allOf[1].properties } },
    { inputType: 'object', items: raw.metaDefinition },
  ];
};

const ALL_TYPES: Record<string, Spec> = {
  title: [
    { type: 'string', minLength: 1 },
    { inputType: 'text', unique: true, isTitlePart: true },
  ],
  summary: [{ type: 'string' }, { inputType: 'textarea' }],
  notes: [{ type: 'string' }, { inputType: 'textMarkdown' }],
  body: [{ type: 'string' }, { inputType: 'richtext' }],
  contact: [{ type: 'string' }, { inputType: 'email' }],
  color: [{ type: 'string' }, { inputType: 'radio', options: ['red', 'green'] }],
  size: [{ type: 'string' }, { inputType: 'select', options: ['S', 'M'] }],
  sizes: [
    { type: 'array', items: { type: 'string' } },
    { inputType: 'select', multiple: true, options: ['S', 'M'] },
  ],
  published: [
    { type: 'string', pattern: '^([12]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))T?(([0-1]?[0-9]|2[0-3]):[0-5][0-9])?$' },
    { inputType: 'dateTime', showTime: true },
  ],
  extra: [{}, { inputType: 'custom' }],
  price: [{ type: 'number', minimum: 0 }, { inputType: 'number' }],
  featured: [{ type: 'boolean' }, { inputType: 'checkbox' }],
  category: [
    { type: 'array', items: { $ref: '#/components/schemas/DataSource' } },
    { inputType: 'datasource', validation: { relationContenttype: 'category' } },
  ],
  sections: listOf({ heading: [{ type: 'string' }, { inputType: 'text' }] }),
  place: [{ type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } }, { inputType: 'geo' }],
  keywords: [{ type: 'array', items: { type: 'string' } }, { inputType: 'simpleList' }],
  content: [{ type: 'object' }, { inputType: 'block', blockEditorTypes: ['header'] }],
};

const errorsOf = (input: unknown, allowInternalName = false) => {
  const r = sanitizeContentType(input, { allowInternalName });
  return r.ok ? {} : r.errors;
};
const P = 'schemaDefinition.allOf[1].properties';

describe('sanitizeContentType: valid definitions', () => {
  it('accepts a CTD using all 16 input types', () => {
    const r = sanitizeContentType(ctd(ALL_TYPES), { allowInternalName: false });
    expect(r.ok ? r.value.metaDefinition.order : r.errors).toEqual(Object.keys(ALL_TYPES));
    const used = new Set(Object.values(ALL_TYPES).map(([, c]) => c.inputType));
    expect([...used].sort()).toEqual([...INPUT_TYPES].sort());
  });

  it('ignores read-only and unknown top-level keys and fills defaults', () => {
    const r = sanitizeContentType(
      ctd(
        { title: [{ type: 'string' }, { inputType: 'text' }] },
        { id: 'x', createdAt: 'c', updatedAt: 'u', deletedAt: null, hack: 1 },
      ),
      { allowInternalName: false },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(Object.keys(r.value).sort()).toEqual(
      ['draftPublic', 'featuredImage', 'internal', 'label', 'metaDefinition', 'name', 'schemaDefinition', 'slugs'].sort(),
    );
    expect(r.value).toMatchObject({ internal: false, draftPublic: false, featuredImage: [], slugs: [] });
    expect(r.value.schemaDefinition).toMatchObject({ type: 'object', required: [], additionalProperties: false });
  });

  it('keeps draftPublic, featuredImage, workflowId, and drops required entries that name no property', () => {
    const input = ctd(
      { title: [{ type: 'string' }, { inputType: 'text' }] },
      {
        draftPublic: true,
        workflowId: 'generic',
        featuredImage: [{ dataUrl: '/api/v1/content/_media/m1', type: 'internal', extra: 1 }],
      },
    );
    (input.schemaDefinition as { required: string[] }).required = ['title', 'ghost', 'title'];
    const r = sanitizeContentType(input, { allowInternalName: false });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value).toMatchObject({
      draftPublic: true,
      workflowId: 'generic',
      featuredImage: [{ dataUrl: '/api/v1/content/_media/m1', type: 'internal' }],
    });
    expect(r.value.featuredImage[0]).not.toHaveProperty('extra');
    expect(r.value.schemaDefinition.required).toEqual(['title']);
  });

  it('strips unknown JSON-Schema keywords and metadata keys', () => {
    const r = sanitizeContentType(
      ctd({
        title: [
          {
            type: 'string',
            maxLength: 9,
            $defs: { x: {} },
            if: {},
            not: {},
            $ref: 'http://evil/',
            'x-any': 1,
            format: 'regex',
            $id: 'x',
          },
          { inputType: 'text', onRender: 'alert(1)', panelWidth: 3 },
        ],
        extra: [
          { type: 'object', properties: { a: { type: 'string', allOf: [{}], const: 1 } }, patternProperties: { '.*': {} } },
          { inputType: 'custom' },
        ],
      }),
      { allowInternalName: false },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const props = r.value.schemaDefinition.allOf[1].properties;
    expect(props.title).toEqual({ type: 'string', maxLength: 9 });
    expect(props.extra).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    expect(r.value.metaDefinition.propertiesConfig.title).toEqual({ label: 'title', inputType: 'text', unique: false });
  });

  it('allows `_` names and marks them internal only when allowInternalName is set', () => {
    const input = { ...ctd({ title: [{ type: 'string' }, { inputType: 'text' }] }), name: '_media' };
    expect(errorsOf(input)).toEqual({ name: ['This value is not valid.'] });
    const r = sanitizeContentType(input, { allowInternalName: true });
    expect(r.ok && r.value.internal).toBe(true);
  });

  it('recurses into lists and keeps their item metadata', () => {
    const r = sanitizeContentType(ctd({ sections: ALL_TYPES.sections }), { allowInternalName: false });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.schemaDefinition.allOf[1].properties.sections.items).toEqual({
      type: 'object',
      properties: { heading: { type: 'string' } },
    });
    expect(r.value.metaDefinition.propertiesConfig.sections.items?.order).toEqual(['heading']);
  });
});

describe('sanitizeContentType: §2.5 errors', () => {
  const one: Record<string, Spec> = { title: [{ type: 'string' }, { inputType: 'text' }] };

  it.each([
    [{ name: undefined }, 'name', 'The property name is required'],
    [{ name: '' }, 'name', 'Must be at least 1 characters long'],
    [{ name: 'Blog posts1' }, 'name', 'This value is not valid.'],
    [{ label: undefined }, 'label', 'The property label is required'],
    [{ label: '' }, 'label', 'Must be at least 1 characters long'],
    [{ schemaDefinition: undefined }, 'schemaDefinition', 'The property schemaDefinition is required'],
    [{ metaDefinition: undefined }, 'metaDefinition', 'The property metaDefinition is required'],
  ])('%j → %s', (patch, key, message) => {
    expect(errorsOf({ ...ctd(one), ...patch })[key]).toEqual([message]);
  });

  it('requires allOf to be [$ref, {type: object, properties}]', () => {
    const base = ctd(one) as { schemaDefinition: { allOf: unknown[] } };
    const withAllOf = (allOf: unknown[]) => ({ ...base, schemaDefinition: { ...base.schemaDefinition, allOf } });
    expect(Object.keys(errorsOf(withAllOf([base.schemaDefinition.allOf[1]])))).toEqual(['schemaDefinition.allOf']);
    expect(
      errorsOf(withAllOf([{ $ref: '#/x' }, base.schemaDefinition.allOf[1]]))['schemaDefinition.allOf.0.$ref']?.[0],
    ).toContain(ABSTRACT_SCHEMA_REF);
    expect(
      errorsOf(withAllOf([{ $ref: ABSTRACT_SCHEMA_REF }, { type: 'object' }]))['schemaDefinition.allOf.1.$ref']?.[0],
    ).toContain('object with properties list');
  });

  it('reports property-name problems at schemaDefinition.properties', () => {
    expect(errorsOf(ctd({}))['schemaDefinition.properties']).toEqual(['You must specify at least one schema property']);
    expect(errorsOf(ctd({ 'my-field': one.title }))['schemaDefinition.properties']).toEqual([
      'Invalid value. Only a-z, A-Z, 0-9 and _ are allowed',
    ]);
    expect(errorsOf(ctd({ id: one.title, internal: one.title }))['schemaDefinition.properties']).toEqual([
      'Property name id not allowed',
      'Property name internal not allowed',
    ]);
    const proto = JSON.parse(JSON.stringify(ctd(one)).replace(/"title"/g, '"__proto__"')) as unknown;
    expect(errorsOf(proto)['schemaDefinition.properties']).toEqual(['Property name __proto__ not allowed']);
  });

  it('refuses schema types outside the enumeration', () => {
    expect(errorsOf(ctd({ title: [{ type: 'text' }, { inputType: 'text' }] }))[`${P}.title.type`]).toEqual([
      'Does not have a value in the enumeration ["array","boolean","integer","null","number","object","string"]',
    ]);
  });

  it('checks label, inputType and unique of each property config', () => {
    const errors = errorsOf(ctd({ title: [{ type: 'string' }, { inputType: 'txt', label: undefined, unique: undefined }] }));
    expect(errors['metaDefinition.propertiesConfig.title.label']).toEqual(['The property label is required']);
    expect(errors['metaDefinition.propertiesConfig.title.inputType']).toEqual([
      `Does not have a value in the enumeration ${JSON.stringify(INPUT_TYPES)}`,
    ]);
    expect(errors['metaDefinition.propertiesConfig.title.unique']).toEqual(['The property unique is required']);
  });

  it.each(['radio', 'checkbox', 'block'])('refuses unique on %s', (inputType) => {
    const spec = ALL_TYPES[{ radio: 'color', checkbox: 'featured', block: 'content' }[inputType] as string];
    const errors = errorsOf(ctd({ f: [spec[0], { ...spec[1], unique: true }] }));
    expect(errors['metaDefinition.propertiesConfig.f.unique']).toEqual([`Unique must be false for ${inputType} fields`]);
  });

  it('reports schema/meta/order mismatches', () => {
    const input = ctd(one) as { metaDefinition: { order: string[]; propertiesConfig: Record<string, unknown> } };
    input.metaDefinition.order = ['ghost'];
    input.metaDefinition.propertiesConfig.phantom = { label: 'p', inputType: 'text', unique: false };
    const errors = errorsOf(input);
    expect(errors['metaDefinition.order']).toEqual([
      'Property name title not existing in the order',
      'Property name ghost not existing in schema definition',
    ]);
    expect(errors['metaDefinition.propertiesConfig']).toEqual(['Property name phantom not existing in schema definition']);
    delete input.metaDefinition.propertiesConfig.title;
    expect(errorsOf(input)['metaDefinition.propertiesConfig']).toContain('Property name title not existing in meta definition');
  });

  it.each([
    ['number', { type: 'string' }],
    ['checkbox', { type: 'string' }],
    ['text', { type: 'number' }],
    ['datasource', { type: 'string' }],
    ['geo', { type: 'array' }],
    ['simpleList', { type: 'array', items: { type: 'number' } }],
    ['object', { type: 'array', items: { type: 'string' } }],
  ])('reports a wrong meta type for %s with %j', (inputType, schema) => {
    const config = { inputType, validation: { relationContenttype: '' } };
    expect(errorsOf(ctd({ price: [schema, config] }))['metaDefinition.propertiesConfig.price']).toEqual([
      'Wrong meta type for type of price',
    ]);
  });

  it('requires the relation type key of a datasource; "" means any type', () => {
    const rel = (config: Record<string, unknown>) => ctd({ rel: [{ type: 'array' }, { inputType: 'datasource', ...config }] });
    expect(errorsOf(rel({}))['metaDefinition.propertiesConfig.rel']).toEqual(['You have to specify type of relation for rel']);
    expect(errorsOf(rel({ validation: { relationContenttype: '' } }))).toEqual({});
    const r = sanitizeContentType(rel({ validation: { relationContenttype: '' } }), { allowInternalName: false });
    expect(r.ok && r.value.schemaDefinition.allOf[1].properties.rel.items).toEqual({ $ref: '#/components/schemas/DataSource' });
  });

  it('reports errors inside list items with nested paths', () => {
    const list = listOf({ qty: [{ type: 'decimal' }, { inputType: 'number' }], ok: [{ type: 'string' }, { inputType: 'text' }] });
    delete (list[1].items as { propertiesConfig: Record<string, unknown> }).propertiesConfig.ok;
    const errors = errorsOf(ctd({ rows: list }));
    expect(errors[`${P}.rows.items.properties.qty.type`]).toHaveLength(1);
    expect(errors['metaDefinition.propertiesConfig.rows.items.propertiesConfig']).toEqual([
      'Property name ok not existing in meta definition',
    ]);
  });

  it(`bounds list nesting at ${MAX_LIST_DEPTH} levels and the number of properties`, () => {
    const nest = (levels: number): Spec =>
      levels === 0 ? [{ type: 'string' }, { inputType: 'text' }] : listOf({ inner: nest(levels - 1) });
    expect(errorsOf(ctd({ l: nest(MAX_LIST_DEPTH) }))).toEqual({});
    expect(Object.values(errorsOf(ctd({ l: nest(MAX_LIST_DEPTH + 1) }))).flat()).toContain(
      `Lists can be nested at most ${MAX_LIST_DEPTH} levels deep`,
    );
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`f${i}`, one.title]));
    expect(errorsOf(ctd(many))['schemaDefinition.properties']).toEqual(['A content type can have at most 500 properties']);
  });

  it('refuses catastrophic, invalid and oversized patterns at the property path', () => {
    const withPattern = (pattern: string) =>
      errorsOf(ctd({ title: [{ type: 'string', pattern }, { inputType: 'text' }] }))[`${P}.title.pattern`];
    expect(withPattern('^(a+)+$')?.[0]).toMatch(/catastrophic backtracking/);
    expect(withPattern('(x|x)*y')?.[0]).toMatch(/catastrophic backtracking/);
    expect(withPattern('[a-')).toEqual(['Pattern is not a valid regular expression']);
    expect(withPattern('a'.repeat(513))).toEqual(['Pattern must be at most 512 characters long']);
    expect(withPattern('^[a-z0-9-]+$')).toBeUndefined();
  });
});

describe('sanitizeContentType: slugs (§2.6)', () => {
  const fields: Record<string, Spec> = {
    title: [{ type: 'string' }, { inputType: 'text' }],
    slug: [{ type: 'string' }, { inputType: 'text' }],
  };
  const slugs = (list: unknown[]) => sanitizeContentType(ctd(fields, { slugs: list }), { allowInternalName: false });

  it('keeps valid rules and drops inactive rules with missing fields', () => {
    const r = slugs([
      { source: 'title', target: 'slug', active: true },
      { source: 'gone', target: 'slug', active: false },
      { source: 'title', target: 'slug', active: false },
    ]);
    expect(r.ok && r.value.slugs).toEqual([
      { source: 'title', target: 'slug', active: true },
      { source: 'title', target: 'slug', active: false },
    ]);
  });

  it('reports active rules with missing or unknown fields', () => {
    const r = slugs([
      { target: 'slug', active: true },
      { source: 'title', target: 'nope', active: true },
    ]);
    expect(r.ok ? {} : r.errors).toEqual({
      'slugs[0].source': ['Slug source is required.'],
      'slugs[1].target': ['Field "nope" used as slug target does not exist in the type definition.'],
    });
    const r2 = slugs([{ source: 'missing', target: '', active: true }]);
    expect(r2.ok ? {} : r2.errors).toEqual({
      'slugs[0].source': ['Field "missing" used as slug source does not exist in the type definition.'],
      'slugs[0].target': ['Slug target is required.'],
    });
  });
});
