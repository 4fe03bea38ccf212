import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../http/route-auth.js';
import { redact } from '../http/redact.js';
import type { GraphqlRequest, GraphqlService } from './graphql.service.js';
import type { Flavor } from './object-types.js';
import { Type } from '@sinclair/typebox';
import { ErrorBody, NoQuery, routeSchema } from '../http/contract.js';

const ENDPOINTS: [Flavor, string][] = [
  ['v2', '/api/v2/graphql'],
  ['legacy', '/api/graphql'],
];

const key = { permission: 'graphql' } as const;

const Request = {
  query: Type.Optional(Type.Unknown({ description: 'The GraphQL document' })),
  variables: Type.Optional(Type.Unknown({ description: 'An object, or its JSON text' })),
  operationName: Type.Optional(Type.Unknown()),
};
/** A GraphQL answer; the status is 200 or, for a request GraphQL refuses before running, 400. */
const Answer = Type.Object(
  { data: Type.Optional(Type.Unknown()), errors: Type.Optional(Type.Array(Type.Unknown())) },
  { additionalProperties: true },
);

function graphqlSchema(flavor: Flavor, form: 'post' | 'get' | 'sdl') {
  const name = flavor === 'v2' ? 'GraphQL' : 'GraphQL (legacy schema)';
  if (form === 'sdl')
    return routeSchema({
      summary: `${name}: the schema of this key, as SDL (text/plain)`,
      tags: ['graphql'],
      querystring: NoQuery,
      response: { 200: Type.String() },
    });
  return routeSchema({
    summary: `${name}: run a query${form === 'get' ? ' given in the query string' : ''}`,
    tags: ['graphql'],
    querystring: form === 'get' ? Type.Object(Request) : NoQuery,
    ...(form === 'post' ? { body: Type.Object(Request, { additionalProperties: true }) } : {}),
    response: { 200: Answer, 400: Type.Union([Answer, ErrorBody]) },
  });
}
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
      return reply.code(res.status).type('application/json; charset=utf-8').send(res.text);
    };

    app.post(base, { config: json, schema: graphqlSchema(flavor, 'post') }, async (req, reply) => {
      const body = req.body;
      return run(req, reply, body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphqlRequest) : {});
    });

    app.get(base, { config: key, schema: graphqlSchema(flavor, 'get') }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      return run(req, reply, { query: q.query, variables: q.variables, operationName: q.operationName });
    });

    // text/plain, not Flotiq's text/html: the SDL carries names chosen by users and must never render as a page
    app.get(`${base}/schema`, { config: key, schema: graphqlSchema(flavor, 'sdl') }, async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(await graphql.sdl(principalOf(req), flavor)),
    );
  }
}
