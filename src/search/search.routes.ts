import type { FastifyInstance } from 'fastify';
import { principalOf } from '../http/route-auth.js';
import { searchRequest } from './search-params.js';
import type { SearchService } from './search.service.js';
import { SEARCH_SCHEMA } from './search.contract.js';

/** `GET /api/v1/search`: any valid key; what it finds is limited to the types the key may read (SearchService). */
export function searchRoutes(app: FastifyInstance, search: SearchService): void {
  app.get('/api/v1/search', { config: { permission: 'search' }, schema: SEARCH_SCHEMA }, async (req, reply) => {
    const text = await search.search(principalOf(req), searchRequest(req.query as Record<string, unknown>));
    return reply.type('application/json; charset=utf-8').send(text);
  });
}
