import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';
import { canManageUsers } from '../access/policy.js';
import { errors } from '../core/errors.js';
import { loadRole, type UsersService, type UserView } from './users.service.js';

export const SESSION_COOKIE = 'flotilla_session';
const SESSION_MS = 12 * 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface SessionView {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

/** A session's public id: a prefix of its token's hash (which is itself no credential). */
export const sessionId = (tokenHash: string) => tokenHash.slice(0, 24);

export interface ActiveSession {
  user: UserView;
  csrfToken: string;
  principal: Principal & { kind: 'user' };
  tokenHash: string;
}

/**
 * Panel sessions. The cookie holds a random token; the database holds only its SHA-256, so a dump cannot be
 * replayed. Every lookup reads the database, so a logout ends the session on every node at once.
 */
export class SessionsService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  /** Starts a new session (a fresh token at every login); returns the cookie value and the CSRF token. */
  async start(user: UserView): Promise<{ token: string; csrfToken: string; maxAgeSeconds: number }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    await this.storage.panel.deleteExpiredSessions(now);
    await this.storage.panel.insertSession({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken,
      createdMs: now,
      expiresMs: now + SESSION_MS,
    });
    return { token, csrfToken, maxAgeSeconds: SESSION_MS / 1000 };
  }

  async resolve(token: string | undefined): Promise<ActiveSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const tokenHash = sha256(token);
    const s = await this.storage.panel.getSession(tokenHash);
    if (!s || s.expiresMs <= this.clock.now()) return undefined;
    // the user and their role are read on every request: a role change or a disabling holds from the next request,
    // on every node (decision 0021)
    const user = await this.users.get(s.userId);
    if (!user || user.disabled) return undefined;
    const role = await loadRole(this.storage, user.roleId);
    return {
      user,
      csrfToken: s.csrfToken,
      tokenHash,
      principal: Object.freeze({ kind: 'user' as const, userId: user.id, email: user.email, role }),
    };
  }

  /** A user's sessions (the caller's own, or anyone's for users managers); ids are a prefix of the token's hash. */
  async list(p: Principal, userId: string, currentHash?: string): Promise<SessionView[]> {
    this.assertMayAct(p, userId);
    const now = this.clock.now();
    return (await this.storage.panel.listSessions(userId))
      .filter((s) => s.expiresMs > now)
      .map((s) => ({
        id: sessionId(s.tokenHash),
        createdAt: new Date(s.createdMs).toISOString(),
        expiresAt: new Date(s.expiresMs).toISOString(),
        current: s.tokenHash === currentHash,
      }));
  }

  /** Ends one session of a user (by id), or all of them (`id` undefined); false when there was no such session. */
  async endFor(p: Principal, userId: string, id?: string): Promise<boolean> {
    this.assertMayAct(p, userId);
    if (id === undefined) {
      await this.storage.panel.deleteUserSessions(userId);
      return true;
    }
    const s = (await this.storage.panel.listSessions(userId)).find((x) => sessionId(x.tokenHash) === id);
    if (!s) return false;
    await this.storage.panel.deleteSession(s.tokenHash);
    return true;
  }

  private assertMayAct(p: Principal, userId: string): void {
    if (!(p.kind === 'user' && p.userId === userId) && !canManageUsers(p)) throw errors.forbidden();
  }

  async end(token: string | undefined): Promise<void> {
    if (token) await this.storage.panel.deleteSession(sha256(token));
  }

  /** Constant-time CSRF check. */
  csrfMatches(session: ActiveSession, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(session.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
