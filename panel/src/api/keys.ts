import { request } from './http.js';
import type { ApiKey, AuditEntry, KeyLimits, KeyRule, KeyUsage } from './types.js';

export type KeyEvent = 'revealed' | 'copied' | 'qr-shown';

const id = (keyId: string) => `/keys/${encodeURIComponent(keyId)}`;

export const keysApi = {
  list: () => request<ApiKey[]>('GET', '/keys'),
  create: (name: string, rules: KeyRule[], limits?: KeyLimits) => request<ApiKey>('POST', '/keys', { name, rules, ...limits }),
  update: (keyId: string, name: string, rules: KeyRule[], limits?: KeyLimits) =>
    request<ApiKey>('PUT', id(keyId), { name, rules, ...limits }),
  /** Limits of an application key (they have no rules and never expire). */
  updateLimits: (keyId: string, limits: Omit<KeyLimits, 'expiresAt'>) => request<ApiKey>('PUT', id(keyId), limits),
  /** A new value; with graceMinutes > 0 the old value keeps working until the window ends. */
  regenerate: (keyId: string, graceMinutes = 0) => request<ApiKey>('POST', `${id(keyId)}/regenerate`, { graceMinutes }),
  /** "End now": the previous value of a rotation stops working. */
  endGrace: (keyId: string) => request<ApiKey>('DELETE', `${id(keyId)}/previous`),
  /** Emergency rotation of every key; the answer lists the new values. */
  regenerateAll: (password: string) => request<ApiKey[]>('POST', '/keys/regenerate-all', { password }),
  remove: (keyId: string) => request<void>('DELETE', id(keyId)),
  /** Requests per day, type and action over the last `days` days, and what they suggest. */
  usage: (keyId: string, days = 30) => request<KeyUsage>('GET', `${id(keyId)}/usage?days=${days}`),
  /** Tells the audit trail that a person revealed, copied or showed the QR code of a key. */
  record: (keyId: string, action: KeyEvent) => request<void>('POST', `${id(keyId)}/events`, { action }),
  /** The latest key events of the audit trail. */
  audit: (limit = 20) => request<AuditEntry[]>('GET', `/audit?limit=${limit}&kind=key`),
};
