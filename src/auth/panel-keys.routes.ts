import type { FastifyInstance, FastifyReply } from 'fastify';
import { errors } from '../core/errors.js';
import { canManageApplicationKeys } from '../access/policy.js';
import { ownProperty } from '../core/own-property.js';

import { principalOf } from '../http/route-auth.js';
import { MAX_GRACE_MINUTES, type ApiKeysService, type ApiKeyView, type KeyInput } from './api-keys.service.js';
import type { UsersService } from './users.service.js';
import { KEEP_DAYS, type KeyUsageService } from './key-usage.service.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { AUDIT_ACTIONS, AUDIT_KINDS, type AuditAction, type AuditQuery, type AuditService } from './audit.service.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, IdParams, IgnoredBody, Integer, NoContent, panelContract } from '../http/contract.js';

const session = { permission: 'panel-session' } as const;
const sessionJson = { permission: 'panel-session', jsonBody: true } as const;
type Id = { Params: { id: string } };

/** Responses that carry key values must never be stored by a cache. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

const Key = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('read-only'), Type.Literal('read-write'), Type.Literal('user-defined')]),
    key: Type.String({ description: 'The value (shown in the Panel only)' }),
    rules: Type.Array(AnyObject('A rule: a content type and its grants')),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    requestLimit: Type.Union([Type.Integer(), Type.Null()], { description: 'Requests per minute (null: unlimited)' }),
    expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'When the key stops working (null: never)' }),
    previousValidUntil: Type.Union([Type.String(), Type.Null()], {
      description: "While a rotation's grace window runs, when the previous value stops working",
    }),
    allowedNetworks: Type.Array(Type.String(), { description: 'CIDR ranges requests must come from (empty: anywhere)' }),
    allowedOrigins: Type.Array(Type.String(), { description: 'Origins browser requests must come from (empty: any)' }),
  },
  { additionalProperties: false },
);
const KeyBody = Type.Object(
  {
    name: Type.Optional(Type.Unknown()),
    rules: Type.Optional(Type.Unknown()),
    requestLimit: Type.Optional(Type.Unknown()),
    expiresAt: Type.Optional(Type.Unknown()),
    allowedNetworks: Type.Optional(Type.Unknown()),
    allowedOrigins: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);
const LIST = panelContract('Every key the session may see', { response: { 200: Type.Array(Key) } });
const CREATE = panelContract('Create a user-defined key', { body: KeyBody, response: { 200: Key } });
const UPDATE = panelContract('Rename a key, change its rules, limits or expiry', {
  params: IdParams,
  body: KeyBody,
  response: { 200: Key },
});
const REGENERATE = panelContract("Replace a key's value, optionally keeping the old one for a grace window", {
  params: IdParams,
  body: Type.Unknown({ description: '{"graceMinutes": 0 to 10080} (optional; 0, the default, revokes the old value at once)' }),
  response: { 200: Key },
});
const END_GRACE = panelContract("End a rotation's grace window now: the previous value stops working", {
  params: IdParams,
  body: IgnoredBody,
  response: { 200: Key },
});
const REGENERATE_ALL = panelContract('Emergency rotation: a new value for every key at once (the password again)', {
  body: Type.Object({ password: Type.Optional(Type.Unknown()) }),
  response: { 200: Type.Array(Key) },
});
const REMOVE = panelContract('Remove a user-defined key', { params: IdParams, response: { 204: NoContent } });
const EVENT = panelContract('Record that a person revealed, copied or showed a key', {
  params: IdParams,
  body: Type.Object({ action: Type.Optional(Type.Unknown()) }),
  response: { 204: NoContent },
});
/** An ISO 8601 date-time with a time zone, as `toISOString()` writes it (seconds and fractions optional). */
const ISO_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const AUDIT = panelContract('The audit trail, newest first: a page of the entries matching every filter given', {
  querystring: Type.Object({
    limit: Integer({ minimum: 1, maximum: 1000, default: 100 }),
    before: Type.Optional(
      Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Entries older than this entry id (the next page)' }),
    ),
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 320, description: 'Who acted: an e-mail address, system or anonymous' }),
    ),
    kind: Type.Optional(
      Type.Union(
        AUDIT_KINDS.map((k) => Type.Literal(k)),
        { description: 'What the events are about' },
      ),
    ),
    action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
    subject: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The id of the key or user the events are about' }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time', pattern: ISO_DATE_TIME, description: 'From this time (inclusive)' })),
    to: Type.Optional(Type.String({ format: 'date-time', pattern: ISO_DATE_TIME, description: 'Until this time (exclusive)' })),
  }),
  response: { 200: Type.Array(AnyObject('An entry: id, at, actor, action, key, details')) },
});

const Usage = Type.Object({
  days: Type.Array(
    Type.Object({
      date: Type.String({ description: 'A UTC day, YYYY-MM-DD' }),
      counts: Type.Array(Type.Object({ ctdName: Type.String(), action: Type.String(), count: Type.Integer() })),
    }),
  ),
  suggestions: Type.Array(Type.Object({ ctdName: Type.String(), grant: Type.String(), reason: Type.String() })),
});
const USAGE = panelContract("A key's requests per day, content type and action, and what they suggest", {
  params: IdParams,
  querystring: Type.Object({ days: Integer({ minimum: 1, maximum: KEEP_DAYS, default: 30 }) }),
  response: { 200: Usage },
});

