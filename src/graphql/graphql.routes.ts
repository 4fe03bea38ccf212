import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../http/route-auth.js';
import { redact } from '../http/redact.js';
import type { GraphqlRequest, GraphqlService } from './graphql.service.js';
import type { Flavor } from './object-types.js';

const ENDPOINTS: [Flavor, string][] = [
  ['v2', '/api/v2/graphql'],
  ['legacy', '/api/graphql'],
];

const key = { permission: 'graphql' } as const;
const json = { permission: 'graphql', jsonBody: true } as const;

/**
 * POST (JSON body) or GET (`?query=&variables=&operationName=`) `{base}` runs a query; GET `{base}/schema` answers
 * the SDL of the caller's own schema. Errors before GraphQL runs (401 without a valid key, 400/415 for a broken
 * body) keep Flotiq's REST format from the server's error handler; everything after is a GraphQL response.
 */
export function graphqlRoutes(app: FastifyInstance, graphql: GraphqlService): void {
  for (const [flavor, base] of ENDPOINTS) {
    const run = async (req: FastifyRequest, reply: FastifyReply, input: GraphqlRequest) => {
      const onInternal = (e: Error) =>
        req.log.error({ err: { message: redact(e.message), stack: redact(e.stack ?? '') } }, 'graphql resolver failed');
      const res = await graphql.execute(principalOf(req), flavor, input, onInternal);
      return reply.code(res.status).type('application/json; charset=utf-8').send(JSON.stringify(res.body));
    };

    app.post(base, { config: json }, async (req, reply) => {
      const body = req.body;
      return run(req, reply, body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphqlRequest) : {});
    });

    app.get(base, { config: key }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      return run(req, reply, { query: q.query, variables: q.variables, operationName: q.operationName });
    });

    // text/plain, not Flotiq's text/html: the SDL carries names chosen by users and must never render as a page
    app.get(`${base}/schema`, { config: key }, async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(await graphql.sdl(principalOf(req), flavor)),
    );
  }
}
