import type { RoutePermission } from '../../src/access/route-permissions.js';
import type { KeyRule } from '../../src/core/principal.js';

/**
 * Issue 16's role table and decision 0021, in the tests' own words and independently of src/auth/roles.ts and
 * src/access/policy.ts: the session matrix checks every answer a Panel session gets against it.
 */
export type SpecGrant = 'canRead' | 'canCreate' | 'canUpdate' | 'canDelete' | 'canPreview' | 'canPublish';
export type SpecCapability = 'content-types' | 'keys' | 'webhooks' | 'users';

export interface SpecRole {
  /** Administrator: everything, application keys included. */
  administrator?: true;
  /** Grants on every content type, present and future, and on media (`_media`, `_tag`); `internal`: on every internal type. */
  every?: { grants: SpecGrant[]; internal: boolean };
  /** A custom role's per-type rules, shaped like a user-defined key's. */
  rules: Partial<KeyRule>[];
  capabilities: SpecCapability[];
}

const ALL: SpecGrant[] = ['canRead', 'canCreate', 'canUpdate', 'canDelete', 'canPreview', 'canPublish'];

export const ROLE_TABLE = {
  // "Administrator (everything)"
  administrator: {
    administrator: true,
    every: { grants: ALL, internal: true },
    rules: [],
    capabilities: ['content-types', 'keys', 'webhooks', 'users'],
  },
  // "Developer (content types, content, media, webhooks; no users, no keys)"
  developer: { every: { grants: ALL, internal: true }, rules: [], capabilities: ['content-types', 'webhooks'] },
  // "Editor (content and media of every type, publish)"
  editor: { every: { grants: ALL, internal: false }, rules: [], capabilities: [] },
  // "Author (create and update content, no delete, no publish)" — and read and preview what it writes
  author: {
    every: { grants: ['canRead', 'canCreate', 'canUpdate', 'canPreview'], internal: false },
    rules: [],
    capabilities: [],
  },
} as const satisfies Record<string, SpecRole>;

/** May the role do `grant` on objects of `type`? Webhooks (`_webhooks`) only with the webhooks capability. */
export function roleMay(role: SpecRole, grant: SpecGrant, type: string): boolean {
  if (type === '_webhooks') return role.capabilities.includes('webhooks');
  const content = !type.startsWith('_') || type === '_media' || type === '_tag';
  if (role.every && (content || role.every.internal)) return role.every.grants.includes(grant);
  return role.rules.find((r) => r.ctdName === type)?.[grant] === true;
}

/** What a Panel-only route asks of the session's role; a list asks for all of its parts. */
export type SessionRequirement =
  'signed-in' | 'administrator' | 'audit' | { capability: SpecCapability } | { grant: SpecGrant } | SessionRequirement[];

/** May `role` call a Panel-only route requiring `req` (on `type` where the request names one)? */
export function sessionAllowedBySpec(req: SessionRequirement, role: SpecRole, type?: string): boolean {
  if (Array.isArray(req)) return req.every((r) => sessionAllowedBySpec(r, role, type));
  if (req === 'signed-in') return true;
  if (req === 'administrator') return role.administrator === true;
  // the audit trail: whoever manages keys or users
  if (req === 'audit') return role.capabilities.includes('keys') || role.capabilities.includes('users');
  if ('capability' in req) return role.capabilities.includes(req.capability);
  if (type === undefined) throw new Error('a grant needs a type');
  return roleMay(role, req.grant, type);
}

/**
 * May `role` call the Panel's mount of an API route declaring `permission` (on `type`)? The role stands where a
 * key's rules stand; definitions: every type for the predefined roles and content-type managers, else the types
 * a rule names; writing them needs the content-types capability.
 */
export function mountedAllowedBySpec(permission: RoutePermission, role: SpecRole, type: string): boolean {
  const may = (g: SpecGrant, on = type) => roleMay(role, g, on);
  switch (permission) {
    case 'ctd-list':
      return true;
    case 'ctd-read':
      return (
        role.capabilities.includes('content-types') || role.every !== undefined || role.rules.some((r) => r.ctdName === type)
      );
    case 'ctd-write':
      return role.capabilities.includes('content-types');
    case 'objects-read':
    case 'objects-removed':
      return may('canRead');
    case 'objects-create':
    case 'objects-upsert':
      return may('canCreate');
    case 'objects-update':
      return may('canUpdate');
    case 'objects-delete':
      return may('canDelete');
    case 'objects-duplicate':
      return may('canCreate') && may('canRead');
    case 'objects-publish':
      return may('canPublish');
    case 'media-create':
      return may('canCreate', '_media');
    default:
      throw new Error(`no specification of ${permission} for a Panel session`);
  }
}
