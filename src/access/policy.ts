import { ALL_GRANTS, type Capability, type Grants, type KeyRule, type Principal, type UserRole } from '../core/principal.js';
import type { RoutePermission } from './route-permissions.js';
import type { View } from '../storage/port.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { inNetworks } from '../auth/key-limits.js';

/**
 * THE ONLY DECIDER. Every access question of Flotilla is answered here, from the Principal alone; services ask
 * and then pass the answer (a scope) into storage. Nothing else compares key kinds or reads rules.
 */
export type ObjectAction = 'read' | 'create' | 'update' | 'delete';

/** Which content types an action is allowed on: all of them, or exactly these names. */
export type Scope = { readonly all: true } | { readonly all: false; readonly types: ReadonlySet<string> };

const ALL: Scope = Object.freeze({ all: true });

const GRANT: Record<ObjectAction, keyof Omit<KeyRule, 'ctdName'>> = {
  read: 'canRead',
  create: 'canCreate',
  update: 'canUpdate',
  delete: 'canDelete',
};

function ruleFor(p: Principal, type: string): KeyRule | undefined {
  return p.kind === 'api-key' ? p.rules.find((r) => r.ctdName === type) : undefined;
}

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Does a Panel user's role carry this capability? */
export function hasCapability(p: Principal, c: Capability): boolean {
  return p.kind === 'system' || (p.kind === 'user' && p.role.capabilities.includes(c));
}

/** The internal type a user reaches only through the `webhooks` capability. */
const WEBHOOKS = '_webhooks';
/** Internal types that count as content for the every-type grants of roles without `internal` (Editor, Author). */
const CONTENT_INTERNAL = new Set(['_media', '_tag']);

/**
 * What a Panel user's role grants on objects of `type`: `_webhooks` everything with the webhooks capability; else
 * the role's every-type grants where they cover the type; else its rule on the type (custom roles).
 */
function userGrants(p: UserPrincipal, type: string): Grants | undefined {
  const role = p.role;
  if (type === WEBHOOKS && role.capabilities.includes('webhooks')) return role.every?.grants ?? ALL_GRANTS;
  const every = role.every;
  if (every && type !== WEBHOOKS && (every.internal || !type.startsWith('_') || CONTENT_INTERNAL.has(type))) return every.grants;
  return role.rules.find((r) => r.ctdName === type);
}

/** May a user's role do everything its grants allow on every type (so a scope of "all" is exact)? */
function userCoversAll(p: UserPrincipal, grant: keyof Grants): boolean {
  const e = p.role.every;
  return e !== undefined && e.internal && e.grants[grant] === true && p.role.capabilities.includes('webhooks');
}

/** May the principal perform `action` on objects of `type`? */
export function canObjects(p: Principal, action: ObjectAction, type: string): boolean {
  switch (p.kind) {
    case 'system':
      return true;
    case 'user':
      return userGrants(p, type)?.[GRANT[action]] === true;
    case 'api-key':
      if (p.keyKind === 'read-write') return true;
      if (p.keyKind === 'read-only') return action === 'read';
      return ruleFor(p, type)?.[GRANT[action]] === true;
  }
}

/** The content types on whose objects `action` is allowed (passed into storage queries by the services). */
export function objectScope(p: Principal, action: ObjectAction): Scope {
  if (p.kind === 'user') {
    // every-type grants short of every type (Editor, Author) list only their explicit rules here: narrower, never wider
    if (userCoversAll(p, GRANT[action])) return ALL;
    return { all: false, types: new Set(p.role.rules.filter((r) => r[GRANT[action]]).map((r) => r.ctdName)) };
  }
  if (p.kind !== 'api-key' || p.keyKind === 'read-write') return ALL;
  if (p.keyKind === 'read-only') return action === 'read' ? ALL : { all: false, types: new Set() };
  return { all: false, types: new Set(p.rules.filter((r) => r[GRANT[action]]).map((r) => r.ctdName)) };
}

