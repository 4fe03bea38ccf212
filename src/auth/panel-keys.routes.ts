import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../core/errors.js';
import { ownProperty } from '../core/own-property.js';

import { principalOf } from '../http/route-auth.js';
import type { ApiKeysService, KeyInput } from './api-keys.service.js';
import type { AuditAction, AuditService } from './audit.service.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, IdParams, IgnoredBody, Integer, NoContent, panelContract } from '../http/contract.js';

const session = { permission: 'panel-session' } as const;
const sessionJson = { permission: 'panel-session', jsonBody: true } as const;
type Id = { Params: { id: string } };

/** Responses that carry key values must never be stored by a cache. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

const Key = AnyObject('A key: id, kind, name, rules, value (shown in the Panel only), …');
const KeyBody = Type.Object(
  {
    name: Type.Optional(Type.Unknown()),
    rules: Type.Optional(Type.Unknown()),
    requestLimit: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);
const LIST = panelContract('Every key the session may see', { response: { 200: Type.Array(Key) } });
const CREATE = panelContract('Create a user-defined key', { body: KeyBody, response: { 200: Key } });
const UPDATE = panelContract('Rename a key, change its rules or limit', {
  params: IdParams,
  body: KeyBody,
  response: { 200: Key },
});
const REGENERATE = panelContract("Replace a key's value", { params: IdParams, body: IgnoredBody, response: { 200: Key } });
const REMOVE = panelContract('Remove a user-defined key', { params: IdParams, response: { 204: NoContent } });
const EVENT = panelContract('Record that a person revealed, copied or showed a key', {
  params: IdParams,
  body: Type.Object({ action: Type.Optional(Type.Unknown()) }),
  response: { 204: NoContent },
});
const AUDIT = panelContract('The audit trail, newest first', {
  querystring: Type.Object({
    limit: Integer({ minimum: 1, maximum: 1000, default: 100 }),
    before: Type.Optional(Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  }),
  response: { 200: Type.Array(AnyObject('An entry: id, at, actor, action, key, details')) },
});

const sameRules = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The Panel's key endpoints (api-keys.md contract) and the audit trail. Session principals only. */
export function panelKeysRoutes(app: FastifyInstance, keys: ApiKeysService, audit: AuditService): void {
  app.get('/panel/api/keys', { config: session, schema: LIST }, async (req, reply) => {
    noStore(reply);
    return keys.list(principalOf(req));
  });

  app.post('/panel/api/keys', { config: sessionJson, schema: CREATE }, async (req, reply) => {
    const p = principalOf(req);
    const body = (req.body ?? {}) as KeyInput;
    const input = await keys.validate(body, true);
    const created = await keys.createUserDefined(p, input.name!, input.rules!, input.requestLimit ?? null);
    await audit.record(p, 'key.created', created, { rules: created.rules });
    noStore(reply);
    return created;
  });

  app.put<Id>('/panel/api/keys/:id', { config: sessionJson, schema: UPDATE }, async (req, reply) => {
    const p = principalOf(req);
    const { view, before } = await keys.update(p, req.params.id, (req.body ?? {}) as KeyInput);
    if (!sameRules(before.rules, view.rules))
      await audit.record(p, 'key.rules-changed', view, { before: before.rules, after: view.rules });
    if (before.name !== view.name || before.requestLimit !== view.requestLimit) {
      await audit.record(p, 'key.updated', view, { name: view.name, requestLimit: view.requestLimit });
    }
    noStore(reply);
    return view;
  });

  app.post<Id>('/panel/api/keys/:id/regenerate', { config: session, schema: REGENERATE }, async (req, reply) => {
    const p = principalOf(req);
    const view = await keys.regenerate(p, req.params.id);
    await audit.record(p, 'key.regenerated', view);
    noStore(reply);
    return view;
  });

  app.delete<Id>('/panel/api/keys/:id', { config: session, schema: REMOVE }, async (req, reply) => {
    const p = principalOf(req);
    const removed = await keys.remove(p, req.params.id);
    await audit.record(p, 'key.removed', removed);
    return reply.code(204).send();
  });

  /** The Panel reports that a person revealed, copied or showed the QR code of a key. */
  app.post<Id>('/panel/api/keys/:id/events', { config: sessionJson, schema: EVENT }, async (req, reply) => {
    const p = principalOf(req);
    const action = (req.body as { action?: unknown } | undefined)?.action;
    const map: Record<string, AuditAction> = { revealed: 'key.revealed', copied: 'key.copied', 'qr-shown': 'key.qr-shown' };
    const audited = typeof action === 'string' ? ownProperty(map, action) : undefined;
    if (!audited) throw errors.validation({ action: ['One of: revealed, copied, qr-shown'] });
    const key = await keys.get(p, req.params.id);
    await audit.record(p, audited, key);
    return reply.code(204).send();
  });

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/panel/api/audit',
    { config: session, schema: AUDIT },
    async (req, reply) => {
      noStore(reply);
      return audit.list(principalOf(req), req.query.limit, req.query.before);
    },
  );
}
