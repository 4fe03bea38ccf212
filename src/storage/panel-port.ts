/** Rows of the Panel's own tables: users, sessions, the audit trail. */
export interface StoredUser {
  id: string;
  email: string;
  passwordHash: string;
  name: string;
  createdMs: number;
  updatedMs: number;
  /** A predefined role id (`administrator`, …) or a custom role's id. */
  roleId: string;
  disabled: boolean;
}

/** A custom role (predefined ones live in code): its rules and capabilities as JSON text. */
export interface StoredRole {
  id: string;
  name: string;
  rules: string;
  capabilities: string;
  createdMs: number;
  updatedMs: number;
}

/** An invitation: only the SHA-256 of its one-time token is kept. */
export interface StoredInvitation {
  tokenHash: string;
  email: string;
  roleId: string;
  createdBy: string;
  createdMs: number;
  expiresMs: number;
  usedMs: number | null;
}

export interface StoredSession {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdMs: number;
  expiresMs: number;
}

/** What an audit listing is narrowed to (every field optional; all given ones apply). */
export interface AuditFilter {
  actor?: string;
  /** The entry's action is one of these. */
  actions?: readonly string[];
  /** The id of the key or user the entry is about. */
  subjectId?: string;
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
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
  listUsers(): Promise<StoredUser[]>;
  /** Changes a user's role and disabled flag; false when there is no such user. Callers hold lockUsers(). */
  updateUserAccess(id: string, roleId: string, disabled: boolean, updatedMs: number): Promise<boolean>;
  /** Deletes a user and their sessions; false when there is no such user. */
  deleteUser(id: string): Promise<boolean>;
  /** Active (not disabled) users with this role, other than `exceptId`. */
  countActiveWithRole(roleId: string, exceptId: string): Promise<number>;
  countUsersWithRole(roleId: string): Promise<number>;
  /**
   * Serialises changes to users' roles within a transaction (a row written first: concurrent transactions on
   * PostgreSQL wait for each other here, so "the last administrator" is counted after the other's commit).
   */
  lockUsers(nowMs: number): Promise<void>;
  listRoles(): Promise<StoredRole[]>;
  getRole(id: string): Promise<StoredRole | undefined>;
  insertRole(r: StoredRole): Promise<void>;
  updateRole(r: StoredRole): Promise<boolean>;
  deleteRole(id: string): Promise<boolean>;
  insertInvitation(i: StoredInvitation): Promise<void>;
  getInvitation(tokenHash: string): Promise<StoredInvitation | undefined>;
  /** Marks an unused, unexpired invitation used; true for exactly one of concurrent callers. */
  useInvitation(tokenHash: string, nowMs: number): Promise<boolean>;
  insertSession(s: StoredSession): Promise<void>;
  listSessions(userId: string): Promise<StoredSession[]>;
  deleteUserSessions(userId: string): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<void>;
  insertAudit(e: AuditEvent): Promise<void>;
  /** Newest first, before `beforeSeq` (keyset pages), narrowed by `filter`. */
  listAudit(limit: number, beforeSeq?: number, filter?: AuditFilter): Promise<AuditEvent[]>;
}
