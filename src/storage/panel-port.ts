/** Rows of the Panel's own tables: users, sessions, the audit trail. */
export interface StoredUser {
  id: string;
  email: string;
  passwordHash: string;
  name: string;
  createdMs: number;
  updatedMs: number;
}

export interface StoredSession {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdMs: number;
  expiresMs: number;
}

export interface AuditEvent {
  seq?: number;
  atMs: number;
  actor: string;
  action: string;
  keyId: string | null;
  keyName: string | null;
  detail: string;
}

/** The part of the storage port that serves the Panel (users, sessions, audit). */
export interface PanelStore {
  countUsers(): Promise<number>;
  insertUser(u: StoredUser): Promise<void>;
  getUserByEmail(email: string): Promise<StoredUser | undefined>;
  getUser(id: string): Promise<StoredUser | undefined>;
  /** Sets a new password hash and ends the user's sessions; false when there is no such user. */
  updateUserPassword(id: string, passwordHash: string, updatedMs: number): Promise<boolean>;
  insertSession(s: StoredSession): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<void>;
  insertAudit(e: AuditEvent): Promise<void>;
  listAudit(limit: number, beforeSeq?: number): Promise<AuditEvent[]>;
}
