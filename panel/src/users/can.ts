import type { KeyRule } from '../api/types.js';
import type { Session } from '../app/session.js';

/** What the signed-in user's role may do, for hiding what it cannot (the server refuses it anyway). */
export function can(s: Pick<Session, 'role'>, capability: 'content-types' | 'keys' | 'webhooks' | 'users'): boolean {
  // an older server answers no role: its only users are administrators
  return !s.role || s.role.capabilities.includes(capability);
}

export type Grant = keyof Omit<KeyRule, 'ctdName'>;

/** Internal types that count as content for a predefined role's every-type grants (Editor, Author). */
const CONTENT_INTERNAL = new Set(['_media', '_tag']);

/**
 * May the role do `grant` on objects of `type`, as decision 0021 describes it (webhooks only with the webhooks
 * capability; a predefined role's every-type grants; else a custom role's rule on the type)? The Panel hides a
 * button the answer is no for; the server is what refuses.
 */
export function may(s: Pick<Session, 'role'>, grant: Grant, type: string): boolean {
  const role = s.role;
  if (!role) return true;
  const every = role.everyType;
  if (type === '_webhooks') return role.capabilities.includes('webhooks') && (!every || every.grants[grant] === true);
  if (every && (every.internal || !type.startsWith('_') || CONTENT_INTERNAL.has(type))) return every.grants[grant] === true;
  return role.rules?.find((r) => r.ctdName === type)?.[grant] === true;
}
