import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Any origin, or an exact list of `scheme://host[:port]` origins (FLOTILLA_CORS_ORIGINS). */
export type CorsOrigins = '*' | readonly string[];

/** The route @fastify/cors registers so that preflights of every path reach its hook; it carries no data. */
export const CORS_PREFLIGHT_ROUTE = { method: 'OPTIONS', url: '*' } as const;

/** Headers Flotiq's clients send: the key (two spellings), JSON bodies, and the read modes. */
const ALLOWED_HEADERS = ['X-AUTH-TOKEN', 'Authorization', 'Content-Type', 'X-MODE', 'x-visibility'];

type Scope = 'api' | 'files' | 'none';

/**
 * Which requests may be cross-origin. API-key routes (`/api/...`): keys travel in headers, never in cookies, so a
 * foreign page can only act with a key it already holds. Public files (`/image/...`, `/media/...`): read-only, so
 * a site may draw them on a canvas or fetch them. Everything else — the Panel and its session API above all — is
 * same-origin only and gets no CORS header at all.
 */
function scopeOf(url: string): Scope {
  const path = url.split('?')[0];
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  if (path.startsWith('/image/') || path.startsWith('/media/')) return 'files';
  return 'none';
}

/**
 * Browser CORS for API-key routes, via @fastify/cors. Registered before identification, so preflights are answered
 * without a key and refusals (401, 403, 429) carry the headers a browser needs to read them. Credentials are never
 * allowed, whatever the configuration.
 */
export async function registerCors(app: FastifyInstance, origins: CorsOrigins): Promise<void> {
  const origin = origins === '*' ? '*' : [...origins];
  const common = { origin, credentials: false, exposedHeaders: ['Retry-After'], maxAge: 600, strictPreflight: true };
  // the three answers, made once (the delegator runs on every request)
  const options: Record<Scope, Readonly<Record<string, unknown>>> = {
    api: Object.freeze({
      ...common,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ALLOWED_HEADERS,
    }),
    files: Object.freeze({ ...common, methods: ['GET', 'HEAD'], allowedHeaders: ['Range'] }),
    none: Object.freeze({ origin: false }),
  };
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (req: FastifyRequest, done: (err: Error | null, options: Record<string, unknown>) => void) =>
      done(null, options[scopeOf(req.url)]),
  });
}

/**
 * Takes back the CORS answer of a request (set by the hook above before the key was known): a key limited to some
 * origins answers no other origin, so a page there can neither use the key nor read why it was refused.
 */
export function dropCorsHeaders(reply: FastifyReply): void {
  for (const h of ['access-control-allow-origin', 'access-control-expose-headers', 'access-control-allow-credentials']) {
    reply.removeHeader(h);
  }
}
