import { addFieldError, hasErrors, type FieldErrors } from '../core/errors.js';
import {
  ABSTRACT_SCHEMA_REF,
  INPUT_TYPES,
  type ContentType,
  type DataSource,
  type InputType,
  type MetaDefinition,
  type PropertyConfig,
  type PropertySchema,
  type SlugRule,
} from './content-type.js';
import {
  countProperties,
  DATASOURCE_REF,
  isRecord,
  isStringArray,
  present,
  PROPERTY_NAME,
  sanitizeSchema,
  SCHEMA_MSG,
  takeValid,
  type SchemaContext,
} from './sanitize-schema.js';

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export type SanitizedCtd = Omit<ContentType, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type SanitizeResult = { ok: true; value: SanitizedCtd } | { ok: false; errors: FieldErrors };

// prettier-ignore
export const RESERVED_PROPERTY_NAMES = [
  'id', '_id', '_index', '_type', '_source', '_score', '_routing', '_version', '_shards', 'objectType', 'internal',
];
/** Lists inside lists: each level multiplies the work per object, so the depth is bounded. */
export const MAX_LIST_DEPTH = 5;
const CTD_NAME = /^[_a-z]+$/;

const MSG = {
  required: (p: string) => `The property ${p} is required`,
  minLength1: 'Must be at least 1 characters long',
  invalid: SCHEMA_MSG.invalid,
  enumeration: SCHEMA_MSG.enumeration,
  allOf:
    'Invalid schema definition for content type. Schema definition should have 2 elements: reference to ' +
    `${ABSTRACT_SCHEMA_REF} and object with properties list`,
  allOf0: `Invalid schema definition for content type. Schema definition should have reference to ${ABSTRACT_SCHEMA_REF} as first element`,
  allOf1:
    'Invalid schema definition for content type. Schema definition should have object with properties list as second element',
  noProperties: 'You must specify at least one schema property',
  badName: SCHEMA_MSG.badName,
  notAllowed: (p: string) => `Property name ${p} not allowed`,
  notInOrder: (p: string) => `Property name ${p} not existing in the order`,
  notInMeta: (p: string) => `Property name ${p} not existing in meta definition`,
  notInSchema: (p: string) => `Property name ${p} not existing in schema definition`,
  wrongMeta: (p: string) => `Wrong meta type for type of ${p}`,
  relation: (p: string) => `You have to specify type of relation for ${p}`,
  uniqueNotAllowed: (t: string) => `Unique must be false for ${t} fields`,
  tooDeep: `Lists can be nested at most ${MAX_LIST_DEPTH} levels deep`,
};

type Raw = Record<string, unknown>;
type Ctx = SchemaContext;
/** Where a property container sits, as error paths: its schema `properties`, the name-error key, its meta node. */
interface At {
  schema: string;
  names: string;
  meta: string;
}
interface Fields {
  properties: Record<string, PropertySchema>;
  required: string[];
  meta: MetaDefinition;
}

/** Validates a client's CTD (§2.2–2.6) and returns a copy holding only known, bounded keys. */
export function sanitizeContentType(input: unknown, opts: { allowInternalName: boolean }): SanitizeResult {
  const ctx: Ctx = { errors: {}, propertyCount: 0 };
  const raw = isRecord(input) ? input : {};
  const name = sanitizeName(raw.name, opts.allowInternalName, ctx.errors);
  const label = requiredString(raw.label, 'label', ctx.errors);
  const draftPublic = optionalBoolean(raw.draftPublic, 'draftPublic', ctx.errors);
  const featuredImage = sanitizeFeaturedImage(raw.featuredImage, ctx.errors);
  const workflowId = raw.workflowId;
  if (present(workflowId) && typeof workflowId !== 'string') addFieldError(ctx.errors, 'workflowId', MSG.invalid);
  const fields = sanitizeDefinitions(raw.schemaDefinition, raw.metaDefinition, ctx);
  const slugs = sanitizeSlugs(raw.slugs, fields ? new Set(Object.keys(fields.properties)) : null, ctx.errors);
  if (hasErrors(ctx.errors) || !fields || name === null || label === null) return { ok: false, errors: ctx.errors };
  const value: SanitizedCtd = {
    name,
    label,
    // Derived, not trusted: only callers allowed to use `_` names can create system types.
    internal: name.startsWith('_'),
    draftPublic,
    featuredImage,
    slugs,
    ...(typeof workflowId === 'string' && workflowId !== '' ? { workflowId } : {}),
    schemaDefinition: {
      type: 'object',
      allOf: [{ $ref: ABSTRACT_SCHEMA_REF }, { type: 'object', properties: fields.properties }],
      required: fields.required,
      additionalProperties: false,
    },
    metaDefinition: fields.meta,
  };
  return { ok: true, value };
}

