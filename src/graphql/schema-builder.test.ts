import { assertValidSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { ContentType } from '../content-types/content-type.js';
import { sanitizeContentType } from '../content-types/sanitize-content-type.js';
import { toLoaded, type LoadedType } from '../content-types/type-registry.js';
import { buildLegacySchema } from './legacy-schema.js';
import { buildV2Schema } from './schema-builder.js';

type Prop = { schema: Record<string, unknown>; config: Record<string, unknown> };
const textProp = (): Prop => ({ schema: { type: 'string' }, config: { label: 'T', inputType: 'text', unique: false } });
const listProp = (items: Record<string, Prop>): Prop => ({
  schema: {
    type: 'array',
    items: { type: 'object', properties: Object.fromEntries(Object.entries(items).map(([k, p]) => [k, p.schema])) },
  },
  config: {
    label: 'L',
    inputType: 'object',
    unique: false,
    items: {
      order: Object.keys(items),
      propertiesConfig: Object.fromEntries(Object.entries(items).map(([k, p]) => [k, p.config])),
    },
  },
});

function loaded(name: string, props: Record<string, Prop>): LoadedType {
  const result = sanitizeContentType(
    {
      name,
      label: name,
      schemaDefinition: {
        type: 'object',
        allOf: [
          { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
          { type: 'object', properties: Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.schema])) },
        ],
        required: [],
        additionalProperties: false,
      },
      metaDefinition: {
        order: Object.keys(props),
        propertiesConfig: Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.config])),
      },
    },
    { allowInternalName: true },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return toLoaded({ ...result.value, id: name, createdAt: '', updatedAt: '', deletedAt: null } as ContentType, 1);
}

describe('GraphQL names', () => {
  const post = loaded('post', { title: textProp(), tags: listProp({ label: textProp() }) });
  const postTags = loaded('post_tags', { name: textProp() });

  it('keeps CTD names; a nested type that collides with a readable CTD gets a suffix', () => {
    const sdl = printSchema(buildV2Schema([post, postTags]));
    expect(sdl).toContain('type post_tags {\n  internal: flotiq___internal\n  id: String!\n  name: String\n}');
    expect(sdl).toContain('tags: [post_tags_2!]');
    expect(sdl).toContain('type post_tags_2 {\n  label: String\n}');
  });

  it('names only from readable types: a hidden colliding CTD leaves no trace', () => {
    const sdl = printSchema(buildV2Schema([post]));
    expect(sdl).toContain('tags: [post_tags!]');
    expect(sdl).not.toContain('post_tags_2');
  });

  it('makes reserved and invalid names usable, keeping every valid name as it is', () => {
    const odd = loaded('__odd', {
      __translations: textProp(),
      '9lives': textProp(),
      _9lives: textProp(),
      plain: textProp(),
    });
    const also = loaded('_odd', { a: textProp() });
    for (const schema of [buildV2Schema([odd, also]), buildLegacySchema([odd, also])]) {
      assertValidSchema(schema);
      const sdl = printSchema(schema);
      expect(sdl).toContain('type _odd {');
      expect(sdl).toContain('type _odd_2 {');
      expect(sdl).toMatch(/_translations: String\n {2}_9lives_2: String\n {2}_9lives: String\n {2}plain: String/);
    }
  });

  it('a schema without readable types is valid and shows nothing', () => {
    const schema = buildV2Schema([]);
    assertValidSchema(schema);
    expect(printSchema(schema)).toBe('type Query {\n  """This key can read no content type"""\n  _empty: Boolean\n}');
  });
});
