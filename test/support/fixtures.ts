import type { KeyRule } from '../../src/core/principal.js';
/** Builds a Flotiq CTD body from a compact field list, the way clients send them. */
export interface FieldSpec {
  type: string;
  inputType: string;
  required?: boolean;
  unique?: boolean;
  isTitlePart?: boolean;
  extraSchema?: Record<string, unknown>;
  extraMeta?: Record<string, unknown>;
}

export function ctd(name: string, fields: Record<string, FieldSpec>, extra: Record<string, unknown> = {}) {
  const properties: Record<string, unknown> = {};
  const propertiesConfig: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(fields)) {
    properties[key] = { type: f.type, ...(f.required && f.type === 'string' ? { minLength: 1 } : {}), ...(f.extraSchema ?? {}) };
    propertiesConfig[key] = {
      label: key[0].toUpperCase() + key.slice(1),
      inputType: f.inputType,
      unique: f.unique ?? false,
      ...(f.isTitlePart ? { isTitlePart: true } : {}),
      ...(f.extraMeta ?? {}),
    };
  }
  return {
    name,
    label: name[0].toUpperCase() + name.slice(1),
    schemaDefinition: {
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' }, { type: 'object', properties }],
      required: Object.entries(fields)
        .filter(([, f]) => f.required)
        .map(([k]) => k),
      additionalProperties: false,
    },
    metaDefinition: { order: Object.keys(fields), propertiesConfig },
    ...extra,
  };
}

export const text = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', inputType: 'text', ...o });
export const number = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'number', inputType: 'number', ...o });
export const checkbox = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'boolean', inputType: 'checkbox', ...o });
export const dateTime = (o: Partial<FieldSpec> = {}): FieldSpec => ({
  type: 'string',
  inputType: 'dateTime',
  extraSchema: { pattern: '^([12]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))T?(([0-1]?[0-9]|2[0-3]):[0-5][0-9])?$' },
  ...o,
});
export const relation = (target: string, o: Partial<FieldSpec> = {}): FieldSpec => ({
  type: 'array',
  inputType: 'datasource',
  extraSchema: { items: { $ref: '#/components/schemas/DataSource' }, minItems: o.required ? 1 : 0 },
  extraMeta: { validation: { relationContenttype: target, relationMultiple: true } },
  ...o,
});
export const simpleList = (o: Partial<FieldSpec> = {}): FieldSpec => ({
  type: 'array',
  inputType: 'simpleList',
  extraSchema: { items: { type: 'string' } },
  ...o,
});

export const ref = (type: string, id: string) => ({ type: 'internal', dataUrl: `/api/v1/content/${type}/${id}` });

/** One rule of a user-defined key: nothing granted but what `grants` names. */
export const rule = (ctdName: string, grants: Partial<KeyRule> = {}): KeyRule => ({
  ctdName,
  canRead: false,
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  ...grants,
});
