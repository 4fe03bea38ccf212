import type { FastifyRequest } from 'fastify';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import { errors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';

/**
 * How a route identifies its caller — declared on every route (`config.auth`); a route without it cannot be
 * registered (see server.ts). Identification only: what the caller may do is decided by access/policy in services.
 */
export type RouteAuth = 'api-key' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** The body must be JSON (415 otherwise), even when empty. */
    jsonBody?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** All the places a key may travel; two different keys in one request is a 400. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const found = new Set<string>();
  const header = req.headers['x-auth-token'];
  for (const v of Array.isArray(header) ? header : header ? [header] : []) found.add(v.trim());
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) found.add(auth.replace(/^bearer\s+/i, '').trim());
  const q = (req.query as Record<string, unknown> | undefined)?.auth_token;
  for (const v of Array.isArray(q) ? q : q !== undefined ? [q] : []) found.add(String(v).trim());
  found.delete('');
  if (found.size > 1) throw errors.badRequest('More than one API key in the request');
  return found.values().next().value;
}

/** onRequest hook: attaches the Principal of an API-key route, or answers 401. */
export function apiKeyAuth(keys: ApiKeysService) {
  return async (req: FastifyRequest): Promise<void> => {
    if (req.routeOptions.config.auth !== 'api-key') return;
    const presented = presentedKey(req);
    if (!presented) throw errors.unauthorized();
    const principal = await keys.authenticate(presented);
    if (!principal) throw errors.unauthorized();
    req.principal = principal;
  };
}

/** The Principal of a request on an api-key route (set by apiKeyAuth; its absence is a programming error). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw errors.unauthorized();
  return req.principal;
}