const sameRules = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields of a key the audit trail records besides its name and rules. */
const limitsOf = (k: ApiKeyView) => ({
  requestLimit: k.requestLimit,
  expiresAt: k.expiresAt,
  allowedNetworks: k.allowedNetworks,
  allowedOrigins: k.allowedOrigins,
});

/** `graceMinutes` of a regenerate body (absent or no body: 0); anything but a whole number in range is a 400. */
function graceOf(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('The body must be a JSON object');
  const v = Object.hasOwn(body, 'graceMinutes') ? (body as { graceMinutes: unknown }).graceMinutes : undefined;
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_GRACE_MINUTES) {
    throw errors.validation({ graceMinutes: [`Must be a whole number of minutes from 0 to ${MAX_GRACE_MINUTES} (7 days)`] });
  }
  return v;
}

/** The Panel's key endpoints (api-keys.md contract) and the audit trail. Session principals only. */
export function panelKeysRoutes(
  app: FastifyInstance,
  keys: ApiKeysService,
  audit: AuditService,
  users: UsersService,
  usage: KeyUsageService,
): void {
  /** Wrong passwords for "Regenerate all keys", per user: 5 per 15 minutes, then a wait. */
  const passwordFailures = new RateLimiter(5, 15 * 60_000);
  app.get('/panel/api/keys', { config: session, schema: LIST }, async (req, reply) => {
    noStore(reply);
    return keys.list(principalOf(req));
  });

  app.post('/panel/api/keys', { config: sessionJson, schema: CREATE }, async (req, reply) => {
    const p = principalOf(req);
    const body = (req.body ?? {}) as KeyInput;
    const input = await keys.validate(body, true);
    const created = await keys.createUserDefined(p, input.name!, input.rules!, body);
    await audit.record(p, 'key.created', created, { rules: created.rules, ...limitsOf(created) });
    noStore(reply);
    return created;
  });

  app.put<Id>('/panel/api/keys/:id', { config: sessionJson, schema: UPDATE }, async (req, reply) => {
    const p = principalOf(req);
    const { view, before } = await keys.update(p, req.params.id, (req.body ?? {}) as KeyInput);
    if (!sameRules(before.rules, view.rules))
      await audit.record(p, 'key.rules-changed', view, { before: before.rules, after: view.rules });
    const changed = Object.fromEntries(
      Object.entries({ name: view.name, ...limitsOf(view) }).filter(
        ([field, value]) => JSON.stringify(value) !== JSON.stringify(before[field as keyof ApiKeyView]),
      ),
    );
    if (Object.keys(changed).length > 0) {
      const was = Object.fromEntries(Object.keys(changed).map((f) => [f, before[f as keyof ApiKeyView]]));
      await audit.record(p, 'key.updated', view, { ...changed, before: was });
    }
    noStore(reply);
    return view;
  });

  app.post<Id>('/panel/api/keys/:id/regenerate', { config: session, schema: REGENERATE }, async (req, reply) => {
    const p = principalOf(req);
    const graceMinutes = graceOf(req.body);
    const view = await keys.regenerate(p, req.params.id, graceMinutes);
    await audit.record(p, 'key.regenerated', view, { graceMinutes, previousValidUntil: view.previousValidUntil });
    noStore(reply);
    return view;
  });

  app.delete<Id>('/panel/api/keys/:id/previous', { config: session, schema: END_GRACE }, async (req, reply) => {
    const p = principalOf(req);
    const { view, before } = await keys.endGrace(p, req.params.id);
    await audit.record(p, 'key.grace-ended', view, { previousValidUntil: before.previousValidUntil });
    noStore(reply);
    return view;
  });

  app.post('/panel/api/keys/regenerate-all', { config: sessionJson, schema: REGENERATE_ALL }, async (req, reply) => {
    const p = principalOf(req);
    // policy first: a role that may not regenerate every key is refused whatever password it sends
    if (p.kind !== 'user' || !canManageApplicationKeys(p)) throw errors.forbidden();
    const wait = passwordFailures.retryAfter(p.userId);
    if (wait > 0) throw errors.tooManyRequests(wait);
    const password = (req.body as { password?: unknown } | undefined)?.password;
    if (!(await users.verifyCredentials(p.email, password))) {
      passwordFailures.hit(p.userId);
      throw errors.validation({ password: ['The password is not correct'] });
    }
    const all = await keys.regenerateAll(p);
    await audit.record(p, 'keys.regenerated-all', null, { keys: all.map((k) => ({ id: k.id, name: k.name })) });
    for (const k of all) await audit.record(p, 'key.regenerated', k, { graceMinutes: 0, all: true });
    noStore(reply);
    return all;
  });

  app.delete<Id>('/panel/api/keys/:id', { config: session, schema: REMOVE }, async (req, reply) => {
    const p = principalOf(req);
    const removed = await keys.remove(p, req.params.id);
    await audit.record(p, 'key.removed', removed);
    return reply.code(204).send();
  });

  app.get<Id & { Querystring: { days: number } }>(
    '/panel/api/keys/:id/usage',
    { config: session, schema: USAGE },
    async (req) => {
      const p = principalOf(req);
      const key = await keys.get(p, req.params.id);
      return usage.usage(p, { ...key, createdMs: Date.parse(key.createdAt) }, req.query.days);
    },
  );

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

  app.get<{ Querystring: AuditQuery }>('/panel/api/audit', { config: session, schema: AUDIT }, async (req, reply) => {
    noStore(reply);
    return audit.list(principalOf(req), req.query);
  });
}
