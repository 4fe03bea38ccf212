import { request } from '../api/http.js';
import type { AuditEntry } from '../api/types.js';

export const AUDIT_KINDS = [
  { id: 'key', label: 'API keys' },
  { id: 'webhook', label: 'Webhooks' },
  { id: 'user', label: 'Users and invitations' },
  { id: 'role', label: 'Roles' },
  { id: 'session', label: 'Sign-ins and sessions' },
  { id: 'object', label: 'Restored versions' },
] as const;

export interface AuditFilters {
  actor?: string;
  kind?: string;
  /** ISO date-times: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
}

export type AuditRecord = AuditEntry;

/** The query string of a page of the audit trail: the filters that are set, the page size, and where it starts. */
export function auditQuery(f: AuditFilters, limit: number, before?: number): string {
  const q = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v.trim() !== '') q.set(k, v.trim());
  if (before !== undefined) q.set('before', String(before));
  return q.toString();
}

export const auditApi = {
  list: (f: AuditFilters, limit: number, before?: number) =>
    request<AuditRecord[]>('GET', `/audit?${auditQuery(f, limit, before)}`),
};
