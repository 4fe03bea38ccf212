import { createContext, useContext } from 'react';
import type { SessionInfo, User } from '../api/types.js';

export interface Session {
  user: User;
  role?: SessionInfo['role'];
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The signed-in user (only inside the signed-in part of the Panel). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a session');
  return s;
}
