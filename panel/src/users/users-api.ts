import { request } from '../api/http.js';
import type { SessionInfo } from '../api/types.js';

export type Capability = 'content-types' | 'keys' | 'webhooks' | 'users';
export const CAPABILITIES: { id: Capability; label: string }[] = [
  { id: 'content-types', label: 'Manage content types' },
  { id: 'keys', label: 'Manage API keys' },
  { id: 'webhooks', label: 'Manage webhooks' },
  { id: 'users', label: 'Manage users' },
];

export interface Rule {
  ctdName: string;
  canRead: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  canPreview?: boolean;
  canPublish?: boolean;
}

export interface Role {
  id: string;
  name: string;
  predefined: boolean;
  everyType: null | { internal: boolean; grants: Omit<Rule, 'ctdName'> };
  rules: Rule[];
  capabilities: Capability[];
}

export interface TeamUser {
  id: string;
  email: string;
  name: string;
  roleId: string;
  disabled: boolean;
  createdAt: string;
}

export interface SessionItem {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

/** The Panel's users, invitations, roles and sessions endpoints (issue 16's contract). */
export const usersApi = {
  list: () => request<TeamUser[]>('GET', '/users'),
  update: (id: string, change: { roleId?: string; disabled?: boolean }) =>
    request<TeamUser>('PUT', `/users/${encodeURIComponent(id)}`, change),
  remove: (id: string) => request<void>('DELETE', `/users/${encodeURIComponent(id)}`),
  endSessions: (id: string) => request<void>('DELETE', `/users/${encodeURIComponent(id)}/sessions`),
  invite: (email: string, roleId: string) =>
    request<{ url: string; expiresAt: string; sent?: boolean }>('POST', '/invitations', { email, roleId }),
  accept: (token: string, password: string) => request<SessionInfo>('POST', '/invitations/accept', { token, password }),
  roles: () => request<Role[]>('GET', '/roles'),
  createRole: (r: { name: string; rules: Rule[]; capabilities: Capability[] }) => request<Role>('POST', '/roles', r),
  updateRole: (id: string, r: { name: string; rules: Rule[]; capabilities: Capability[] }) =>
    request<Role>('PUT', `/roles/${encodeURIComponent(id)}`, r),
  removeRole: (id: string) => request<void>('DELETE', `/roles/${encodeURIComponent(id)}`),
  mySessions: () => request<SessionItem[]>('GET', '/sessions'),
  endMySession: (id: string) => request<void>('DELETE', `/sessions/${encodeURIComponent(id)}`),
  changePassword: (password: string, newPassword: string) =>
    request<void>('POST', '/session/password', { password, newPassword }),
};
