import { Type } from '@sinclair/typebox';
import { AnyObject, Direction, Integer, routeSchema } from '../http/contract.js';

const Strings = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));

/**
 * `GET /api/v1/search` (§6): the parameters every client sends. `filters[field]`, `post_filters[field]`,
 * `geo_filters[field]` and `indices_boost[type]` carry the field or type in their names, so they are allowed as
 * further properties and read by search-params.ts.
 */
export const SEARCH_SCHEMA = routeSchema({
  summary: 'Full-text search across the types the key may read',
  tags: ['search'],
  querystring: Type.Object(
    {
      q: Type.Optional(Type.String({ description: 'The words to find; field:term restricts a term to a field' })),
      query_mode: Type.Optional(Type.String({ description: 'default, exact or fuzzy' })),
      content_type: Strings('Only these types'),
      'content_type[]': Strings('Only these types'),
      fields: Strings('Search only these fields (name^boost)'),
      'fields[]': Strings('Search only these fields (name^boost)'),
      aggregate_by: Strings('Count hits by these fields'),
      'aggregate_by[]': Strings('Count hits by these fields'),
      aggregate_by_numeric: Strings('Numeric statistics of these fields'),
      'aggregate_by_numeric[]': Strings('Numeric statistics of these fields'),
      order_by: Type.Optional(Type.String()),
      order_direction: Type.Optional(Direction),
      random_seed: Type.Optional(Type.String({ description: 'A seeded random order (overrides order_by)' })),
      page: Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
      limit: Integer({ minimum: 1, maximum: 1000, default: 20 }),
      hydrate: Integer({ minimum: 0, maximum: 2, default: 0 }),
    },
    { additionalProperties: true },
  ),
  response: {
    200: Type.Object(
      {
        total_count: Type.Integer(),
        total_pages: Type.Integer(),
        current_page: Type.Integer(),
        count: Type.Integer(),
        data: Type.Array(AnyObject('A hit: score, type and the object')),
        summary: Type.Optional(AnyObject('Aggregations')),
      },
      { additionalProperties: true },
    ),
  },
});
