import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { canManageKeys } from '../access/policy.js';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import { errors } from '../core/errors.js';
import { SYSTEM } from '../core/principal.js';
import { AnyObject, Bool, IdParams, panelContract, routeSchema } from '../http/contract.js';
import { principalOf } from '../http/route-auth.js';
import { boolParam } from '../core/query-params.js';
import type { DocumentOptions, OpenApiService } from './open-api.service.js';

type Q = { version: string; user_only?: string; hydrate?: string };

const Query = Type.Object({
  version: Type.Unsafe<string>({ type: 'string', enum: ['3', '3.0', '3.1'], default: '3', description: 'OpenAPI 3.0 or 3.1' }),
  user_only: Type.Optional(Bool('Only your own content types, no internal ones')),
  hydrate: Type.Optional(Bool('Relations typed as the related objects too')),
});
const Document = AnyObject('An OpenAPI document');

const options = (q: Q): DocumentOptions => ({
  version: q.version === '3.1' ? '3.1' : '3',
  userOnly: boolParam(q.user_only),
  hydrate: boolParam(q.hydrate),
});

/**
 * `GET /api/v1/open-api-schema.json` (§8.5): the document of the presenting key. The Panel asks for any key's
 * document by its id (`/panel/api/keys/{id}/open-api-schema.json`), under the same rule as key management.
 */
export function openApiRoutes(app: FastifyInstance, docs: OpenApiService, keys: ApiKeysService): void {
  const schema = routeSchema({
    summary: 'The OpenAPI document of this API key: only what it may use',
    tags: ['meta'],
    querystring: Query,
    response: { 200: Document },
  });
  app.get<{ Querystring: Q }>('/api/v1/open-api-schema.json', { config: { permission: 'any-key' }, schema }, async (req) =>
    docs.document(principalOf(req), options(req.query)),
  );

  const panel = panelContract("A key's OpenAPI document", { params: IdParams, querystring: Query, response: { 200: Document } });
  app.get<{ Params: { id: string }; Querystring: Q }>(
    '/panel/api/keys/:id/open-api-schema.json',
    { config: { permission: 'panel-session' }, schema: panel },
    async (req, reply) => {
      if (!canManageKeys(principalOf(req))) throw errors.forbidden();
      const key = await keys.principalById(SYSTEM, req.params.id);
      if (!key) throw errors.notFound();
      reply.header('cache-control', 'no-store');
      return docs.document(key, options(req.query));
    },
  );
}