export function inScope(scope: Scope, type: string): boolean {
  return scope.all || scope.types.has(type);
}

/** May the principal read the definition of `type`? A user-defined key reads the CTDs it has any rule on. */
export function canReadDefinition(p: Principal, type: string): boolean {
  if (p.kind === 'user')
    return hasCapability(p, 'content-types') || p.role.every !== undefined || userGrants(p, type) !== undefined;
  if (p.kind !== 'api-key' || p.keyKind !== 'user-defined') return true;
  return ruleFor(p, type) !== undefined;
}

/** The content types whose definitions the principal may list. */
export function definitionScope(p: Principal): Scope {
  if (p.kind === 'user') {
    if (hasCapability(p, 'content-types') || p.role.every !== undefined) return ALL;
    const types = new Set(p.role.rules.map((r) => r.ctdName));
    if (hasCapability(p, 'webhooks')) types.add(WEBHOOKS);
    return { all: false, types };
  }
  if (p.kind !== 'api-key' || p.keyKind !== 'user-defined') return ALL;
  return { all: false, types: new Set(p.rules.map((r) => r.ctdName)) };
}

/** Create, change, delete or purge content type definitions: the read-write key and users whose role manages content types. */
export function canWriteDefinitions(p: Principal): boolean {
  return hasCapability(p, 'content-types') || (p.kind === 'api-key' && p.keyKind === 'read-write');
}

/** Upsert (`batch?updateExisting=true`) needs both create and update. */
export function canUpsert(p: Principal, type: string): boolean {
  return canObjects(p, 'create', type) && canObjects(p, 'update', type);
}

/** `removed` lists deletions: reading them needs read (and, for user-defined keys, delete as Flotiq documents). */
export function canListRemoved(p: Principal, type: string): boolean {
  if (p.kind === 'api-key' && p.keyKind === 'user-defined') return canObjects(p, 'read', type) && canObjects(p, 'delete', type);
  return canObjects(p, 'read', type);
}

/** Key management (list with values, create, change, regenerate, remove): users whose role manages keys, never a key. */
export function canManageKeys(p: Principal): boolean {
  return hasCapability(p, 'keys');
}

/** The application keys (read-only, read-write: everything) are seen and managed by administrators only. */
export function canManageApplicationKeys(p: Principal): boolean {
  return p.kind === 'system' || (p.kind === 'user' && p.role.id === 'administrator' && hasCapability(p, 'keys'));
}

/**
 * No escalation through keys: the rules of a key a user creates or changes must stay within the user's own grants.
 * Answers the types whose rule asks for more than the user may do (empty: the rules are within).
 */
export function rulesBeyond(p: Principal, rules: readonly KeyRule[]): string[] {
  if (p.kind === 'system') return [];
  if (p.kind !== 'user') return rules.map((r) => r.ctdName);
  const out: string[] = [];
  for (const r of rules) {
    const own = userGrants(p, r.ctdName);
    const wanted = (Object.keys(ALL_GRANTS) as (keyof Grants)[]).filter((g) => r[g] === true);
    if (wanted.some((g) => own?.[g] !== true)) out.push(r.ctdName);
  }
  return out;
}

/**
 * May the principal give `role` to someone (assign, invite, define)? Administrators may give any role; another user
 * managing users only a role within their own: not Administrator, no capability they lack, no grant they lack.
 */
export function roleWithin(p: Principal, role: UserRole): boolean {
  if (p.kind === 'system') return true;
  if (p.kind !== 'user') return false;
  if (p.role.id === 'administrator') return true;
  if (role.id === 'administrator') return false;
  if (role.capabilities.some((c) => !p.role.capabilities.includes(c))) return false;
  if (role.every) {
    const own = p.role.every;
    if (!own || (role.every.internal && !own.internal)) return false;
    if ((Object.keys(ALL_GRANTS) as (keyof Grants)[]).some((g) => role.every!.grants[g] === true && own.grants[g] !== true))
      return false;
  }
  return rulesBeyond(p, role.rules).length === 0;
}

