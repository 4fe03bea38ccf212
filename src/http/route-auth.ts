import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import { SESSION_COOKIE, type ActiveSession, type SessionsService } from '../auth/sessions.service.js';
import { authOf, isRoutePermission, type RouteAuth, type RoutePermission } from '../access/route-permissions.js';
import { clientRefusal, mayAskPreview } from '../access/policy.js';
import { dropCorsHeaders } from './cors.js';
import { AppError, errors } from '../core/errors.js';
import { withMode, type Principal, type ReadMode } from '../core/principal.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import type { KeyUsageService, UsageAction } from '../auth/key-usage.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires (see access/route-permissions.ts); mandatory. */
    permission?: RoutePermission;
    /** The body must be JSON (415 otherwise), even when empty. */
    jsonBody?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
    session?: ActiveSession;
  }
}

/** The identification a route needs, from its declared permission; undefined when it declares none. */
export function routeAuth(config: { permission?: unknown } | undefined): RouteAuth | undefined {
  return isRoutePermission(config?.permission) ? authOf(config.permission) : undefined;
}

/**
 * All the places a key may travel, read from the raw request: every `X-AUTH-TOKEN` header, every
 * `Authorization: Bearer` header (Node keeps only the first of duplicated Authorization headers, and joins repeated
 * X-AUTH-TOKEN headers with a comma, so the parsed headers would hide a second key) and every `auth_token` query
 * parameter, in any encoding. Two different values in any mix are a 400; identical repeats count as one.
 */
export function presentedKey(req: FastifyRequest): string | undefined {
  const found = new Set<string>();
  const raw = req.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name === 'x-auth-token') found.add(value.trim());
    else if (name === 'authorization' && /^bearer\s+/i.test(value)) found.add(value.replace(/^bearer\s+/i, '').trim());
  }
  for (const v of queryTokens(req)) found.add(v.trim());
  found.delete('');
  if (found.size > 1) throw errors.badRequest('More than one API key in the request');
  return found.values().next().value;
}

/** `auth_token` values as Fastify parsed them and as the raw query string holds them (the union: either may decode). */
function queryTokens(req: FastifyRequest): string[] {
  const out: string[] = [];
  const parsed = (req.query as Record<string, unknown> | undefined) ?? {};
  const q = Object.hasOwn(parsed, 'auth_token') ? parsed.auth_token : undefined;
  for (const v of Array.isArray(q) ? q : q !== undefined ? [q] : []) out.push(String(v));
  const url = req.raw.url ?? '';
  const at = url.indexOf('?');
  if (at >= 0) {
    try {
      out.push(...new URLSearchParams(url.slice(at + 1)).getAll('auth_token'));
    } catch {
      // a query string URLSearchParams cannot read: Fastify's parse above still counts
    }
  }
  return out;
}

export interface AuthDeps {
  keys: ApiKeysService;
  sessions: SessionsService;
  /** Failed authentications per client IP. */
  failures: RateLimiter;
  /** Requests per key per minute, for keys with a request limit. */
  perKey: RateLimiter;
}

const tooMany = (seconds: number) => errors.tooManyRequests(seconds);

/**
 * onRequest hook: identifies the caller of every route by its declared auth, and only that — what the caller may
 * do is decided by access/policy inside the services.
 */
export function identify(deps: AuthDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const auth = routeAuth(req.routeOptions.config);
    // operator routes (metrics) are decided in their handler by policy.metricsRefusal, from settings, not identities
    if (auth === 'public' || auth === 'operator' || auth === undefined) return;
    if (auth === 'api-key') return identifyKey(deps, req, reply);
    // the Panel never accepts an API key, whatever else the request carries
    if (presentedKeySafe(req) !== undefined) throw errors.forbidden();
    if (auth === 'panel-login') return;
    const session = await deps.sessions.resolve(req.cookies?.[SESSION_COOKIE]);
    if (!session) throw errors.unauthorized();
    if (req.method !== 'GET' && req.method !== 'HEAD' && !deps.sessions.csrfMatches(session, req.headers['x-csrf-token'])) {
      throw new AppError(403, { code: 403, message: 'Missing or invalid CSRF token' });
    }
    req.session = session;
    req.principal = withMode(session.principal, readMode(req));
  };
}

/**
 * How the request asks to read: `X-MODE: preview` (Flotiq's header) asks for the latest state; `x-visibility:
 * public` (sent by Flotiq's Next.js add-on outside draft mode) and no header mean the public view.
 */
