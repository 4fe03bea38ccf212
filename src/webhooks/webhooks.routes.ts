import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../auth/audit.service.js';
import { principalOf } from '../http/route-auth.js';
import type { WebhooksService } from './webhooks.service.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, IdParams, IgnoredBody, panelContract } from '../http/contract.js';

const session = { permission: 'panel-session' } as const;
type P = { Params: { id: string } };

const Secret = Type.Object({ secret: Type.String() });
const SECRET = panelContract("A webhook's signing secret", { params: IdParams, response: { 200: Secret } });
const ROTATE = panelContract("Replace a webhook's signing secret", {
  params: IdParams,
  body: IgnoredBody,
  response: { 200: Secret },
});
const EXECUTIONS = panelContract("A webhook's last executions, newest first", {
  params: IdParams,
  response: {
    200: Type.Array(
      Type.Object({
        id: Type.Union([Type.String(), Type.Integer()]),
        status: Type.String(),
        attempts: Type.Integer(),
        httpStatus: Type.Union([Type.Integer(), Type.Null()]),
        durationMs: Type.Union([Type.Integer(), Type.Null()]),
        error: Type.Union([Type.String(), Type.Null()]),
        action: Type.String(),
        contentTypeName: Type.Union([Type.String(), Type.Null()]),
        objectId: Type.Union([Type.String(), Type.Null()]),
        createdAt: Type.String(),
      }),
    ),
  },
});
const Queued = AnyObject('The queued execution');
const TEST = panelContract('Send a test event', { params: IdParams, body: IgnoredBody, response: { 200: Queued } });
const RUN = panelContract('Run the webhook on one object (Custom)', {
  params: IdParams,
  body: Type.Object({ contentTypeName: Type.Optional(Type.Unknown()), objectId: Type.Optional(Type.Unknown()) }),
  response: { 200: Queued },
});

/**
 * The Panel's webhook endpoints (issue contract): the signing secret, the execution log, "Send test event" and
 * "Run webhook" (Custom). The webhooks themselves are `_webhooks` objects, edited through the content routes.
 */
export function webhooksRoutes(app: FastifyInstance, webhooks: WebhooksService, audit: AuditService): void {
  const base = '/panel/api/webhooks/:id';

  app.get<P>(`${base}/secret`, { config: session, schema: SECRET }, async (req, reply) => {
    const p = principalOf(req);
    const secret = await webhooks.revealSecret(p, req.params.id);
    await audit.record(p, 'webhook.secret-revealed', null, { webhookId: req.params.id });
    reply.header('cache-control', 'no-store');
    return { secret };
  });

  app.post<P>(`${base}/secret`, { config: session, schema: ROTATE }, async (req, reply) => {
    const p = principalOf(req);
    const secret = await webhooks.rotateSecret(p, req.params.id);
    await audit.record(p, 'webhook.secret-rotated', null, { webhookId: req.params.id });
    reply.header('cache-control', 'no-store');
    return { secret };
  });

  app.get<P>(`${base}/executions`, { config: session, schema: EXECUTIONS }, async (req) =>
    webhooks.executions(principalOf(req), req.params.id),
  );

  app.post<P>(`${base}/test`, { config: session, schema: TEST }, async (req) =>
    webhooks.sendTest(principalOf(req), req.params.id),
  );

  app.post<P>(`${base}/run`, { config: { ...session, jsonBody: true }, schema: RUN }, async (req) => {
    const body = (req.body ?? {}) as { contentTypeName?: unknown; objectId?: unknown };
    return webhooks.runCustom(principalOf(req), req.params.id, body.contentTypeName, body.objectId);
  });
}
