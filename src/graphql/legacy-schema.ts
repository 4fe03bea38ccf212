import {
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
} from 'graphql';
import type { LoadedType } from '../content-types/type-registry.js';
import type { GraphqlContext } from './context.js';
import { toNode, type ContentNode, type Source } from './node.js';
import { gqlError } from './graphql-errors.js';
import { buildObjectTypes } from './object-types.js';
import { filterPaths, legacyFilterJson, orderArgs, pageArgs } from './query-args.js';
import { queryFields, type CostHint } from './shared-types.js';

interface SingleArgs {
  id?: string | null;
  field?: string | null;
  value?: string | null;
}

interface ListArgs {
  page?: number | null;
  limit?: number | null;
  order_by?: string | null;
  order_direction?: string | null;
  filter?: string | null;
}

/**
 * The legacy (v1, Flotiq §6.3) schema: `X(id, field, value): X` and
 * `XList(page, limit, order_by, order_direction, filter: String): [X]` per readable type; no `internal` field.
 */
export function buildLegacySchema(readable: readonly LoadedType[]): GraphQLSchema {
  const objects = buildObjectTypes(readable, 'legacy');
  const query: Record<string, GraphQLFieldConfig<unknown, GraphqlContext>> = {};
  for (const [ctd, o] of objects.byCtd) {
    const base = objects.names.of(ctd).base;
    const paths = filterPaths(o.loaded.fields, o.fieldNames, (name) => name in o.fields);
    query[base] = {
      type: o.type,
      description: 'One object, by id or by a field value',
      args: { id: { type: GraphQLString }, field: { type: GraphQLString }, value: { type: GraphQLString } },
      resolve: async (_src, a: SingleArgs, ctx): Promise<ContentNode> => {
        const byId = a.id !== null && a.id !== undefined;
        if (!byId && (a.field === null || a.field === undefined)) throw gqlError('BAD_USER_INPUT', 'Give id, or field and value');
        const rows = await ctx.content.listRows(ctx.principal, ctd, {
          filters: legacyFilterJson(paths, undefined, a.field, a.value),
          ids: byId ? [a.id as string] : undefined,
          orderBy: undefined,
          direction: 'asc',
          limit: 1,
          offset: 0,
        });
        if (rows.length === 0) throw gqlError('NOT_FOUND', 'Not found');
        return toNode(rows[0]);
      },
    };
    const cost: CostHint = { pageArg: 'limit', pageDefault: 20, pageAppliesTo: 'self' };
    query[`${base}List`] = {
      type: new GraphQLList(new GraphQLNonNull(o.type)),
      description: 'A page of objects: limit default 20, at most 1000; filter is REST filters JSON',
      args: {
        page: { type: GraphQLInt },
        limit: { type: GraphQLInt },
        order_by: { type: GraphQLString },
        order_direction: { type: GraphQLString },
        filter: { type: GraphQLString },
      },
      extensions: { flotiqCost: cost },
      resolve: async (_src, a: ListArgs, ctx): Promise<ContentNode[]> => {
        const rows = await ctx.content.listRows(ctx.principal, ctd, {
          filters: a.filter || undefined,
          ids: undefined,
          ...orderArgs(a),
          ...pageArgs(a),
        });
        return rows.map(toNode);
      },
    };
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType<Source, GraphqlContext>({ name: 'Query', fields: queryFields(query) }),
  });
}
