import type { ContentTypeBody } from '../api/content-types.js';
import type { ContentType, InputType, MetaDefinition, PropertyConfig, PropertySchema } from '../api/types.js';
import { ABSTRACT_REF, DATASOURCE_REF, DATE_TIME_PATTERN, NO_UNIQUE_TYPES, TITLE_TYPES } from './input-types.js';

/** One field as the editor shows it; `extraSchema`/`extraConfig` keep what the editor does not show, untouched. */
export interface FieldDraft {
  uid: string;
  name: string;
  /** The name follows the label until someone edits it (new fields only). */
  autoName: boolean;
  label: string;
  inputType: InputType;
  /** The type the field had when loaded: extras are kept only while it is unchanged. */
  loadedType?: InputType;
  required: boolean;
  unique: boolean;
  hidden: boolean;
  readonly: boolean;
  isTitlePart: boolean;
  isPassword: boolean;
  showTime: boolean;
  multiple: boolean;
  helpText: string;
  pattern: string;
  options: string[];
  relationContenttype: string;
  relationMultiple: boolean;
  blockEditorTypes: string[];
  children: FieldDraft[];
  extraSchema: PropertySchema;
  extraConfig: Partial<PropertyConfig>;
}

export interface CtdDraft {
  name: string;
  label: string;
  fields: FieldDraft[];
  /** Top-level CTD keys the editor does not show (draftPublic, slugs, featuredImage …), sent back as they were. */
  rest: Partial<ContentTypeBody>;
}

let uidCounter = 0;
const uid = () => `f${++uidCounter}`;

export function newField(inputType: InputType = 'text'): FieldDraft {
  return {
    uid: uid(),
    name: '',
    autoName: true,
    label: '',
    inputType,
    required: false,
    unique: false,
    hidden: false,
    readonly: false,
    isTitlePart: false,
    isPassword: false,
    showTime: false,
    multiple: false,
    helpText: '',
    pattern: '',
    options: [],
    relationContenttype: '',
    relationMultiple: true,
    blockEditorTypes: [],
    children: [],
    extraSchema: {},
    extraConfig: {},
  };
}

const SCHEMA_MANAGED = [
  'type',
  'minLength',
  'items',
  'pattern',
  'minItems',
  'properties',
  'required',
  'additionalProperties',
] as const;
const CONFIG_MANAGED = [
  'label',
  'inputType',
  'unique',
  'hidden',
  'readonly',
  'isTitlePart',
  'isPassword',
  'showTime',
  'multiple',
  'helpText',
  'options',
  'validation',
  'blockEditorTypes',
  'items',
] as const;

function omit<T extends object>(o: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as Partial<T>;
}

/** The editor's fields of one level (the type's top level, or a list's items). */
export function fieldsFrom(properties: Record<string, PropertySchema>, required: string[], meta: MetaDefinition): FieldDraft[] {
  return meta.order
    .filter((n) => properties[n] && meta.propertiesConfig[n])
    .map((name) => fieldFrom(name, properties[name], meta.propertiesConfig[name], required.includes(name)));
}

function fieldFrom(name: string, s: PropertySchema, c: PropertyConfig, required: boolean): FieldDraft {
  const items = s.items && 'properties' in s.items ? (s.items as PropertySchema) : undefined;
  return {
    ...newField(c.inputType),
    name,
    autoName: false,
    label: c.label,
    loadedType: c.inputType,
    required,
    unique: c.unique,
    hidden: c.hidden === true,
    readonly: c.readonly === true,
    isTitlePart: c.isTitlePart === true,
    isPassword: c.isPassword === true,
    showTime: c.showTime === true,
    multiple: c.multiple === true,
    helpText: c.helpText ?? '',
    pattern: c.inputType === 'dateTime' ? '' : (s.pattern ?? ''),
    options: c.options ?? [],
    relationContenttype: c.validation?.relationContenttype ?? '',
    relationMultiple: c.validation?.relationMultiple !== false,
    blockEditorTypes: c.blockEditorTypes ?? [],
    children:
      c.inputType === 'object' && items && c.items ? fieldsFrom(items.properties ?? {}, items.required ?? [], c.items) : [],
    extraSchema: omit(s, SCHEMA_MANAGED),
    extraConfig: omit(c, CONFIG_MANAGED),
  };
}

export function draftFrom(ct: ContentType): CtdDraft {
  const { schemaDefinition, metaDefinition, name, label, draftPublic, featuredImage, slugs, workflowId } = ct;
  return {
    name,
    label,
    fields: fieldsFrom(schemaDefinition.allOf[1].properties, schemaDefinition.required, metaDefinition),
    rest: { draftPublic, featuredImage, slugs, ...(workflowId ? { workflowId } : {}) },
  };
}

const BLOCK_SCHEMA: PropertySchema = {
  type: 'object',
  properties: {
    time: { type: 'number' },
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          data: { type: 'object', properties: { text: { type: 'string' } }, additionalProperties: true },
        },
      },
    },
    version: { type: 'string' },
  },
  additionalProperties: false,
};

