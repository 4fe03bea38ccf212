import type { PropertySchema } from '../content-types/content-type.js';
import type { LoadedType } from '../content-types/type-registry.js';

export interface RelationRef {
  /** Field path of the relation, e.g. `categories` or `list.0.author`. */
  path: string;
  type: string;
  id: string;
  /** The field's `relationContenttype` ('' = any type). */
  expectedType: string;
}

const DATA_URL = /^\/api\/v1\/content\/([_a-z]+)\/(.+)$/;

/** `/api/v1/content/{type}/{id}` → {type, id}; undefined for anything else. */
export function parseDataUrl(url: unknown): { type: string; id: string } | undefined {
  if (typeof url !== 'string') return undefined;
  const m = DATA_URL.exec(url);
  return m ? { type: m[1], id: decodeURIComponent(m[2]) } : undefined;
}

const isRelationSchema = (s: PropertySchema | undefined) =>
  !!s && s.type === 'array' && !!s.items && '$ref' in s.items && String(s.items.$ref).endsWith('/DataSource');

/** Every relation in an object's data, including those inside list (`object`) items. */
export function collectRefs(t: LoadedType, data: Record<string, unknown>): RelationRef[] {
  const out: RelationRef[] = [];
  const props = t.ct.schemaDefinition.allOf[1].properties;
  const configs = t.ct.metaDefinition.propertiesConfig;
  walk(props, configs, data, '', out);
  return out;
}

type Configs = LoadedType['ct']['metaDefinition']['propertiesConfig'];

function walk(
  props: Record<string, PropertySchema>,
  configs: Configs,
  data: Record<string, unknown>,
  prefix: string,
  out: RelationRef[],
) {
  for (const [name, schema] of Object.entries(props)) {
    const value = data[name];
    if (!Array.isArray(value)) continue;
    const config = configs[name];
    if (isRelationSchema(schema) || config?.inputType === 'datasource') {
      for (const item of value) {
        const ref = parseDataUrl((item as { dataUrl?: unknown } | null)?.dataUrl);
        if (ref) out.push({ ...ref, path: prefix + name, expectedType: config?.validation?.relationContenttype ?? '' });
      }
      continue;
    }
    const items = schema.items as PropertySchema | undefined;
    if (config?.inputType === 'object' && items?.properties) {
      value.forEach((el, i) => {
        if (el && typeof el === 'object') {
          walk(
            items.properties!,
            config.items?.propertiesConfig ?? {},
            el as Record<string, unknown>,
            `${prefix}${name}.${i}.`,
            out,
          );
        }
      });
    }
  }
}