function sanitizeName(v: unknown, allowInternal: boolean, errors: FieldErrors): string | null {
  const name = requiredString(v, 'name', errors);
  if (name === null) return null;
  if (!CTD_NAME.test(name) || (name.startsWith('_') && !allowInternal)) {
    addFieldError(errors, 'name', MSG.invalid);
    return null;
  }
  return name;
}

function requiredString(v: unknown, key: string, errors: FieldErrors): string | null {
  if (!present(v)) addFieldError(errors, key, MSG.required(key));
  else if (typeof v !== 'string') addFieldError(errors, key, MSG.invalid);
  else if (v === '') addFieldError(errors, key, MSG.minLength1);
  else return v;
  return null;
}

function optionalBoolean(v: unknown, key: string, errors: FieldErrors): boolean {
  if (!present(v)) return false;
  if (typeof v !== 'boolean') addFieldError(errors, key, MSG.invalid);
  return v === true;
}

function sanitizeFeaturedImage(v: unknown, errors: FieldErrors): DataSource[] {
  if (!present(v)) return [];
  const ok =
    Array.isArray(v) &&
    v.every((d) => isRecord(d) && typeof d.dataUrl === 'string' && (d.type === 'internal' || d.type === 'external'));
  if (!ok) {
    addFieldError(errors, 'featuredImage', MSG.invalid);
    return [];
  }
  return (v as DataSource[]).map((d) => ({ dataUrl: d.dataUrl, type: d.type }));
}

function sanitizeDefinitions(schemaDef: unknown, metaDef: unknown, ctx: Ctx): Fields | null {
  const { errors } = ctx;
  if (!isRecord(schemaDef))
    addFieldError(errors, 'schemaDefinition', present(schemaDef) ? MSG.invalid : MSG.required('schemaDefinition'));
  if (!isRecord(metaDef))
    addFieldError(errors, 'metaDefinition', present(metaDef) ? MSG.invalid : MSG.required('metaDefinition'));
  if (!isRecord(schemaDef) || !isRecord(metaDef)) return null;
  const allOf = schemaDef.allOf;
  if (!Array.isArray(allOf) || allOf.length !== 2) {
    addFieldError(errors, 'schemaDefinition.allOf', MSG.allOf);
    return null;
  }
  const [first, second] = allOf as unknown[];
  if (!isRecord(first) || first.$ref !== ABSTRACT_SCHEMA_REF) addFieldError(errors, 'schemaDefinition.allOf.0.$ref', MSG.allOf0);
  if (!isRecord(second) || second.type !== 'object' || !isRecord(second.properties)) {
    addFieldError(errors, 'schemaDefinition.allOf.1.$ref', MSG.allOf1);
    return null;
  }
  const at = { schema: 'schemaDefinition.allOf[1].properties', names: 'schemaDefinition.properties', meta: 'metaDefinition' };
  return walkFields(second.properties, schemaDef.required, metaDef, at, 0, ctx);
}

/** Checks one level of fields (top level or a list's items) against its metadata, recursing into lists. */
function walkFields(props: Raw, required: unknown, meta: unknown, at: At, depth: number, ctx: Ctx): Fields {
  const { errors } = ctx;
  const names = Object.keys(props);
  if (names.length === 0) addFieldError(errors, at.names, MSG.noProperties);
  countProperties(names.length, ctx);
  const rawMeta = isRecord(meta) ? meta : {};
  const order = isStringArray(rawMeta.order) ? [...new Set(rawMeta.order)] : [];
  const configs = isRecord(rawMeta.propertiesConfig) ? rawMeta.propertiesConfig : {};
  const out: Fields = { properties: {}, required: [], meta: { order: [], propertiesConfig: {} } };
  for (const p of names) {
    if (!PROPERTY_NAME.test(p)) addFieldError(errors, at.names, MSG.badName);
    // names of Object.prototype members would be read through the prototype by plain-object code paths
    else if (p === '__proto__' || p in Object.prototype || (depth === 0 && RESERVED_PROPERTY_NAMES.includes(p)))
      addFieldError(errors, at.names, MSG.notAllowed(p));
    else {
      if (!order.includes(p)) addFieldError(errors, `${at.meta}.order`, MSG.notInOrder(p));
      if (!Object.hasOwn(configs, p)) addFieldError(errors, `${at.meta}.propertiesConfig`, MSG.notInMeta(p));
      else {
        const field = sanitizeField(p, props[p], configs[p], at, depth, ctx);
        if (field) {
          out.properties[p] = field.schema;
          out.meta.propertiesConfig[p] = field.config;
        }
      }
    }
  }
  for (const p of Object.keys(configs))
    if (!Object.hasOwn(props, p)) addFieldError(errors, `${at.meta}.propertiesConfig`, MSG.notInSchema(p));
  for (const p of order) if (!Object.hasOwn(props, p)) addFieldError(errors, `${at.meta}.order`, MSG.notInSchema(p));
  out.meta.order = order.filter((p) => Object.hasOwn(out.properties, p));
  // A stale `required` entry could never be satisfied (additionalProperties is false), so it is dropped, not refused.
  out.required = isStringArray(required) ? [...new Set(required)].filter((p) => Object.hasOwn(out.properties, p)) : [];
  return out;
}

