import { createHash, randomBytes } from 'node:crypto';
import { canManageUsers } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';
import type { UsersService, UserView } from './users.service.js';

/** How long an invitation link works. */
export const INVITATION_MS = 7 * 24 * 3600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Invitations: a one-time link (its token's SHA-256 only is stored) that lets its holder create their account with
 * the role the inviter chose. Single use even under concurrent use, on one node or several: the conditional update
 * that marks it used and the insert of the user are one transaction, and only one update can find it unused.
 */
export class InvitationsService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async create(
    p: Principal,
    body: { email?: unknown; roleId?: unknown },
    baseUrl: string,
  ): Promise<{ url: string; expiresAt: string }> {
    if (!canManageUsers(p)) throw errors.forbidden();
    if (typeof body.email !== 'string' || body.email.length > 254 || !EMAIL.test(body.email))
      throw errors.validation({ email: ['A valid e-mail address is required'] });
    await this.users.assertGivable(p, body.roleId);
    if (await this.storage.panel.getUserByEmail(body.email)) throw errors.validation({ email: ['This value is already used'] });
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresMs = now + INVITATION_MS;
    await this.storage.panel.insertInvitation({
      tokenHash: sha256(token),
      email: body.email,
      roleId: body.roleId as string,
      createdBy: p.kind === 'user' ? p.userId : p.kind,
      createdMs: now,
      expiresMs,
      usedMs: null,
    });
    return { url: `${baseUrl.replace(/\/+$/, '')}/invite#token=${token}`, expiresAt: new Date(expiresMs).toISOString() };
  }

  /** Creates the invited user with the password they chose; 403 for an unknown, used or expired token. */
  async accept(token: unknown, password: unknown): Promise<{ user: UserView; roleId: string }> {
    if (typeof token !== 'string' || token.length > 100) throw errors.forbidden();
    const tokenHash = sha256(token);
    const inv = await this.storage.panel.getInvitation(tokenHash);
    // checked before the (slow) password hash: a wrong or spent token costs nothing
    if (!inv || inv.usedMs !== null || inv.expiresMs <= this.clock.now()) throw errors.forbidden();
    const user = await this.users.prepare(inv.email, password, inv.email.split('@')[0], inv.roleId).catch(async (e: unknown) => {
      // a concurrent accept of the same invitation may have made the user meanwhile: a spent token, as for the others
      const now = await this.storage.panel.getInvitation(tokenHash);
      throw now && now.usedMs !== null ? errors.forbidden() : e;
    });
    await this.storage.transaction(async (tx) => {
      if (!(await tx.panel.useInvitation(tokenHash, this.clock.now()))) throw errors.forbidden();
      if (await tx.panel.getUserByEmail(inv.email)) throw errors.validation({ email: ['This value is already used'] });
      await tx.panel.insertUser(user);
    });
    return { user: this.users.view(user), roleId: inv.roleId };
  }
}
