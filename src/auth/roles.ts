import { ALL_GRANTS, CAPABILITIES, type Capability, type KeyRule, type UserRole } from '../core/principal.js';

/** The ids of the predefined roles (fixed, part of the Panel's contract). */
export const PREDEFINED_ROLE_IDS = ['administrator', 'developer', 'editor', 'author'] as const;
export type PredefinedRoleId = (typeof PREDEFINED_ROLE_IDS)[number];

const freeze = (r: UserRole): UserRole =>
  Object.freeze({ ...r, rules: Object.freeze([...r.rules]), capabilities: Object.freeze([...r.capabilities]) });

/**
 * The predefined roles (issue 16's role table): Administrator — everything; Developer — content types, content,
 * media and webhooks, no users, no keys; Editor — content and media of every type, publish; Author — create and
 * update content (read and preview it), no delete, no publish.
 */
export const PREDEFINED_ROLES: Readonly<Record<PredefinedRoleId, UserRole>> = Object.freeze({
  administrator: freeze({
    id: 'administrator',
    name: 'Administrator',
    every: { grants: ALL_GRANTS, internal: true },
    rules: [],
    capabilities: [...CAPABILITIES],
  }),
  developer: freeze({
    id: 'developer',
    name: 'Developer',
    every: { grants: ALL_GRANTS, internal: true },
    rules: [],
    capabilities: ['content-types', 'webhooks'],
  }),
  editor: freeze({
    id: 'editor',
    name: 'Editor',
    every: { grants: ALL_GRANTS, internal: false },
    rules: [],
    capabilities: [],
  }),
  author: freeze({
    id: 'author',
    name: 'Author',
    every: {
      grants: Object.freeze({
        canRead: true,
        canCreate: true,
        canUpdate: true,
        canDelete: false,
        canPreview: true,
        canPublish: false,
      }),
      internal: false,
    },
    rules: [],
    capabilities: [],
  }),
});

export function isPredefinedRoleId(id: unknown): id is PredefinedRoleId {
  return typeof id === 'string' && (PREDEFINED_ROLE_IDS as readonly string[]).includes(id);
}

export function isCapability(v: unknown): v is Capability {
  return typeof v === 'string' && (CAPABILITIES as readonly string[]).includes(v);
}

/** A custom role as stored (rules and capabilities as JSON text). */
export function customRole(id: string, name: string, rulesJson: string, capabilitiesJson: string): UserRole {
  const rules = (JSON.parse(rulesJson) as KeyRule[]).map((r) => Object.freeze({ ...r }));
  const capabilities = (JSON.parse(capabilitiesJson) as unknown[]).filter(isCapability);
  return freeze({ id, name, rules, capabilities });
}

/** A role that can do nothing (a user whose role was removed: signed in, refused everywhere). */
export const NO_ROLE: UserRole = freeze({ id: '', name: 'No role', rules: [], capabilities: [] });
