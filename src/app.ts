import type { FastifyInstance } from 'fastify';
import { ApiKeysService } from './auth/api-keys.service.js';
import { authContextRoutes } from './auth/auth-context.routes.js';
import { KeyCrypto } from './auth/key-crypto.js';
import { loadMasterSecret } from './auth/master-secret.js';
import type { Config } from './config/config.js';
import { ContentService } from './content/content.service.js';
import { ContentWriter } from './content/content-writer.service.js';
import { contentRoutes } from './content/content.routes.js';
import { Hydrator } from './content/hydrate.js';
import { ContentTypesService } from './content-types/content-types.service.js';
import { contentTypesRoutes } from './content-types/content-types.routes.js';
import { TypeRegistry } from './content-types/type-registry.js';
import { systemClock, type Clock } from './core/clock.js';
import { GraphqlService } from './graphql/graphql.service.js';
import { graphqlRoutes } from './graphql/graphql.routes.js';
import { SYSTEM } from './core/principal.js';
import { identify, recordUse } from './http/route-auth.js';
import { KeyUsageService } from './auth/key-usage.service.js';
import { PANEL_MOUNT } from './http/route-mount.js';
import { registerCors } from './http/cors.js';
import swagger from '@fastify/swagger';
import { OpenApiService } from './openapi/open-api.service.js';
import { openApiRoutes } from './openapi/open-api.routes.js';
import { AuditService } from './auth/audit.service.js';
import { panelKeysRoutes } from './auth/panel-keys.routes.js';
import { panelSessionRoutes } from './auth/panel-session.routes.js';
import { SessionsService } from './auth/sessions.service.js';
import { UsersService } from './auth/users.service.js';
import { RolesService } from './auth/roles.service.js';
import { InvitationsService } from './auth/invitations.service.js';
import { usersRoutes } from './auth/users.routes.js';
import { RateLimiter } from './core/rate-limiter.js';
import { createServer } from './http/server.js';
import { EventWorker } from './events/event-worker.js';
import { PublicationService } from './content/publication.service.js';
import { publicationRoutes, scheduleRoutes } from './content/publication.routes.js';
import { RelatedRows } from './content/related-rows.js';
import { restoreRoutes } from './content/restore.routes.js';
import { smtpMailer } from './auth/invitation-mail.js';
import { registerWebhooks, type Webhooks } from './webhooks/webhooks.module.js';
import { createMedia, registerMedia } from './media/media.module.js';
import { connectStorage } from './storage/connect.js';
import { panelStaticRoutes } from './panel/panel-static.js';
import { SearchService } from './search/search.service.js';
import { searchRoutes } from './search/search.routes.js';
import type { Storage } from './storage/port.js';
import type { MetricsService } from './ops/metrics.service.js';
import { ReadinessService } from './ops/readiness.service.js';
import { opsRoutes } from './ops/ops.routes.js';

export interface AppOptions {
  clock?: Clock;
  logStream?: NodeJS.WritableStream;
  onResponse?: (url: string, body: string) => void;
  /** Sees every JSON answer that breaks its route's declared response schema. */
  onContractMismatch?: (what: string) => void;
}

export interface Services {
  keys: ApiKeysService;
  /** Per-key usage counts (written in batches). */
  usage: KeyUsageService;
  contentTypes: ContentTypesService;
  content: ContentService;
  writer: ContentWriter;
  hydrator: Hydrator;
  users: UsersService;
  sessions: SessionsService;
  audit: AuditService;
  graphql: GraphqlService;
  events: EventWorker;
  webhooks: Webhooks;
  publications: PublicationService;
}

export interface App {
  server: FastifyInstance;
  storage: Storage;
  services: Services;
  /** A one-time first-run setup token, when the database has no user and no administrator was configured. */
  setupToken: string | undefined;
  /**
   * Graceful shutdown (decision 0023): not ready, stop accepting, let requests in flight finish (cut after
   * FLOTILLA_SHUTDOWN_TIMEOUT_MS), then the event worker and webhook delivery after their current round, then the
   * database.
   */
  close(): Promise<void>;
}

