import type { FastifyInstance } from 'fastify';
import { principalOf } from '../http/route-auth.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, NoQuery, routeSchema } from '../http/contract.js';

const AUTH_CONTEXT = routeSchema({
  summary: 'What the presented key is: its kind, name and rules',
  tags: ['keys'],
  querystring: NoQuery,
  response: {
    200: Type.Object({
      kind: Type.String(),
      name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      rules: Type.Optional(Type.Array(AnyObject('A rule: a content type and its grants'))),
      expiresAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'When the key stops working' })),
    }),
  },
});

/** `GET /api/auth-context`: what the presented key is (kind, name, rules) — never the key itself. */
export function authContextRoutes(app: FastifyInstance): void {
  app.get('/api/auth-context', { config: { permission: 'any-key' }, schema: AUTH_CONTEXT }, async (req) => {
    const p = principalOf(req);
    if (p.kind !== 'api-key') return { kind: p.kind };
    const expiresMs = 'expiresMs' in p && typeof p.expiresMs === 'number' ? p.expiresMs : null;
    return {
      kind: p.keyKind,
      name: p.name,
      rules: p.keyKind === 'user-defined' ? p.rules : [],
      expiresAt: expiresMs === null ? null : new Date(expiresMs).toISOString(),
    };
  });
}
