import {
  GraphQLBoolean,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  valueFromASTUntyped,
  type GraphQLFieldConfigMap,
} from 'graphql';

/** Block (editor.js) and custom fields: any JSON value, passed through as stored. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (block editor and custom fields)',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

const str = { type: GraphQLString };

/** The `internal` block of v2 types; the resolver hands it the block built by object-json's internalBlock. */
export const InternalType = new GraphQLObjectType({
  name: 'flotiq___internal',
  description: 'Default internal type',
  fields: {
    status: str,
    createdAt: str,
    deletedAt: str,
    updatedAt: str,
    contentType: str,
    objectTitle: str,
    latestVersion: { type: GraphQLInt },
    publicVersion: { type: GraphQLInt },
    publishedAt: str,
  },
});

/**
 * One REST filter condition (`{type, filter}`, same operators and coercion as the `filters` query parameter).
 * `filter2` is our addition: the upper bound of `inRange`, which Flotiq's SDL cannot express.
 */
export const FieldFilterInput = new GraphQLInputObjectType({
  name: 'FlotiqFieldFilterInput',
  description: 'Filter input for individual field conditions',
  fields: {
    type: { type: new GraphQLNonNull(GraphQLString) },
    filter: { type: new GraphQLNonNull(GraphQLString) },
    filter2: { type: GraphQLString },
  },
});

/** How limits.ts weighs a field (GraphQL field `extensions.flotiqCost`). */
export interface CostHint {
  /** Objects per parent a list field may return (relations: 1 or 10). */
  fanout?: number;
  /** The argument holding the page size (`first`, `limit`) and its default. */
  pageArg?: string;
  pageDefault?: number;
  /** `children`: the page multiplies the list fields below (a connection's `edges`); `self`: this list field. */
  pageAppliesTo?: 'self' | 'children';
}

/**
 * The Query fields, or a placeholder when the key can read no type at all: GraphQL requires at least one field, and
 * any valid key may use GraphQL (it just sees nothing). Only `_`-prefixed names are internal types, and none exists
 * in such a schema, so the placeholder collides with nothing.
 */
export function queryFields<C>(fields: GraphQLFieldConfigMap<unknown, C>): GraphQLFieldConfigMap<unknown, C> {
  if (Object.keys(fields).length > 0) return fields;
  return { _empty: { type: GraphQLBoolean, description: 'This key can read no content type', resolve: () => null } };
}
