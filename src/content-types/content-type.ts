/** The 16 Flotiq input types (OAS enum). */
export const INPUT_TYPES = [
  'text',
  'textarea',
  'textMarkdown',
  'richtext',
  'email',
  'radio',
  'select',
  'dateTime',
  'custom',
  'number',
  'checkbox',
  'datasource',
  'object',
  'geo',
  'simpleList',
  'block',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export interface DataSource {
  dataUrl: string;
  type: 'internal' | 'external';
}

export interface SlugRule {
  source: string;
  target: string;
  active: boolean;
}

/** JSON-Schema of one property, restricted to the whitelisted keywords (see sanitize-content-type.ts). */
export interface PropertySchema {
  type?: string | string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  description?: string;
  items?: PropertySchema | { $ref: string };
  properties?: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties?: boolean;
  $ref?: string;
}

export interface PropertyConfig {
  label: string;
  inputType: InputType;
  unique: boolean;
  readonly?: boolean;
  hidden?: boolean;
  helpText?: string;
  isTitlePart?: boolean;
  isPassword?: boolean;
  showTime?: boolean;
  multiple?: boolean;
  options?: string[];
  useOptionsWithLabels?: boolean;
  optionsWithLabels?: { value: string; label: string }[];
  blockEditorTypes?: string[];
  validation?: { relationMultiple?: boolean; relationContenttype?: string };
  inputSubtype?: string;
  /** For `object` (list) fields: the sub-item metadata. */
  items?: { order: string[]; propertiesConfig: Record<string, PropertyConfig> };
}

export interface MetaDefinition {
  order: string[];
  propertiesConfig: Record<string, PropertyConfig>;
}

export const ABSTRACT_SCHEMA_REF = '#/components/schemas/AbstractContentTypeSchemaDefinition';

export interface SchemaDefinition {
  type: 'object';
  allOf: [{ $ref: string }, { type: 'object'; properties: Record<string, PropertySchema> }];
  required: string[];
  additionalProperties: false;
}

/** A sanitized Content Type Definition: only this type crosses module boundaries. */
export interface ContentType {
  id: string;
  name: string;
  label: string;
  internal: boolean;
  draftPublic: boolean;
  featuredImage: DataSource[];
  slugs: SlugRule[];
  workflowId?: string;
  schemaDefinition: SchemaDefinition;
  metaDefinition: MetaDefinition;
  createdAt: string;
  updatedAt: string;
  deletedAt: null;
}

/** What a client sends: anything at all until sanitized. */
export type ContentTypeInput = unknown;

/** The fields of a sanitized CTD as validation, filters and indexes need them. */
export interface FieldInfo {
  name: string;
  inputType: InputType;
  schema: PropertySchema;
  config: PropertyConfig;
  required: boolean;
  unique: boolean;
  isTitlePart: boolean;
  /** `datasource` only: the target type, or '' for any type. */
  relationContenttype?: string;
  /** True for scalar fields that get an expression index (text-like, number, checkbox, dateTime). */
  indexable: boolean;
}
