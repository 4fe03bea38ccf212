import { Ajv, type ErrorObject } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { addFieldError, type FieldErrors } from '../core/errors.js';
import type { ContentType, FieldInfo, PropertySchema } from '../content-types/content-type.js';
import { describeFields, describeListItems } from '../content-types/describe-fields.js';
import { DATASOURCE_REF, DATE_TIME_PATTERN } from '../content-types/sanitize-schema.js';

/** Validates the user fields of an object (no `id`, no `internal`); `{}` when valid. */
export type ObjectValidator = (data: Record<string, unknown>) => FieldErrors;

export const DATA_URL_PATTERN = '^/api/v1/content/[_a-z]+/[^/]+$';
/** Block types the API accepts in content (§2.3); a field allows `paragraph` plus its `blockEditorTypes`. */
// prettier-ignore
export const ACCEPTED_BLOCK_TYPES = ['paragraph', 'header', 'list', 'image', 'youtubeEmbed', 'quote', 'warning', 'code', 'table', 'delimiter'];

// ajv-formats is CommonJS; under NodeNext its default import is the module object typed as the plugin's namespace.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

// Annotations read back from `parentSchema` (ajv `verbose`) to word errors as Flotiq does; ajv ignores them.
const OPTIONS = 'x-flotilla-options';
const EMPTY_OK = 'x-flotilla-empty-ok';

type Schema = Record<string, unknown>;
type Check = (data: Record<string, unknown>, prefix: string, errors: FieldErrors) => void;

const DATASOURCE_ITEM: Schema = {
  type: 'object',
  properties: {
    dataUrl: { type: 'string', pattern: DATA_URL_PATTERN },
    type: { type: 'string', enum: ['internal', 'external'] },
  },
  required: ['dataUrl', 'type'],
  additionalProperties: false,
};
const GEO: Schema = {
  type: 'object',
  properties: { lat: { type: 'number' }, lon: { type: 'number' } },
  required: ['lat', 'lon'],
  additionalProperties: false,
};
const BLOCK: Schema = {
  type: 'object',
  properties: {
    time: { type: 'number' },
    version: { type: 'string' },
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          data: { type: 'object', properties: { text: { type: 'string' } } },
        },
      },
    },
  },
  additionalProperties: false,
};

/**
 * Compiles the CTD's fields into one validator. The JSON schema is rebuilt from the sanitized definition keyword by
 * keyword, so nothing a client wrote reaches Ajv unless it is on the whitelist. Each CTD gets its own Ajv instance:
 * Ajv keeps every compiled schema in instance-wide scopes, so a shared instance would grow with every CTD change.
 */
export function compileObjectValidator(ct: ContentType): ObjectValidator {
  const fields = describeFields(ct);
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, logger: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(objectSchema(fields));
  const checks = extraChecks(fields);
  return (data) => {
    const errors: FieldErrors = {};
    if (!validate(data)) for (const e of validate.errors ?? []) translate(e, errors);
    for (const check of checks) check(data, '', errors);
    for (const key of Object.keys(errors)) errors[key] = [...new Set(errors[key])];
    return errors;
  };
}

function objectSchema(fields: FieldInfo[]): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'] as const;
const ARRAY_KEYWORDS = ['minItems', 'maxItems'] as const;
const NUMBER_KEYWORDS = ['minimum', 'maximum'] as const;

function pick(s: PropertySchema, keys: readonly (keyof PropertySchema)[]): Schema {
  const out: Schema = {};
  for (const k of keys) {
    const v = s[k];
    if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string') out[k] = v;
  }
  return out;
}

