import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metricsRefusal, type MetricsAccess } from '../access/policy.js';
import { AppError, errors } from '../core/errors.js';
import { NoQuery, routeSchema } from '../http/contract.js';
import type { MetricsService } from './metrics.service.js';
import type { ReadinessService } from './readiness.service.js';

// infrastructure routes: declared like the rest, left out of the API document
const HEALTH = routeSchema({
  summary: 'Liveness: the process answers (the database is not asked)',
  tags: ['operations'],
  querystring: NoQuery,
  response: { 200: Type.Object({ status: Type.Literal('ok') }) },
  hide: true,
});
const READY = routeSchema({
  summary: 'Readiness: the database answers and holds every migration; 503 with the reason otherwise',
  tags: ['operations'],
  querystring: NoQuery,
  response: {
    200: Type.Object({ status: Type.Literal('ready') }),
    503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
  },
  hide: true,
});
const METRICS = routeSchema({
  summary: 'Prometheus metrics (FLOTILLA_METRICS)',
  tags: ['operations'],
  querystring: NoQuery,
  response: { 200: Type.String({ description: 'The Prometheus text exposition format' }) },
  hide: true,
});

export interface OpsSettings {
  /** Null while FLOTILLA_METRICS is off: `/metrics` answers 404 as if it did not exist. */
  metrics: MetricsService | null;
  access: MetricsAccess;
}

/** The bearer token of the request, if it carries exactly one `Authorization: Bearer` header. */
function bearer(req: FastifyRequest): string | undefined {
  const raw = req.raw.rawHeaders;
  const found: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'authorization' && /^bearer\s+/i.test(raw[i + 1]))
      found.push(raw[i + 1].replace(/^bearer\s+/i, '').trim());
  }
  return found.length === 1 ? found[0] : undefined;
}

/** `GET /health`, `GET /ready` (public probes) and `GET /metrics` (decided by policy.metricsRefusal). */
export function opsRoutes(app: FastifyInstance, readiness: ReadinessService, ops: OpsSettings): void {
  // probes come every few seconds: their requests are not logged (what /ready finds is, once per change)
  app.get('/health', { config: { permission: 'public' }, schema: HEALTH, logLevel: 'warn' }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' as const };
  });

  app.get('/ready', { config: { permission: 'public' }, schema: READY, logLevel: 'warn' }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    const r = await readiness.check();
    if (r.ready) return { status: 'ready' as const };
    return reply.code(503).send({ status: 'unavailable' as const, reason: r.reason });
  });

  app.get('/metrics', { config: { permission: 'metrics' }, schema: METRICS }, async (req, reply) => {
    if (!ops.metrics) throw errors.notFound();
    const refused = metricsRefusal(ops.access, { ip: req.ip, bearer: bearer(req) });
    if (refused === 'network') throw errors.forbidden();
    if (refused === 'token') {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError(401, { code: 401, message: 'Unauthorized' });
    }
    const text = await ops.metrics.scrape();
    return reply.header('cache-control', 'no-store').type(ops.metrics.contentType).send(text);
  });
}
