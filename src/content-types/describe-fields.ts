import type { ContentType, FieldInfo, InputType, MetaDefinition, PropertySchema } from './content-type.js';

/**
 * Scalar types whose values get an expression index; `select` only when single-valued. Long-text types (textarea,
 * markdown, rich text) are left out: an index of whole paragraphs is larger than the table (measured: 349 MB for
 * 100 000 objects) and ordering by them is rare; full-text search serves them instead.
 */
const INDEXABLE: ReadonlySet<InputType> = new Set(['text', 'email', 'radio', 'select', 'number', 'checkbox', 'dateTime']);

/** The top-level fields of a sanitized CTD, in `metaDefinition.order` order. */
export function describeFields(ct: Pick<ContentType, 'schemaDefinition' | 'metaDefinition'>): FieldInfo[] {
  return describeProperties(ct.schemaDefinition.allOf[1].properties, ct.schemaDefinition.required, ct.metaDefinition);
}

/** The fields of one item of a list (`object`) field; [] for any other field. */
export function describeListItems(field: FieldInfo): FieldInfo[] {
  const items = itemSchema(field.schema);
  if (field.inputType !== 'object' || !items?.properties || !field.config.items) return [];
  return describeProperties(items.properties, items.required ?? [], field.config.items);
}

/** One level of fields (top level or list items). Names missing on either side are skipped, not guessed. */
export function describeProperties(
  properties: Record<string, PropertySchema>,
  required: readonly string[],
  meta: MetaDefinition,
): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const name of meta.order) {
    const schema = properties[name];
    const config = meta.propertiesConfig[name];
    if (!Object.hasOwn(properties, name) || !config) continue;
    const inputType = config.inputType;
    out.push({
      name,
      inputType,
      schema,
      config,
      required: required.includes(name),
      unique: config.unique === true,
      isTitlePart: config.isTitlePart === true,
      ...(inputType === 'datasource' ? { relationContenttype: config.validation?.relationContenttype ?? '' } : {}),
      indexable: INDEXABLE.has(inputType) && !(inputType === 'select' && config.multiple === true),
    });
  }
  return out;
}

/** `items` as a schema, or undefined when it is absent or the DataSource `$ref`. */
export function itemSchema(schema: PropertySchema): PropertySchema | undefined {
  const items = schema.items;
  if (!items || '$ref' in items) return undefined;
  return items;
}