function sanitizeField(p: string, rawSchema: unknown, rawConfig: unknown, at: At, depth: number, ctx: Ctx) {
  const { errors } = ctx;
  const schemaPath = `${at.schema}.${p}`;
  const metaPath = `${at.meta}.propertiesConfig.${p}`;
  if (!isRecord(rawSchema)) addFieldError(errors, schemaPath, MSG.invalid);
  if (!isRecord(rawConfig)) addFieldError(errors, metaPath, MSG.invalid);
  if (!isRecord(rawSchema) || !isRecord(rawConfig)) return null;
  const config = sanitizeConfig(rawConfig, metaPath, errors);
  const isList = config?.inputType === 'object';
  // List items are fields (with metadata), so they are walked separately from plain sub-schemas.
  const { items: rawItems, ...rest } = rawSchema;
  const schema = sanitizeSchema(isList ? rest : rawSchema, schemaPath, 0, ctx);
  if (!config) return null;
  if (!fitsInputType(config, schema, rawItems)) addFieldError(errors, metaPath, MSG.wrongMeta(p));
  if (config.unique && ['radio', 'checkbox', 'block'].includes(config.inputType)) {
    addFieldError(errors, `${metaPath}.unique`, MSG.uniqueNotAllowed(config.inputType));
  }
  if (config.inputType === 'datasource') {
    if (typeof config.validation?.relationContenttype !== 'string') addFieldError(errors, metaPath, MSG.relation(p));
    schema.items = { $ref: DATASOURCE_REF };
  }
  if (config.inputType === 'simpleList' || (config.inputType === 'select' && config.multiple)) schema.items = { type: 'string' };
  if (isList && isRecord(rawItems) && isRecord(rawItems.properties)) {
    if (depth + 1 > MAX_LIST_DEPTH) {
      addFieldError(errors, schemaPath, MSG.tooDeep);
      return null;
    }
    const itemsPath = `${schemaPath}.items.properties`;
    const sub = walkFields(
      rawItems.properties,
      rawItems.required,
      rawConfig.items,
      { schema: itemsPath, names: itemsPath, meta: `${metaPath}.items` },
      depth + 1,
      ctx,
    );
    schema.items = { type: 'object', properties: sub.properties, ...(sub.required.length ? { required: sub.required } : {}) };
    config.items = sub.meta;
  }
  return { schema, config };
}

function typesOf(schema: PropertySchema): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** Whether the JSON-Schema type can hold what the input type stores (§2.3); `custom` holds anything. */
function fitsInputType(config: PropertyConfig, schema: PropertySchema, rawItems: unknown): boolean {
  const types = typesOf(schema);
  const only = (t: string) => types.length === 1 && types[0] === t;
  const itemType = isRecord(rawItems) ? rawItems.type : undefined;
  switch (config.inputType) {
    case 'number':
      return types.length === 1 && (types[0] === 'number' || types[0] === 'integer');
    case 'checkbox':
      return only('boolean');
    case 'select':
      return config.multiple ? only('array') && (itemType === undefined || itemType === 'string') : only('string');
    case 'simpleList':
      return only('array') && (itemType === undefined || itemType === 'string');
    case 'datasource':
      return only('array') && (rawItems === undefined || (isRecord(rawItems) && rawItems.$ref === DATASOURCE_REF));
    case 'object':
      return (
        only('array') && isRecord(rawItems) && (itemType === undefined || itemType === 'object') && isRecord(rawItems.properties)
      );
    case 'geo':
    case 'block':
      return only('object');
    case 'custom':
      return true;
    default:
      return only('string');
  }
}