function fieldSchema(f: FieldInfo): Schema {
  const s = f.schema;
  const emptyOk = f.required ? {} : { [EMPTY_OK]: true }; // the panel sends "" for an unset optional choice or date
  switch (f.inputType) {
    case 'radio':
      return { type: 'string', ...options(f, 'value'), ...emptyOk };
    case 'select':
      return f.config.multiple
        ? { type: 'array', items: { type: 'string', ...options(f, 'item') }, ...pick(s, ARRAY_KEYWORDS) }
        : { type: 'string', ...options(f, 'value'), ...emptyOk };
    case 'dateTime':
      return { type: 'string', pattern: DATE_TIME_PATTERN, ...emptyOk };
    case 'number':
      return { type: s.type === 'integer' ? 'integer' : 'number', ...pick(s, NUMBER_KEYWORDS), ...enumOf(s) };
    case 'checkbox':
      return { type: 'boolean' };
    case 'datasource':
      return { type: 'array', items: DATASOURCE_ITEM, ...pick(s, ARRAY_KEYWORDS) };
    case 'object':
      return { type: 'array', items: objectSchema(describeListItems(f)), ...pick(s, ARRAY_KEYWORDS) };
    case 'simpleList':
      return { type: 'array', items: { type: 'string' }, ...pick(s, ARRAY_KEYWORDS) };
    case 'geo':
      return GEO;
    case 'block':
      return BLOCK;
    case 'custom':
      return genericSchema(s);
    default: // text, textarea, textMarkdown, richtext, email
      return { type: 'string', ...pick(s, STRING_KEYWORDS), ...enumOf(s) };
  }
}

const enumOf = (s: PropertySchema): Schema => (Array.isArray(s.enum) && s.enum.length > 0 ? { enum: s.enum } : {});

/** Radio/select values must be among the options; a field without options accepts any string. */
function options(f: FieldInfo, mark: 'value' | 'item'): Schema {
  const c = f.config;
  const list = c.useOptionsWithLabels && c.optionsWithLabels ? c.optionsWithLabels.map((o) => o.value) : (c.options ?? []);
  return list.length > 0 ? { enum: list, [OPTIONS]: mark } : {};
}

/** `custom` fields: whatever whitelisted structure the sanitized schema describes (e.g. `_media` variant `trim`). */
function genericSchema(s: PropertySchema): Schema {
  if (s.$ref === DATASOURCE_REF) return DATASOURCE_ITEM;
  const out: Schema = pick(s, ['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'minItems', 'maxItems']);
  if (s.type !== undefined) out.type = s.type;
  Object.assign(out, enumOf(s));
  if (s.items) out.items = '$ref' in s.items && s.items.$ref === DATASOURCE_REF ? DATASOURCE_ITEM : genericSchema(s.items);
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, genericSchema(v)]));
  }
  if (Array.isArray(s.required)) out.required = s.required;
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  return out;
}

/** Rules JSON Schema cannot express: relation duplicates and target type, block types; recursing into lists. */
function extraChecks(fields: FieldInfo[]): Check[] {
  const checks: Check[] = [];
  for (const f of fields) {
    if (f.inputType === 'datasource')
      checks.push((data, prefix, errors) => checkRelations(f, data[f.name], prefix + f.name, errors));
    if (f.inputType === 'block') {
      const allowed = allowedBlockTypes(f.config.blockEditorTypes);
      checks.push((data, prefix, errors) => checkBlocks(allowed, data[f.name], prefix + f.name, errors));
    }
    if (f.inputType === 'object') {
      const sub = extraChecks(describeListItems(f));
      if (sub.length === 0) continue;
      checks.push((data, prefix, errors) => {
        const list = data[f.name];
        if (!Array.isArray(list)) return;
        list.forEach((item, i) => {
          if (isRecord(item)) for (const check of sub) check(item, `${prefix}${f.name}.${i}.`, errors);
        });
      });
    }
  }
  return checks;
}

/** Without `blockEditorTypes` every accepted type is allowed (API-made CTDs); otherwise paragraph + the chosen ones. */
function allowedBlockTypes(configured: string[] | undefined): Set<string> {
  if (!configured) return new Set(ACCEPTED_BLOCK_TYPES);
  return new Set(['paragraph', ...configured.filter((t) => ACCEPTED_BLOCK_TYPES.includes(t))]);
}

function checkBlocks(allowed: Set<string>, value: unknown, key: string, errors: FieldErrors): void {
  if (!isRecord(value) || !Array.isArray(value.blocks)) return;
  value.blocks.forEach((block: unknown, i) => {
    const type = isRecord(block) ? block.type : undefined;
    if (typeof type !== 'string' || !allowed.has(type)) {
      addFieldError(errors, key, `One of the block types (${String(type)} on index ${i}) does not match possible types`);
    }
  });
}

