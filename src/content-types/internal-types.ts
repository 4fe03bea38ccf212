import { ABSTRACT_SCHEMA_REF, type ContentTypeInput, type InputType } from './content-type.js';
import { DATASOURCE_REF } from './sanitize-schema.js';

/** One field as written in a CTD: its schema, its metadata, and whether it is required. */
interface Field {
  schema: Record<string, unknown>;
  config: Record<string, unknown> & { label: string; inputType: InputType; unique: boolean };
  required?: boolean;
}
type Fields = Record<string, Field>;

// Small builders so the system types read like the tables of §7.2, §8.1 and §2.9.
const req = (f: Field): Field => ({
  ...f,
  required: true,
  schema: f.schema.type === 'string' ? { ...f.schema, minLength: 1 } : f.schema,
});
const text = (label: string, extra: Record<string, unknown> = {}, schema: Record<string, unknown> = {}): Field => ({
  schema: { type: 'string', ...schema },
  config: { label, inputType: 'text', unique: false, ...extra },
});
const textarea = (label: string): Field => ({
  schema: { type: 'string' },
  config: { label, inputType: 'textarea', unique: false },
});
const num = (label: string): Field => ({ schema: { type: 'number' }, config: { label, inputType: 'number', unique: false } });
const checkbox = (label: string): Field => ({
  schema: { type: 'boolean' },
  config: { label, inputType: 'checkbox', unique: false },
});
const radio = (label: string, options: string[]): Field => ({
  schema: { type: 'string' },
  config: { label, inputType: 'radio', unique: false, options },
});
const relation = (label: string, target: string): Field => ({
  schema: { type: 'array', items: { $ref: DATASOURCE_REF } },
  config: { label, inputType: 'datasource', unique: false, validation: { relationContenttype: target, relationMultiple: true } },
});
const list = (label: string, items: Fields): Field => {
  const { schemaDefinition, metaDefinition } = definitions(items);
  return {
    schema: {
      type: 'array',
      items: { type: 'object', properties: schemaDefinition.properties, required: schemaDefinition.required },
    },
    config: { label, inputType: 'object', unique: false, items: metaDefinition },
  };
};

function definitions(fields: Fields) {
  const names = Object.keys(fields);
  return {
    schemaDefinition: {
      properties: Object.fromEntries(names.map((n) => [n, fields[n].schema])),
      required: names.filter((n) => fields[n].required),
    },
    metaDefinition: { order: names, propertiesConfig: Object.fromEntries(names.map((n) => [n, fields[n].config])) },
  };
}

function ctd(name: string, label: string, fields: Fields): ContentTypeInput {
  const { schemaDefinition, metaDefinition } = definitions(fields);
  return {
    name,
    label,
    internal: true,
    draftPublic: false,
    featuredImage: [],
    slugs: [],
    schemaDefinition: {
      type: 'object',
      allOf: [{ $ref: ABSTRACT_SCHEMA_REF }, { type: 'object', properties: schemaDefinition.properties }],
      required: schemaDefinition.required,
      additionalProperties: false,
    },
    metaDefinition,
  };
}

const coordinate = (min: number) => ({ type: 'number', minimum: min, maximum: 9999999 });

/**
 * A variant's `trim` is a single object, not a list, so it is a `custom` field whose schema describes the object:
 * the sanitizer keeps `properties`/`required`/`additionalProperties` and the validator enforces them for custom
 * fields. That keeps Flotiq's wire shape `variants: [{name, trim: {top, right, bottom, left, width, height}}]`.
 */
const trim: Field = {
  schema: {
    type: 'object',
    properties: {
      top: coordinate(0),
      right: coordinate(0),
      bottom: coordinate(0),
      left: coordinate(0),
      width: coordinate(1),
      height: coordinate(1),
    },
    required: ['top', 'left'],
    additionalProperties: false,
  },
  config: { label: 'Trim', inputType: 'custom', unique: false },
};

/** The system types created on first start (§2.9); each passes `sanitizeContentType(x, {allowInternalName: true})`. */
export const INTERNAL_TYPES: ContentTypeInput[] = [
  ctd('_media', 'Media', {
    fileName: req(text('File name', { isTitlePart: true })),
    mimeType: req(text('MIME type')),
    size: req(num('Size')),
    width: num('Width'),
    height: num('Height'),
    url: req(text('URL')),
    externalId: text('External id'),
    source: req(radio('Source', ['disk', 'unsplash'])),
    extension: req(text('Extension')),
    type: req(radio('Type', ['image', 'file'])),
    tags: relation('Tags', '_tag'),
    alt: text('Alternative text'),
    title: text('Title'),
    // Variant names must also be unique within one media object; the media service checks that.
    variants: list('Variants', { name: req(text('Name', {}, { pattern: '^[_a-zA-Z0-9]+$' })), trim }),
  }),
  ctd('_tag', 'Tag', { name: req(text('Name', { isTitlePart: true, unique: true })) }),
  ctd('_webhooks', 'Webhooks', {
    name: req(text('Name', { isTitlePart: true })),
    type: radio('Type', ['async', 'sync', 'ctd']),
    executionMode: radio('Execution mode', ['url', 'code']),
    url: text('URL'),
    code: textarea('Code'),
    enabled: checkbox('Enabled'),
    content_type_definitions: req(list('Content types', { content_type_definition_name: text('Content type') })),
    actions: req(list('Actions', { action: radio('Action', ['Create', 'Update', 'Delete', 'Custom', 'WorkflowTransition']) })),
    headers: list('Headers', { header_name: text('Header name'), header_value: text('Header value') }),
  }),
  ctd('_plugin_settings', 'Plugin settings', {
    name: req(text('Name', { isTitlePart: true })),
    description: textarea('Description'),
    version: req(text('Version')),
    url: req(text('URL')),
    enabled: req(checkbox('Enabled')),
    settings: textarea('Settings (JSON)'),
    manifest: textarea('Manifest (JSON)'),
  }),
];