// prettier-ignore
const CONFIG_BOOLEANS = ['readonly', 'hidden', 'isTitlePart', 'isPassword', 'showTime', 'multiple', 'useOptionsWithLabels'] as const;

/** Keeps the documented metadata keys (§2.2 AbstractPropertiesConfig); unknown keys are dropped. */
function sanitizeConfig(raw: Raw, path: string, errors: FieldErrors): PropertyConfig | null {
  const label = raw.label;
  const inputType = raw.inputType;
  const unique = raw.unique;
  if (typeof label !== 'string') addFieldError(errors, `${path}.label`, MSG.required('label'));
  if (!INPUT_TYPES.includes(inputType as InputType)) addFieldError(errors, `${path}.inputType`, MSG.enumeration(INPUT_TYPES));
  if (!present(unique)) addFieldError(errors, `${path}.unique`, MSG.required('unique'));
  else if (typeof unique !== 'boolean') addFieldError(errors, `${path}.unique`, MSG.invalid);
  const out: PropertyConfig = { label: String(label), inputType: inputType as InputType, unique: unique === true };
  const bad = (key: string) => addFieldError(errors, `${path}.${key}`, MSG.invalid);
  const take = <T>(key: string, ok: (v: unknown) => v is T, set: (v: T) => void) => takeValid(raw, key, ok, set, bad);
  for (const key of CONFIG_BOOLEANS) take(key, isBoolean, (v) => (out[key] = v));
  take('helpText', isString, (v) => (out.helpText = v));
  take('options', isStringArray, (v) => (out.options = [...new Set(v)]));
  take('blockEditorTypes', isStringArray, (v) => (out.blockEditorTypes = v));
  take(
    'inputSubtype',
    (v): v is string => isString(v) && /^[a-z]+$/.test(v),
    (v) => (out.inputSubtype = v),
  );
  if (present(raw.optionsWithLabels)) {
    const list = raw.optionsWithLabels;
    const ok =
      Array.isArray(list) && list.every((o) => isRecord(o) && typeof o.value === 'string' && typeof o.label === 'string');
    if (ok)
      out.optionsWithLabels = (list as { value: string; label: string }[]).map(({ value, label: l }) => ({ value, label: l }));
    else bad('optionsWithLabels');
  }
  if (present(raw.validation)) {
    const v = raw.validation;
    if (!isRecord(v)) bad('validation');
    else {
      out.validation = {};
      if (typeof v.relationMultiple === 'boolean') out.validation.relationMultiple = v.relationMultiple;
      if (typeof v.relationContenttype === 'string') out.validation.relationContenttype = v.relationContenttype;
    }
  }
  return typeof label === 'string' && INPUT_TYPES.includes(inputType as InputType) ? out : null;
}

function sanitizeSlugs(v: unknown, fieldNames: Set<string> | null, errors: FieldErrors): SlugRule[] {
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    addFieldError(errors, 'slugs', MSG.invalid);
    return [];
  }
  const out: SlugRule[] = [];
  v.forEach((rule: unknown, i) => {
    if (!isRecord(rule) || (present(rule.active) && typeof rule.active !== 'boolean')) {
      addFieldError(errors, `slugs[${i}]`, MSG.invalid);
      return;
    }
    // A rule sent without `active` is meant to work; only an explicit `false` disables it.
    const active = rule.active !== false;
    const source = typeof rule.source === 'string' ? rule.source : '';
    const target = typeof rule.target === 'string' ? rule.target : '';
    const exists = (f: string) => fieldNames === null || fieldNames.has(f);
    if (!active) {
      if (source && target && exists(source) && exists(target)) out.push({ source, target, active });
      return;
    }
    // prettier-ignore
    const roles = [['source', source], ['target', target]] as const;
    for (const [role, field] of roles) {
      if (!field) addFieldError(errors, `slugs[${i}].${role}`, `Slug ${role} is required.`);
      else if (!exists(field)) {
        addFieldError(
          errors,
          `slugs[${i}].${role}`,
          `Field "${field}" used as slug ${role} does not exist in the type definition.`,
        );
      }
    }
    out.push({ source, target, active });
  });
  return out;
}
