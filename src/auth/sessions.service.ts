import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';
import type { UsersService, UserView } from './users.service.js';

export const SESSION_COOKIE = 'flotilla_session';
const SESSION_MS = 12 * 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
    const user = await this.users.get(s.userId);
    if (!user) return undefined;
    return {
      user,
      csrfToken: s.csrfToken,
      tokenHash,
      principal: Object.freeze({ kind: 'user' as const, userId: user.id, email: user.email }),
    };
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
