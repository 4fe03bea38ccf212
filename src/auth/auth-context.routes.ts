import type { FastifyInstance } from 'fastify';
import { principalOf } from '../http/route-auth.js';

/** `GET /api/auth-context`: what the presented key is (kind, name, rules) — never the key itself. */
export function authContextRoutes(app: FastifyInstance): void {
  app.get('/api/auth-context', { config: { permission: 'any-key' } }, async (req) => {
    const p = principalOf(req);
    if (p.kind !== 'api-key') return { kind: p.kind };
    return { kind: p.keyKind, name: p.name, rules: p.keyKind === 'user-defined' ? p.rules : [] };
  });
}