/** Users, invitations and roles: users whose role manages users. */
export function canManageUsers(p: Principal): boolean {
  return hasCapability(p, 'users');
}

/** The audit trail: whoever manages keys or users (each sees the part about what they manage: readableAuditKinds). */
export function canReadAudit(p: Principal): boolean {
  return canManageKeys(p) || canManageUsers(p);
}

/**
 * Which kinds of audit entries the principal may read: administrators all; a role managing keys the key entries
 * (and webhook-secret entries when it may use webhooks); a role managing users the user, role and session entries
 * (sign-ins with their addresses among them). A keys-only manager does not see who signed in from where.
 */
export function readableAuditKinds(p: Principal): string[] {
  if (p.kind === 'system' || (p.kind === 'user' && p.role.id === 'administrator'))
    return ['key', 'webhook', 'user', 'role', 'session', 'object'];
  const kinds: string[] = [];
  if (canManageKeys(p)) kinds.push('key');
  if (canManageKeys(p) && canUseWebhooks(p, 'read')) kinds.push('webhook');
  if (canManageUsers(p)) kinds.push('user', 'role', 'session');
  return kinds;
}

/** The Panel's webhook operations (signing secret, execution log, test and Custom runs) on `_webhooks` objects. */
export function canUseWebhooks(p: Principal, action: 'read' | 'update'): boolean {
  return canObjects(p, action, '_webhooks');
}

/** May the principal read drafts of `type` (`X-MODE: preview`)? Panel users and the read-write key may. */
export function canPreview(p: Principal, type: string): boolean {
  switch (p.kind) {
    case 'system':
      return true;
    case 'user': {
      const g = userGrants(p, type);
      return g?.canRead === true && g.canPreview === true;
    }
    case 'api-key': {
      if (p.keyKind === 'read-write') return true;
      if (p.keyKind === 'read-only') return p.readOnlyPreview === true;
      const r = ruleFor(p, type);
      return r?.canRead === true && r.canPreview === true;
    }
  }
}

/** May the principal publish, unpublish and archive objects of `type`? */
export function canPublish(p: Principal, type: string): boolean {
  switch (p.kind) {
    case 'system':
      return true;
    case 'user':
      return userGrants(p, type)?.canPublish === true;
    case 'api-key':
      if (p.keyKind === 'read-write') return true;
      if (p.keyKind === 'read-only') return false;
      return ruleFor(p, type)?.canPublish === true;
  }
}

/**
 * May the principal ask for the preview at all? The read-only key is the one websites embed: it reads only what is
 * public, unless FLOTILLA_READONLY_PREVIEW lets it (sites that keep it server-side).
 */
export function mayAskPreview(p: Principal): boolean {
  return !(p.kind === 'api-key' && p.keyKind === 'read-only' && p.readOnlyPreview !== true);
}

/**
 * The view a read of `type` is made in: the preview when the request asked for it and the principal may preview
 * the type; the public view when it did not ask. Undefined: asked without the grant (the caller answers 403).
 * A type without Draft & Public (`draftPublic` false) has one view, so asking for a preview of it needs no grant
 * (its reads stay as they were before Draft & Public; the Panel offers canPreview only on D&P types).
 */
export function readView(p: Principal, type: string, draftPublic = true): View | undefined {
  if (p.kind === 'system' || p.mode !== 'preview') return 'public';
  if (!draftPublic) return 'public';
  return canPreview(p, type) ? 'preview' : undefined;
}

/** The view of a related object met while reading (hydration, GraphQL relations): never a 403, at worst public. */
export function relatedView(p: Principal, type: string): View {
  return readView(p, type) ?? 'public';
}

