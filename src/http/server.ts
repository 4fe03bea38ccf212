import Fastify, { type FastifyError, type FastifyInstance, type FastifySchema } from 'fastify';
import cookie from '@fastify/cookie';
import { routeAuth } from './route-auth.js';
import { AppError } from '../core/errors.js';
import { redact } from './redact.js';
import { CORS_PREFLIGHT_ROUTE } from './cors.js';
import {
  declaredResponse,
  missingContract,
  NoContent,
  responseMismatch,
  routeSchema,
  schemaErrorFormatter,
  validatorCompiler,
} from './contract.js';
import { Type } from '@sinclair/typebox';

/** One registered route and what it requires: the route table the permission-matrix test walks. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: string | undefined;
  /** Its declared contract (http/contract.ts). */
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export interface ServerOptions {
  logLevel: string;
  bodyLimit: number;
  /** Extra pino destination (tests capture every log line to scan for secrets). */
  logStream?: NodeJS.WritableStream;
  /** Sees every response body (tests scan them for key values). */
  onResponse?: (url: string, body: string) => void;
  /** Proxies whose X-Forwarded-For names the client (empty: the socket address is the client). */
  trustProxy?: readonly string[];
  /** Sees every JSON answer that does not match its route's declared response schema (tests fail on any). */
  onContractMismatch?: (what: string) => void;
}

/** The preflight route @fastify/cors registers: no data in, none out. */
const PREFLIGHT_SCHEMA = routeSchema({
  summary: 'CORS preflight',
  tags: ['cors'],
  params: Type.Object({ '*': Type.String() }),
  querystring: Type.Object({}),
  response: { 204: NoContent },
  hide: true,
});

/** The Fastify instance with Flotilla's wire conventions: JSON parsing, one error format, redacted logs. */
export function createServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      redact: ['req.headers["x-auth-token"]', 'req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redact(req.url), ip: req.ip }),
      },
    },
    bodyLimit: opts.bodyLimit,
    // only named proxies are believed: X-Forwarded-For from anyone else would let a client choose its own address
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true, maxParamLength: 500 },
    schemaErrorFormatter,
  });
  // requests are validated by the declared schemas (http/contract.ts); answers are serialised as they are, never
  // filtered through their schema (a property missing from a declaration must not vanish from an answer)
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // JSON bodies: an empty body is "no body" rather than a parse error (clients send the header on DELETE)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError(400, { code: 400, message: 'Malformed JSON body' }) as unknown as FastifyError, undefined);
    }
  });

  void app.register(cookie);

  // the route table is the single list of permissions: a route that declares none cannot exist
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    // the CORS plugin's catch-all preflight route is answered in its hook, before identification: it is public
    if (route.method === CORS_PREFLIGHT_ROUTE.method && route.url === CORS_PREFLIGHT_ROUTE.url) {
      route.config = { ...route.config, permission: 'public' };
      route.schema = PREFLIGHT_SCHEMA;
    }
    const config = route.config as { permission?: string } | undefined;
    if (routeAuth(config) === undefined && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
    }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      const missing = missingContract(method, route.url, route.schema);
      if (missing.length > 0) throw new Error(`route ${method} ${route.url} declares no ${missing.join(', ')} schema`);
      routeTable.push({ method, url: route.url, permission: config?.permission, schema: route.schema });
    }
  });

  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.config.jsonBody) return;
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]+\+)?json/i.test(type)) throw new AppError(415, { code: 415, message: 'Unsupported Media Type' });
  });

  if (opts.onResponse) {
    const seen = opts.onResponse;
    app.addHook('onSend', async (req, _reply, payload) => {
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) seen(req.url, String(payload));
      return payload;
    });
  }

  if (opts.onContractMismatch) {
    const report = opts.onContractMismatch;
    app.addHook('onSend', async (req, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      // cached answers are sent as their bytes
      const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
      if (typeof text !== 'string' || text === '' || !/json/.test(type)) return payload;
      const declared = declaredResponse(req.routeOptions.schema, reply.statusCode);
      const where = `${req.method} ${req.routeOptions.url ?? req.url} → ${reply.statusCode}`;
      if (!declared) {
        if (req.routeOptions.url) report(`${where}: no response declared for this status`);
        return payload;
      }
      const problem = responseMismatch(declared, JSON.parse(text));
      if (problem) report(`${where}: ${problem}`);
      return payload;
    });
  }

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      if (err.status === 429) {
        const retry = (err.body as { retryAfter?: number }).retryAfter ?? 1;
        reply.header('retry-after', String(retry));
      }
      return reply.code(err.status).type('application/json').send(JSON.stringify(err.body));
    }
    const status = err.statusCode ?? 500;
    if (status === 415) return reply.code(415).send({ code: 415, message: 'Unsupported Media Type' });
    if (status === 413) return reply.code(413).send({ code: 413, message: 'Request body is too large' });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ code: status, message: redact(err.message) });
    }
    req.log.error({ err: { message: redact(err.message), stack: redact(err.stack ?? '') } }, 'request failed');
    return reply.code(500).send({ code: 500, message: 'Internal Server Error' });
  });

  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ code: 404, message: 'Not found' });
  });

  return app;
}