/** Wires every module; `main.ts` and the tests both start here. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const storage = await connectStorage(config);
  try {
    const crypto = new KeyCrypto(loadMasterSecret(config.secret, config.dataDir));
    const registry = new TypeRegistry(storage);
    const keys = new ApiKeysService(storage, crypto, clock, registry, config.readOnlyPreview);
    const contentTypes = new ContentTypesService(storage, registry, keys, clock);
    const hydrator = new Hydrator(new RelatedRows(storage), {
      maxObjects: config.hydrateMaxObjects,
      maxBytes: config.responseMaxBytes,
    });
    const content = new ContentService(storage, registry, hydrator, config.pageCacheBytes);
    const writer = new ContentWriter(storage, content, clock, config.maxObjectBytes, config.batchLimit, config.sanitizeRichtext);
    // GraphQL's finished responses get a quarter of the page cache's budget
    const graphql = new GraphqlService(registry, content, undefined, Math.round(config.pageCacheBytes / 4));
    const search = await SearchService.start(storage, registry, hydrator, config.pageCacheBytes);
    const media = await createMedia(config, storage, writer);

    const users = new UsersService(storage, clock);
    content.actorNames = async (actor) => {
      if (actor === 'system') return 'system';
      const [kind, id] = [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)];
      if (kind === 'key') return (await keys.principalById(SYSTEM, id))?.name ?? null;
      if (kind === 'user') return (await storage.panel.getUser(id))?.email ?? null;
      return null;
    };
    const sessions = new SessionsService(storage, users, clock);
    const audit = new AuditService(storage, clock);
    const roles = new RolesService(storage, clock, async () => new Set((await registry.all()).keys()));
    const invitations = new InvitationsService(storage, users, clock);
    const now = () => clock.now();

    // nodes starting together on one fresh database seed it once: the second finds what the first made
    const setupToken = await storage.startupLock(async () => {
      await keys.ensureApplicationKeys(SYSTEM);
      await contentTypes.ensureInternalTypes(SYSTEM);
      const boot = await users.bootstrap(config.adminEmail, config.adminPassword);
      if (boot.created) {
        const u = boot.created;
        await audit.record(SYSTEM, 'user.created', { id: u.id, name: u.email }, { via: 'environment', roleId: u.roleId });
      }
      return boot.setupToken;
    });

    // prom-client loads only where metrics are on
    const metrics: MetricsService | null = config.metrics.enabled
      ? new (await import('./ops/metrics.service.js')).MetricsService({
          storage,
          caches: {
            page: content.cacheStats.page,
            count: content.cacheStats.count,
            ...searchCaches(search),
            graphql: graphql.cacheStats,
          },
        })
      : null;
    const server = createServer({
      logLevel: config.logLevel,
      bodyLimit: Math.max(config.maxObjectBytes * 4, 16 * 1024 * 1024),
      logStream: opts.logStream,
      onResponse: opts.onResponse,
      onContractMismatch: opts.onContractMismatch,
      trustProxy: config.trustProxy,
    });
    const readiness = new ReadinessService(storage, server.log);
    // while shutting down, answers close their connection: a keep-alive client then reconnects elsewhere
    let draining = false;
    // a callback hook: no promise per request
    server.addHook('onSend', (_req, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
    if (metrics) {
      server.addHook('onResponse', async (req, reply) => {
        metrics.observe({
          method: req.method,
          route: req.routeOptions.url,
          status: reply.statusCode,
          seconds: reply.elapsedTime / 1000,
        });
      });
    }
    // the generic API document, from every route's declared contract; openapi/ projects it per key
    await server.register(swagger, { openapi: { openapi: '3.0.3', info: { title: 'Flotilla API', version: '1' } } });
    // before identification: preflights carry no key, and refusals must be readable by the browser
    await registerCors(server, config.corsOrigins);
    server.addHook(
      'onRequest',
      identify({
        keys,
        sessions,
        failures: new RateLimiter(config.authFailuresPerMinute, 60_000, now),
        perKey: new RateLimiter(Number.MAX_SAFE_INTEGER, 60_000, now),
      }),
    );
    panelSessionRoutes(server, {
      users,
      sessions,
      invitations,
      audit,
      loginPerIp: new RateLimiter(config.loginAttemptsPerMinute, 60_000, now),
      loginPerAccount: new RateLimiter(config.loginFailuresPerAccount, 15 * 60_000, now),
      secureCookies: (config.publicUrl ?? '').startsWith('https://'),
    });
    const usage = new KeyUsageService(storage, clock, (e) => server.log.warn({ err: e }, 'key usage counts not written'));
    server.addHook('onResponse', recordUse(usage));
    panelKeysRoutes(server, keys, audit, users, usage);
    const mailer = config.smtp ? smtpMailer(config.smtp.url, config.smtp.from) : undefined;
    usersRoutes(server, { users, roles, invitations, sessions, audit, publicUrl: config.publicUrl, mailer });
    authContextRoutes(server);
    contentTypesRoutes(server, contentTypes);
    contentRoutes(server, content, writer);
    // the same handlers for the Panel, under its session
    contentTypesRoutes(server, contentTypes, PANEL_MOUNT);
    contentRoutes(server, content, writer, PANEL_MOUNT);
    const publications = new PublicationService(storage, registry, clock);
    publicationRoutes(server, publications);
    publicationRoutes(server, publications, PANEL_MOUNT);
    scheduleRoutes(server, publications);
    restoreRoutes(server, writer, audit);
    graphqlRoutes(server, graphql);
    searchRoutes(server, search);
    const events = new EventWorker(storage, clock, server.log, config.deletedRetentionDays * 24 * 3600_000);
    await registerMedia(server, media, events, config);
    events.use('schedules', publications.cancelOnEdit());
    const webhooks = registerWebhooks(server, { config, storage, keys, crypto, clock, writer, events, audit });
    openApiRoutes(
      server,
      new OpenApiService(() => server.swagger() as never, server.routeTable, registry, config.publicUrl),
      keys,
    );
    opsRoutes(server, readiness, { metrics, access: config.metrics });
    await panelStaticRoutes(server);
    await server.ready();
    events.start();
    webhooks.delivery.start();
    publications.start();
    usage.start();

    return {
      server,
      storage,
      services: {
        keys,
        usage,
        contentTypes,
        content,
        writer,
        hydrator,
        users,
        sessions,
        audit,
        graphql,
        events,
        webhooks,
        publications,
      },
      setupToken,
      async close() {
        readiness.drain();
        draining = true;
        // requests in flight finish; those that outlast the bound lose their connection
        const cut = setTimeout(() => server.server.closeAllConnections(), config.shutdownTimeoutMs);
        cut.unref();
        await server.close();
        clearTimeout(cut);
        // each finishes its current round; what is left stays queued in the database for the next start or node
        await events.stop();
        await webhooks.delivery.stop();
        await publications.stop();
        await usage.stop();
        mailer?.close();
        await media.files.close?.(); // after the event worker: its media cleanup may still be deleting files
        await storage.close();
      },
    };
  } catch (e) {
    await storage.close();
    throw e;
  }
}

/** The search service's caches under their metric names. */
function searchCaches(search: SearchService) {
  return { search: search.cacheStats.search, search_total: search.cacheStats.searchTotal };
}