export function readMode(req: FastifyRequest): ReadMode {
  const mode = req.headers['x-mode'];
  const visibility = req.headers['x-visibility'];
  const asked = (Array.isArray(mode) ? mode : [mode]).some((m) => typeof m === 'string' && m.trim().toLowerCase() === 'preview');
  const publicOnly = (Array.isArray(visibility) ? visibility : [visibility]).some(
    (v) => typeof v === 'string' && v.trim().toLowerCase() === 'public',
  );
  return asked && !publicOnly ? 'preview' : 'public';
}

function presentedKeySafe(req: FastifyRequest): string | undefined {
  try {
    return presentedKey(req);
  } catch {
    return 'several';
  }
}

/**
 * Failed attempts from one client address slow down that address's further *failed* attempts (429 instead of
 * 401); a valid key is never refused because others failed from the same address (a shared proxy, an office).
 */
async function identifyKey(deps: AuthDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const presented = presentedKey(req);
  const principal = presented ? await deps.keys.authenticate(presented) : undefined;
  if (!principal) {
    const wait = deps.failures.take(req.ip);
    if (wait > 0) throw tooMany(wait);
    throw errors.unauthorized();
  }
  const refused = clientRefusal(principal, { ip: req.ip, origins: originHeaders(req) });
  if (refused) {
    // a key limited to some origins gets no CORS answer for any other: the browser cannot read the refusal either
    if (refused === 'origin') dropCorsHeaders(reply);
    throw new AppError(403, {
      code: 403,
      message:
        refused === 'network'
          ? 'Access denied: this API key may not be used from this network'
          : 'Access denied: this API key may not be used from this origin',
    });
  }
  if (principal.requestLimit !== null) {
    const over = deps.perKey.take(principal.keyId, principal.requestLimit);
    if (over > 0) throw tooMany(over);
  }
  const mode = readMode(req);
  if (mode === 'preview' && !mayAskPreview(principal)) {
    throw new AppError(403, {
      code: 403,
      message:
        'Access denied: the read-only API key reads only published content (X-MODE: preview needs a key with preview access, e.g. a user-defined key with canPreview)',
    });
  }
  req.principal = withMode(principal, mode);
}

/**
 * Every `Origin` header of the raw request (Node joins duplicates of most headers, but keeps only the first of some;
 * the raw list hides nothing), each as sent.
 */
function originHeaders(req: FastifyRequest): string[] {
  const out: string[] = [];
  const raw = req.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === 'origin') out.push(raw[i + 1]);
  return out;
}

/** The Principal of a request on an identified route (its absence is a programming error, answered as 401). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw errors.unauthorized();
  return req.principal;
}

/** The (content type, action) pairs a finished request of a key used, from its route's permission ('*': several). */
export function usesOf(req: FastifyRequest, p: Principal): [string, UsageAction][] {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const type = Object.hasOwn(params, 'type') && typeof params.type === 'string' ? params.type : undefined;
  const read: UsageAction = p.kind !== 'system' && p.mode === 'preview' ? 'preview' : 'read';
  const on = (...actions: UsageAction[]): [string, UsageAction][] => (type ? actions.map((a) => [type, a]) : []);
  switch (routeAuth(req.routeOptions.config) === 'api-key' ? req.routeOptions.config.permission : undefined) {
    case 'objects-read':
    case 'objects-removed':
      return on(read);
    case 'objects-create':
    case 'objects-duplicate':
      return on('create');
    case 'objects-upsert': {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const upsert = Object.hasOwn(q, 'updateExisting') && ['true', '1', true, 1].includes(q.updateExisting as string);
      return upsert ? on('create', 'update') : on('create');
    }
    case 'objects-update':
      return on('update');
    case 'objects-delete':
      return on('delete');
    case 'objects-publish':
      return on('publish');
    case 'media-create':
      return [['_media', 'create']];
    case 'search':
    case 'graphql':
      return [['*', read]];
    default:
      return [];
  }
}

/**
 * onResponse hook: counts each successful request of an API key by content type and action (in memory; the usage
 * service writes the counts in batches), after the answer has gone.
 */
export function recordUse(usage: KeyUsageService) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const p = req.principal;
    if (!p || p.kind !== 'api-key' || reply.statusCode >= 400) return;
    for (const [type, action] of usesOf(req, p)) usage.count(p.keyId, type, action);
  };
}
