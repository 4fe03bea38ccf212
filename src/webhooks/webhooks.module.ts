import type { FastifyInstance } from 'fastify';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import type { AuditService } from '../auth/audit.service.js';
import type { KeyCrypto } from '../auth/key-crypto.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { ContentWriter } from '../content/content-writer.service.js';
import type { EventWorker } from '../events/event-worker.js';
import type { Storage } from '../storage/port.js';
import { syncHooks } from './sync-hooks.js';
import { WebhookDelivery } from './webhook-delivery.js';
import { webhookFanout } from './webhook-fanout.js';
import { WebhookUrlPolicy } from './webhook-url.js';
import { WEBHOOKS_TYPE, WebhooksService } from './webhooks.service.js';
import { webhooksRoutes } from './webhooks.routes.js';

export interface Webhooks {
  service: WebhooksService;
  delivery: WebhookDelivery;
}

/** Wires webhooks onto the write path (checks, sync hooks), the event worker (fan-out) and the Panel routes. */
export function registerWebhooks(
  server: FastifyInstance,
  deps: {
    config: Config;
    storage: Storage;
    keys: ApiKeysService;
    crypto: KeyCrypto;
    clock: Clock;
    writer: ContentWriter;
    events: EventWorker;
    audit: AuditService;
  },
): Webhooks {
  const { config, storage, clock } = deps;
  const service = new WebhooksService(
    storage,
    deps.keys,
    deps.crypto,
    clock,
    new WebhookUrlPolicy(config.webhookAllow, config.webhookDeny),
  );
  deps.writer.useCheck(WEBHOOKS_TYPE, (p, data) => service.check(p, data));
  deps.writer.useBeforeWrite(syncHooks(service, storage, clock, config.webhookTimeoutMs));
  const delivery = new WebhookDelivery(storage, service, clock, {
    attempts: config.webhookAttempts,
    timeoutMs: config.webhookTimeoutMs,
    retryBaseMs: config.webhookRetryBaseMs,
  });
  // the fan-out hands what it queued to the delivery after its batch commits; the delivery's poll covers the rest
  // the fan-out holds the events whose first attempts it hands to this node's sending, until their outcomes are written
  deps.events.use('webhooks', webhookFanout(service, clock, delivery), { holds: true });
  webhooksRoutes(server, service, deps.audit);
  return { service, delivery };
}
