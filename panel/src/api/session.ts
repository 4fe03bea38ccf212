import { request } from './http.js';
import type { SessionInfo } from './types.js';

export const sessionApi = {
  current: () => request<SessionInfo>('GET', '/session', undefined, { quiet401: true }),
  signIn: (email: string, password: string) => request<SessionInfo>('POST', '/session', { email, password }, { quiet401: true }),
  signOut: () => request<void>('DELETE', '/session', undefined, { quiet401: true }),
  setupNeeded: () => request<{ needed: boolean }>('GET', '/setup'),
  completeSetup: (token: string, email: string, password: string) =>
    request<SessionInfo>('POST', '/setup', { token, email, password }),
};
