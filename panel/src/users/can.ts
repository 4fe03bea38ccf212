import type { Session } from '../app/session.js';

/** What the signed-in user's role may do, for hiding what it cannot (the server refuses it anyway). */
export function can(s: Pick<Session, 'role'>, capability: 'content-types' | 'keys' | 'webhooks' | 'users'): boolean {
  // an older server answers no role: its only users are administrators
  return !s.role || s.role.capabilities.includes(capability);
}
