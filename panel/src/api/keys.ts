import { request } from './http.js';
import type { ApiKey, AuditEntry, KeyRule } from './types.js';

export type KeyEvent = 'revealed' | 'copied' | 'qr-shown';

const id = (keyId: string) => `/keys/${encodeURIComponent(keyId)}`;

export const keysApi = {
  list: () => request<ApiKey[]>('GET', '/keys'),
  create: (name: string, rules: KeyRule[]) => request<ApiKey>('POST', '/keys', { name, rules }),
  update: (keyId: string, name: string, rules: KeyRule[]) => request<ApiKey>('PUT', id(keyId), { name, rules }),
  regenerate: (keyId: string) => request<ApiKey>('POST', `${id(keyId)}/regenerate`),
  remove: (keyId: string) => request<void>('DELETE', id(keyId)),
  /** Tells the audit trail that a person revealed, copied or showed the QR code of a key. */
  record: (keyId: string, action: KeyEvent) => request<void>('POST', `${id(keyId)}/events`, { action }),
  audit: (limit = 20) => request<AuditEntry[]>('GET', `/audit?limit=${limit}`),
};
