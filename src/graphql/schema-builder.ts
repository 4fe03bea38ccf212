import {
  GraphQLBoolean,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfigMap,
} from 'graphql';
import type { LoadedType } from '../content-types/type-registry.js';
import type { GraphqlContext } from './context.js';
import { toNode, type ContentNode, type Source } from './node.js';
import { gqlError } from './graphql-errors.js';
import { buildObjectTypes } from './object-types.js';
import { filterJson, filterPaths, orderArgs, windowArgs, type FilterCondition } from './query-args.js';
import { FieldFilterInput, queryFields, type CostHint } from './shared-types.js';

/** What a v2 query field resolves to; `totalCount` is counted only when asked for. */
interface Connection {
  nodes: ContentNode[];
  hasNextPage: boolean;
  total: () => Promise<number>;
}

interface V2Args {
  id?: string | null;
  field?: string | null;
  value?: string | null;
  first?: number | null;
  offset?: number | null;
  order_by?: string | null;
  order_direction?: string | null;
  filter?: Record<string, FilterCondition | null> | null;
}

/**
 * The current (v2, Flotiq §6.2) schema for the given readable content types, sorted by name:
 * `X(id, field, value, first, offset, order_by, order_direction, filter): XConnection` per type. Queries only.
 */
export function buildV2Schema(readable: readonly LoadedType[]): GraphQLSchema {
  const objects = buildObjectTypes(readable, 'v2');
  const query: Record<string, GraphQLFieldConfig<unknown, GraphqlContext>> = {};
  for (const [ctd, o] of objects.byCtd) {
    const n = objects.names.of(ctd);
    const paths = filterPaths(o.loaded.fields, o.fieldNames, (name) => name in o.fields);
    const edge = new GraphQLObjectType<{ node: ContentNode }>({ name: n.edge, fields: { node: { type: o.type } } });
    const pageInfo = new GraphQLObjectType({ name: n.pageInfo, fields: { hasNextPage: { type: GraphQLBoolean } } });
    const connection = new GraphQLObjectType<Connection, GraphqlContext>({
      name: n.connection,
      fields: {
        edges: { type: new GraphQLList(edge), resolve: (c) => c.nodes.map((node) => ({ node })) },
        pageInfo: { type: pageInfo, resolve: (c) => ({ hasNextPage: c.hasNextPage }) },
        totalCount: { type: GraphQLInt, resolve: (c) => c.total() },
      },
    });
    const filterFields: GraphQLInputFieldConfigMap = {};
    for (const name of Object.keys(o.fields)) filterFields[name] = { type: FieldFilterInput };
    const args: GraphQLFieldConfigArgumentMap = {
      id: { type: GraphQLString },
      field: { type: GraphQLString },
      value: { type: GraphQLString },
      first: { type: GraphQLInt },
      offset: { type: GraphQLInt },
      order_by: { type: GraphQLString },
      order_direction: { type: GraphQLString },
    };
    if (Object.keys(filterFields).length > 0) {
      const input = new GraphQLInputObjectType({
        name: n.filterInput,
        description: `Filter container for fields in ${n.base}`,
        fields: filterFields,
      });
      args.filter = { type: input };
    }
    const cost: CostHint = { pageArg: 'first', pageDefault: 10, pageAppliesTo: 'children' };
    query[n.base] = {
      type: connection,
      args,
      extensions: { flotiqCost: cost },
      resolve: (_src, a: V2Args, ctx) => resolveConnection(ctx, ctd, paths, a),
    };
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType<Source, GraphqlContext>({ name: 'Query', fields: queryFields(query) }),
  });
}

async function resolveConnection(
  ctx: GraphqlContext,
  type: string,
  paths: ReadonlyMap<string, string>,
  a: V2Args,
): Promise<Connection> {
  const { first, offset } = windowArgs(a);
  const filters = filterJson(paths, a.filter, a.field, a.value);
  const ids = a.id !== null && a.id !== undefined ? [a.id] : undefined;
  // one row more than the page tells whether there is a next page without counting
  const rows = await ctx.content.listRows(ctx.principal, type, { filters, ids, ...orderArgs(a), limit: first + 1, offset });
  const single = ids !== undefined || (a.field !== null && a.field !== undefined);
  if (single && rows.length === 0 && offset === 0) throw gqlError('NOT_FOUND', 'Not found');
  let total: Promise<number> | undefined;
  return {
    nodes: rows.slice(0, first).map(toNode),
    hasNextPage: rows.length > first,
    total: () => (total ??= ctx.content.countRows(ctx.principal, type, { filters, ids })),
  };
}