/** The JSON-Schema of one field, following the table of §2.3. */
export function schemaOf(f: FieldDraft): PropertySchema {
  const extra = f.loadedType === f.inputType ? f.extraSchema : {};
  const str = (more: PropertySchema = {}): PropertySchema => ({
    ...extra,
    type: 'string',
    ...(f.required ? { minLength: 1 } : {}),
    ...more,
  });
  switch (f.inputType) {
    case 'dateTime':
      return str({ pattern: DATE_TIME_PATTERN });
    case 'number':
      return { ...extra, type: 'number' };
    case 'checkbox':
      return { ...extra, type: 'boolean' };
    case 'select':
      return f.multiple ? { ...extra, type: 'array', items: { type: 'string' }, ...(f.required ? { minItems: 1 } : {}) } : str();
    case 'datasource':
      return { ...extra, type: 'array', items: { $ref: DATASOURCE_REF }, minItems: f.required ? 1 : 0 };
    case 'simpleList':
      return { ...extra, type: 'array', items: { type: 'string' }, ...(f.required ? { minItems: 1 } : {}) };
    case 'object': {
      const level = levelOf(f.children);
      return {
        ...extra,
        type: 'array',
        items: { type: 'object', properties: level.properties, ...(level.required.length ? { required: level.required } : {}) },
        ...(f.required ? { minItems: 1 } : {}),
      };
    }
    case 'geo':
      return {
        ...extra,
        type: 'object',
        properties: { lat: { type: 'number' }, lon: { type: 'number' } },
        required: ['lat', 'lon'],
        additionalProperties: false,
      };
    case 'block':
      return { ...extra, ...BLOCK_SCHEMA };
    case 'custom':
      return { ...extra };
    default:
      return str(f.pattern ? { pattern: f.pattern } : {});
  }
}

/** The metadata of one field (§2.2 AbstractPropertiesConfig). */
export function configOf(f: FieldDraft): PropertyConfig {
  const extra = f.loadedType === f.inputType ? f.extraConfig : {};
  const c: PropertyConfig = {
    ...extra,
    label: f.label,
    inputType: f.inputType,
    unique: NO_UNIQUE_TYPES.includes(f.inputType) ? false : f.unique,
  };
  if (f.helpText) c.helpText = f.helpText;
  if (f.hidden) c.hidden = true;
  if (f.readonly) c.readonly = true;
  if (f.isTitlePart && TITLE_TYPES.includes(f.inputType)) c.isTitlePart = true;
  if (f.inputType === 'text' && f.isPassword) c.isPassword = true;
  if (f.inputType === 'dateTime') c.showTime = f.showTime;
  if (f.inputType === 'select') c.multiple = f.multiple;
  if (f.inputType === 'radio' || f.inputType === 'select')
    c.options = [...new Set(f.options.map((o) => o.trim()).filter(Boolean))];
  if (f.inputType === 'datasource')
    c.validation = { relationContenttype: f.relationContenttype, relationMultiple: f.relationMultiple };
  if (f.inputType === 'block') c.blockEditorTypes = f.blockEditorTypes;
  if (f.inputType === 'object') c.items = levelOf(f.children).meta;
  return c;
}

function levelOf(fields: FieldDraft[]) {
  const properties: Record<string, PropertySchema> = {};
  const propertiesConfig: Record<string, PropertyConfig> = {};
  for (const f of fields) {
    properties[f.name] = schemaOf(f);
    propertiesConfig[f.name] = configOf(f);
  }
  return {
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
    meta: { order: fields.map((f) => f.name), propertiesConfig },
  };
}

/** The CTD body for POST/PUT. */
export function bodyOf(d: CtdDraft): ContentTypeBody {
  const level = levelOf(d.fields);
  return {
    draftPublic: false,
    featuredImage: [],
    slugs: [],
    ...d.rest,
    name: d.name,
    label: d.label,
    schemaDefinition: {
      type: 'object',
      allOf: [{ $ref: ABSTRACT_REF }, { type: 'object', properties: level.properties }],
      required: level.required,
      additionalProperties: false,
    },
    metaDefinition: level.meta,
  };
}

/** A property name from a label: "Post content" → "postContent" (a-z, A-Z, 0-9 and _ only). */
export function propertyNameFrom(label: string): string {
  const words = label
    .normalize('NFKD')
    .replace(/[^\w\s]/g, ' ')
    .trim()
    .split(/[\s_]+/)
    .filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^\d/.test(name) ? `_${name}` : name;
}

/** A CTD name from a label: "Blog posts" → "blog_posts" (only a-z and _). */
export function typeNameFrom(label: string): string {
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z\s_]/g, '')
    .trim()
    .replace(/\s+/g, '_')
    .replace(/^_+/, '');
}
