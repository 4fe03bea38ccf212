import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  GraphQLUnionType,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLOutputType,
} from 'graphql';
import { internalBlock } from '../content/object-json.js';
import type { FieldInfo } from '../content-types/content-type.js';
import { describeListItems } from '../content-types/describe-fields.js';
import type { LoadedType } from '../content-types/type-registry.js';
import type { GraphqlContext } from './context.js';
import { own, ROW, type ContentNode, type Source } from './node.js';
import { fieldNames, SchemaNames } from './naming.js';
import { InternalType, JSONScalar, type CostHint } from './shared-types.js';

export type Flavor = 'v2' | 'legacy';
type Field = GraphQLFieldConfig<Source, GraphqlContext>;

/** The object types of the readable content types, with what query fields need to know about each. */
export interface ObjectTypes {
  names: SchemaNames;
  byCtd: Map<
    string,
    {
      loaded: LoadedType;
      type: GraphQLObjectType;
      fields: GraphQLFieldConfigMap<Source, GraphqlContext>;
      fieldNames: Map<string, string>;
    }
  >;
}

/** The properties of every content type object: `id`, and in v2 the `internal` block. */
const IDENTITY_NAMES = ['id', 'internal'];
const MULTI_RELATION_FANOUT = 10;

/**
 * Builds one object type per readable content type (`readable` sorted by name). A relation to a type outside
 * `readable` gets no field at all; a relation to any type points at the union of the readable types only.
 */
export function buildObjectTypes(readable: readonly LoadedType[], flavor: Flavor): ObjectTypes {
  const names = new SchemaNames(readable.map((t) => t.ct.name));
  const maps = new Map<string, GraphQLFieldConfigMap<Source, GraphqlContext>>();
  const shells = new Map<string, GraphQLObjectType>();
  for (const t of readable) {
    const name = t.ct.name;
    shells.set(
      name,
      new GraphQLObjectType({
        name: names.of(name).base,
        description: `Auto generated Headless CMS type: ${name}`,
        fields: () => maps.get(name) ?? {},
      }),
    );
  }
  let anyObject: GraphQLUnionType | undefined;
  const env: Env = {
    names,
    objectType: (ctd) => shells.get(ctd),
    anyObject: () =>
      (anyObject ??= new GraphQLUnionType({
        name: 'FlotiqAnyObject',
        description: 'An object of any content type this key may read',
        types: [...shells.values()],
        resolveType: (node: ContentNode) => shells.get(node[ROW].type)?.name,
      })),
    readable: new Set(shells.keys()),
  };
  const byCtd: ObjectTypes['byCtd'] = new Map();
  for (const t of readable) {
    const base = names.of(t.ct.name).base;
    const content = levelFields(env, base, t.fields, IDENTITY_NAMES);
    const fields = { ...identityFields(flavor), ...content.map };
    maps.set(t.ct.name, fields);
    byCtd.set(t.ct.name, {
      loaded: t,
      type: shells.get(t.ct.name) as GraphQLObjectType,
      fields: content.map,
      fieldNames: content.names,
    });
  }
  return { names, byCtd };
}

interface Env {
  names: SchemaNames;
  objectType(ctd: string): GraphQLObjectType | undefined;
  anyObject(): GraphQLUnionType;
  readable: ReadonlySet<string>;
}

function identityFields(flavor: Flavor): GraphQLFieldConfigMap<Source, GraphqlContext> {
  const id: Field = { type: new GraphQLNonNull(GraphQLString), resolve: (n) => (n as ContentNode)[ROW].id };
  if (flavor === 'legacy') return { id };
  return { internal: { type: InternalType, resolve: (n) => internalBlock((n as ContentNode)[ROW]) }, id };
}

/** The GraphQL fields of one level of CTD fields (top level or list items), keyed by their GraphQL names. */
function levelFields(env: Env, owner: string, fields: readonly FieldInfo[], reserved: readonly string[]) {
  const names = fieldNames(
    fields.map((f) => f.name),
    reserved,
  );
  const map: GraphQLFieldConfigMap<Source, GraphqlContext> = {};
  for (const f of fields) {
    const gqlName = names.get(f.name) as string;
    const config = fieldConfig(env, owner, f, gqlName);
    if (config) map[gqlName] = config;
  }
  return { map, names };
}

function fieldConfig(env: Env, owner: string, f: FieldInfo, gqlName: string): Field | undefined {
  const nonNull = (type: GraphQLOutputType) => (f.required ? new GraphQLNonNull(type) : type);
  const scalar = (type: GraphQLOutputType): Field => ({ type: nonNull(type), resolve: (src) => own(src, f.name) });
  // a list that is missing from an older object is [] when required, so a non-null list never fails
  const list = (item: GraphQLOutputType, keep: (v: unknown) => boolean = () => true): Field => ({
    type: nonNull(new GraphQLList(item)),
    resolve: (src) => {
      const v = own(src, f.name);
      return Array.isArray(v) ? v.filter(keep) : f.required ? [] : null;
    },
  });
  switch (f.inputType) {
    case 'number':
      return scalar(GraphQLFloat);
    case 'checkbox':
      return scalar(GraphQLBoolean);
    case 'block':
    case 'custom':
      return scalar(JSONScalar);
    case 'simpleList':
      return list(GraphQLString);
    case 'select':
      return f.config.multiple ? list(GraphQLString) : scalar(GraphQLString);
    case 'geo':
      return scalar(geoType(env.names.nested(owner, gqlName)));
    case 'object': {
      const item = listItemType(env, env.names.nested(owner, gqlName), describeListItems(f));
      return item && list(new GraphQLNonNull(item), (v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    }
    case 'datasource':
      return relationField(env, f);
    default:
      return scalar(GraphQLString);
  }
}

function geoType(name: string): GraphQLObjectType {
  return new GraphQLObjectType({
    name,
    fields: {
      lat: { type: GraphQLFloat, resolve: (s) => own(s, 'lat') },
      lon: { type: GraphQLFloat, resolve: (s) => own(s, 'lon') },
    },
  });
}

/** `X_field` for a list (`object`) field; undefined when none of its sub-fields can be shown to this key. */
function listItemType(env: Env, name: string, items: readonly FieldInfo[]): GraphQLObjectType | undefined {
  const { map } = levelFields(env, name, items, []);
  return Object.keys(map).length > 0 ? new GraphQLObjectType({ name, fields: map }) : undefined;
}

function relationField(env: Env, f: FieldInfo): Field | undefined {
  const target = f.relationContenttype ?? '';
  const type = target === '' ? env.anyObject() : env.objectType(target);
  if (!type) return undefined;
  const allowed = target === '' ? (t: string) => env.readable.has(t) : (t: string) => t === target;
  const cost: CostHint = { fanout: f.config.validation?.relationMultiple === false ? 1 : MULTI_RELATION_FANOUT };
  return {
    type: f.required ? new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))) : new GraphQLList(new GraphQLNonNull(type)),
    extensions: { flotiqCost: cost },
    resolve: (src, _args, ctx) => ctx.loader.refs(own(src, f.name), allowed),
  };
}