function checkRelations(f: FieldInfo, value: unknown, key: string, errors: FieldErrors): void {
  if (!Array.isArray(value)) return;
  const seen = new Set<string>();
  for (const item of value) {
    if (!isRecord(item) || typeof item.dataUrl !== 'string') continue;
    if (seen.has(item.dataUrl)) addFieldError(errors, key, 'There are no duplicates allowed in the array');
    seen.add(item.dataUrl);
    const target = /^\/api\/v1\/content\/([_a-z]+)\/[^/]+$/.exec(item.dataUrl)?.[1];
    if (f.relationContenttype && target && target !== f.relationContenttype) {
      addFieldError(errors, key, `Related object ${item.dataUrl} is not of type ${f.relationContenttype}`);
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ARTICLE: Record<string, string> = {
  array: 'an array',
  boolean: 'a boolean',
  integer: 'an integer',
  null: 'a null',
  number: 'a number',
  object: 'an object',
  string: 'a string',
};

/** PHP's `ucwords(gettype())`, as Flotiq's validator (justinrainbow/json-schema) names the type it found. */
function foundType(v: unknown): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
  const t = typeof v;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function pointerToPath(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Maps one Ajv error to Flotiq's key (dotted data path) and message (justinrainbow/json-schema wording). */
function translate(e: ErrorObject, errors: FieldErrors): void {
  const path = pointerToPath(e.instancePath);
  const parent = (e.parentSchema ?? {}) as Schema;
  const p = e.params as Record<string, unknown>;
  if (e.data === '' && parent[EMPTY_OK]) return;
  const add = (segments: string[], message: string) => addFieldError(errors, segments.join('.'), message);
  switch (e.keyword) {
    case 'required':
      return add([...path, String(p.missingProperty)], `The property ${String(p.missingProperty)} is required`);
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      return add([...path, name], `The property ${name} is not defined and the definition does not allow additional properties`);
    }
    case 'type': {
      const expected = String(p.type)
        .split(',')
        .map((t) => ARTICLE[t] ?? t)
        .join(' or ');
      return add(path, `${foundType(e.data)} value found, but ${expected} is required`);
    }
    case 'minLength':
      return add(path, `Must be at least ${String(p.limit)} characters long`);
    case 'maxLength':
      return add(path, `Must be at most ${String(p.limit)} characters long`);
    case 'pattern':
      return add(path, `Does not match the regex pattern ${String(p.pattern)}`);
    case 'minimum':
      return add(path, `Must have a minimum value of ${String(p.limit)}`);
    case 'maximum':
      return add(path, `Must have a maximum value of ${String(p.limit)}`);
    case 'minItems':
      return add(path, `There must be a minimum of ${String(p.limit)} items in the array`);
    case 'maxItems':
      return add(path, `There must be a maximum of ${String(p.limit)} items in the array`);
    case 'enum':
      // Options of a multi-select are reported on the field, not on the item index.
      if (parent[OPTIONS])
        return add(parent[OPTIONS] === 'item' ? path.slice(0, -1) : path, 'The value does not match possible options');
      return add(path, `Does not have a value in the enumeration ${JSON.stringify(p.allowedValues)}`);
    case 'format':
      return add(path, formatMessage(String(p.format), e.data));
    default:
      return add(path, e.message ?? 'Invalid value');
  }
}

function formatMessage(format: string, value: unknown): string {
  const v = typeof value === 'string' ? value : JSON.stringify(value);
  switch (format) {
    case 'date-time':
      return `Invalid date-time ${JSON.stringify(v)}, expected format YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm`;
    case 'date':
      return `Invalid date ${JSON.stringify(v)}, expected format YYYY-MM-DD`;
    case 'time':
      return `Invalid time ${JSON.stringify(v)}, expected format hh:mm:ss`;
    case 'email':
      return 'Invalid email';
    case 'uri':
      return 'Invalid URL format';
    default:
      return `Invalid ${format}`;
  }
}