/** For reads over several types (search): the types read in preview; every other type is read in the public view. */
export function previewScope(p: Principal): 'all' | string[] {
  if (p.kind === 'system' || p.mode !== 'preview') return [];
  if (p.kind === 'user') {
    if (userCoversAll(p, 'canPreview')) return 'all';
    return p.role.rules.filter((r) => r.canRead && r.canPreview === true).map((r) => r.ctdName);
  }
  if (p.keyKind === 'read-write' || (p.keyKind === 'read-only' && p.readOnlyPreview === true)) return 'all';
  if (p.keyKind === 'read-only') return [];
  return p.rules.filter((r) => r.canRead && r.canPreview === true).map((r) => r.ctdName);
}

/**
 * Would a route declaring `permission` let the principal act, on `type` where the route names one? The services
 * decide each request with the functions above; this answers the same question ahead of a request, for the
 * OpenAPI document of a key (the permission-matrix and open-api tests hold the two in agreement).
 */
export function allowsRoute(p: Principal, permission: RoutePermission, type?: string): boolean {
  const on = (f: (t: string) => boolean) => type !== undefined && f(type);
  switch (permission) {
    case 'any-key':
    case 'ctd-list':
    case 'search':
    case 'graphql':
      return p.kind === 'api-key' || p.kind === 'system';
    case 'ctd-read':
      return on((t) => canReadDefinition(p, t));
    case 'ctd-write':
      return canWriteDefinitions(p) && (type === undefined || canReadDefinition(p, type));
    case 'objects-read':
      return on((t) => canObjects(p, 'read', t));
    case 'objects-create':
    case 'objects-upsert':
      return on((t) => canObjects(p, 'create', t));
    case 'objects-update':
      return on((t) => canObjects(p, 'update', t));
    case 'objects-delete':
      return on((t) => canObjects(p, 'delete', t));
    case 'objects-duplicate':
      return on((t) => canObjects(p, 'create', t) && canObjects(p, 'read', t));
    case 'objects-removed':
      return on((t) => canListRemoved(p, t));
    case 'objects-publish':
      return on((t) => canPublish(p, t));
    case 'media-create':
      return canObjects(p, 'create', '_media');
    case 'public':
      return true;
    case 'metrics':
    case 'panel-login':
    case 'panel-session':
      return false;
  }
}

/** Where a key may be used from (empty lists: anywhere, any origin). */
export interface ClientLimits {
  readonly allowedNetworks: readonly string[];
  readonly allowedOrigins: readonly string[];
}

/** Where a request comes from: its client address (after trusted proxies) and every `Origin` header it carries. */
export interface Client {
  readonly ip: string;
  readonly origins: readonly string[];
}

/**
 * Why a key may not be used by this client, or undefined when it may: its address must be in one of the key's
 * networks; when the key names origins, every `Origin` header the request carries must be one of them, exactly
 * as browsers write origins (no header: not a browser's cross-site request, allowed; `null` is never listed).
 */
export function clientRefusal(limits: ClientLimits, client: Client): 'network' | 'origin' | undefined {
  if (limits.allowedNetworks.length > 0 && !inNetworks(limits.allowedNetworks, client.ip)) return 'network';
  if (limits.allowedOrigins.length > 0 && client.origins.some((o) => !limits.allowedOrigins.includes(o))) return 'origin';
  return undefined;
}

/** Who may scrape `/metrics` (FLOTILLA_METRICS_TOKEN, FLOTILLA_METRICS_ALLOW; decision 0023). */
export interface MetricsAccess {
  readonly token: string | undefined;
  readonly allow: readonly string[];
}

/**
 * Why this client may not scrape the metrics, or undefined when it may: its address must be in the allowed networks
 * when some are set, and it must present the token when one is set (both when both are). Keys and sessions count
 * for nothing here. The token is compared in constant time (as digests, so its length does not show either).
 */
export function metricsRefusal(
  access: MetricsAccess,
  client: { readonly ip: string; readonly bearer: string | undefined },
): 'network' | 'token' | undefined {
  if (access.allow.length > 0 && !inNetworks(access.allow, client.ip)) return 'network';
  if (access.token !== undefined && (client.bearer === undefined || !sameSecret(client.bearer, access.token))) return 'token';
  if (access.token === undefined && access.allow.length === 0) return 'network';
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
