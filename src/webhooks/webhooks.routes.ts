import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../auth/audit.service.js';
import { principalOf } from '../http/route-auth.js';
import type { WebhooksService } from './webhooks.service.js';

const session = { permission: 'panel-session' } as const;
type P = { Params: { id: string } };

/**
 * The Panel's webhook endpoints (issue contract): the signing secret, the execution log, "Send test event" and
 * "Run webhook" (Custom). The webhooks themselves are `_webhooks` objects, edited through the content routes.
 */
export function webhooksRoutes(app: FastifyInstance, webhooks: WebhooksService, audit: AuditService): void {
  const base = '/panel/api/webhooks/:id';

  app.get<P>(`${base}/secret`, { config: session }, async (req, reply) => {
    const p = principalOf(req);
    const secret = await webhooks.revealSecret(p, req.params.id);
    await audit.record(p, 'webhook.secret-revealed', null, { webhookId: req.params.id });
    reply.header('cache-control', 'no-store');
    return { secret };
  });

  app.post<P>(`${base}/secret`, { config: session }, async (req, reply) => {
    const p = principalOf(req);
    const secret = await webhooks.rotateSecret(p, req.params.id);
    await audit.record(p, 'webhook.secret-rotated', null, { webhookId: req.params.id });
    reply.header('cache-control', 'no-store');
    return { secret };
  });

  app.get<P>(`${base}/executions`, { config: session }, async (req) => webhooks.executions(principalOf(req), req.params.id));

  app.post<P>(`${base}/test`, { config: session }, async (req) => webhooks.sendTest(principalOf(req), req.params.id));

  app.post<P>(`${base}/run`, { config: { ...session, jsonBody: true } }, async (req) => {
    const body = (req.body ?? {}) as { contentTypeName?: unknown; objectId?: unknown };
    return webhooks.runCustom(principalOf(req), req.params.id, body.contentTypeName, body.objectId);
  });
}
