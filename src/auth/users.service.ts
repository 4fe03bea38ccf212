import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Clock } from '../core/clock.js';
import { addFieldError, errors, type FieldErrors } from '../core/errors.js';
import type { Principal, UserRole } from '../core/principal.js';
import { canManageUsers, roleWithin } from '../access/policy.js';
import type { Storage } from '../storage/port.js';
import type { StoredUser } from '../storage/panel-port.js';
import { customRole, isPredefinedRoleId, NO_ROLE, PREDEFINED_ROLES } from './roles.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  roleId: string;
  disabled: boolean;
  createdAt: string;
}

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The role of `roleId`: a predefined one, or a custom one read from storage (none: a role that can do nothing). */
export async function loadRole(storage: Storage, roleId: string): Promise<UserRole> {
  if (isPredefinedRoleId(roleId)) return PREDEFINED_ROLES[roleId];
  const r = await storage.panel.getRole(roleId);
  return r ? customRole(r.id, r.name, r.rules, r.capabilities) : NO_ROLE;
}

/** The principal of a user as stored now (its role read now): undefined for a disabled or unknown user. */
export async function userPrincipal(storage: Storage, userId: string): Promise<UserPrincipal | undefined> {
  const u = await storage.panel.getUser(userId);
  if (!u || u.disabled) return undefined;
  return Object.freeze({ kind: 'user' as const, userId: u.id, email: u.email, role: await loadRole(storage, u.roleId) });
}

const ARGON = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const SETUP_META = 'setup_token_sha256';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Panel users: argon2id passwords, the first administrator, the one-time setup token. */
export class UsersService {
  /** A valid hash of a random password: verifying against it makes "no such user" cost as much as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  /**
   * At start: creates the first administrator from configuration, or — when there is no user and no configured
   * administrator — returns a new one-time setup token (only its hash is stored) for main to print as a link.
   */
  /**
   * On a database without users: creates the administrator of FLOTILLA_ADMIN_EMAIL/PASSWORD (`created`), or else
   * stores a one-time setup token (`setupToken`). Nothing when users exist.
   */
  async bootstrap(
    adminEmail: string | undefined,
    adminPassword: string | undefined,
  ): Promise<{ setupToken?: string; created?: UserView }> {
    if ((await this.storage.panel.countUsers()) > 0) return {};
    if (adminEmail && adminPassword) return { created: await this.create(adminEmail, adminPassword, 'Administrator') };
    const token = randomBytes(24).toString('base64url');
    await this.storage.setMeta(SETUP_META, sha256(token));
    return { setupToken: token };
  }

  /** The storage this service reads (for role look-ups next to it). */
  storageOf(): Storage {
    return this.storage;
  }

  async setupNeeded(): Promise<boolean> {
    return (await this.storage.panel.countUsers()) === 0;
  }

  /**
   * Creates the first administrator with the one-time setup token. The token is consumed by the transaction that
   * inserts the user (a conditional delete whose row count decides): of concurrent uses, on one node or several,
   * exactly one creates a user.
   */
  async completeSetup(token: unknown, email: unknown, password: unknown): Promise<UserView> {
    const stored = await this.storage.getMeta(SETUP_META);
    const ok =
      typeof token === 'string' &&
      stored !== undefined &&
      stored !== '' &&
      timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(stored, 'hex'));
    // checked before the (slow) password hash, so a wrong token costs nothing
    if (!ok || !(await this.setupNeeded())) throw errors.forbidden();
    const user = await this.prepare(email, password, 'Administrator');
    await this.storage.transaction(async (tx) => {
      if (!(await tx.consumeMeta(SETUP_META, stored)) || (await tx.panel.countUsers()) > 0) throw errors.forbidden();
      await tx.panel.insertUser(user);
    });
    return this.view(user);
  }

  async create(email: unknown, password: unknown, name: string, roleId = 'administrator'): Promise<UserView> {
    const user = await this.prepare(email, password, name, roleId);
    await this.storage.panel.insertUser(user);
    return this.view(user);
  }

  /** Sets a user's password (the `reset-password` command); signs the user out everywhere. */
  async resetPassword(email: string, password: unknown): Promise<UserView> {
    if (typeof password !== 'string' || password.length < 8 || password.length > 1024)
      throw errors.validation({ password: ['The password must have 8 to 1024 characters'] });
    const user = await this.storage.panel.getUserByEmail(email);
    if (!user) throw errors.notFound();
    const passwordHash = await hash(password, ARGON);
    const now = this.clock.now();
    const updated = await this.storage.transaction((tx) => tx.panel.updateUserPassword(user.id, passwordHash, now));
    if (!updated) throw errors.notFound();
    return this.view(user);
  }

  /** A validated new user row with its password hashed; not stored yet. */
  async prepare(email: unknown, password: unknown, name: string, roleId = 'administrator'): Promise<StoredUser> {
    const errs: FieldErrors = {};
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
      addFieldError(errs, 'email', 'A valid e-mail address is required');
    if (typeof password !== 'string' || password.length < 8 || password.length > 1024)
      addFieldError(errs, 'password', 'The password must have 8 to 1024 characters');
    if (Object.keys(errs).length > 0) throw errors.validation(errs);
    if (await this.storage.panel.getUserByEmail(email as string))
      throw errors.validation({ email: ['This value is already used'] });
    const now = this.clock.now();
    return {
      id: randomUUID(),
      email: email as string,
      passwordHash: await hash(password as string, ARGON),
      name,
      createdMs: now,
      updatedMs: now,
      roleId,
      disabled: false,
    };
  }

  /** The user for these credentials, or undefined; takes the same time whether or not the e-mail exists. */
  async verifyCredentials(email: unknown, password: unknown): Promise<UserView | undefined> {
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > 1024) return undefined;
    const user = await this.storage.panel.getUserByEmail(email);
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON);
    const ok = await verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    return user && ok && !user.disabled ? this.view(user) : undefined;
  }

  async get(id: string): Promise<UserView | undefined> {
    const u = await this.userRow(id);
    return u ? this.view(u) : undefined;
  }

  view(u: StoredUser): UserView {
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      roleId: u.roleId,
      disabled: u.disabled,
      createdAt: new Date(u.createdMs).toISOString(),
    };
  }

  /** Every user (users managers only). */
  async list(p: Principal): Promise<UserView[]> {
    if (!canManageUsers(p)) throw errors.forbidden();
    return (await this.storage.panel.listUsers()).map((u) => this.view(u));
  }

  /**
   * Changes a user's role and disabled flag (their sessions end when disabled). Refused: roles beyond the changer's
   * own, and leaving no active administrator — counted after any concurrent change has committed (lockUsers).
   */
  async updateAccess(
    p: Principal,
    id: string,
    body: { roleId?: unknown; disabled?: unknown },
  ): Promise<{ before: UserView; after: UserView }> {
    if (!canManageUsers(p)) throw errors.forbidden();
    const errs: FieldErrors = {};
    if (body.roleId !== undefined && typeof body.roleId !== 'string') addFieldError(errs, 'roleId', 'Must be a role id');
    if (body.disabled !== undefined && typeof body.disabled !== 'boolean')
      addFieldError(errs, 'disabled', 'Must be true or false');
    if (Object.keys(errs).length > 0) throw errors.validation(errs);
    const target = await this.userRow(id);
    if (!target) throw errors.notFound();
    const roleId = (body.roleId as string | undefined) ?? target.roleId;
    const disabled = (body.disabled as boolean | undefined) ?? target.disabled;
    if (roleId !== target.roleId) await this.assertGivable(p, roleId);
    // nobody below administrator changes an administrator
    if (!roleWithin(p, await loadRole(this.storage, target.roleId))) throw errors.forbidden();
    const after = await this.storage.transaction(async (tx) => {
      await tx.panel.lockUsers(this.clock.now());
      const cur = await tx.panel.getUser(id);
      if (!cur) throw errors.notFound();
      const stillAdmin = roleId === 'administrator' && !disabled;
      if (
        cur.roleId === 'administrator' &&
        !cur.disabled &&
        !stillAdmin &&
        (await tx.panel.countActiveWithRole('administrator', id)) === 0
      )
        throw errors.validation({ roleId: ['The last administrator cannot be demoted or disabled'] });
      await tx.panel.updateUserAccess(id, roleId, disabled, this.clock.now());
      if (disabled) await tx.panel.deleteUserSessions(id);
      return (await tx.panel.getUser(id))!;
    });
    return { before: this.view(target), after: this.view(after) };
  }

  /** Removes a user (and their sessions); the last active administrator stays. */
  async remove(p: Principal, id: string): Promise<UserView> {
    if (!canManageUsers(p)) throw errors.forbidden();
    const target = await this.userRow(id);
    if (!target) throw errors.notFound();
    if (!roleWithin(p, await loadRole(this.storage, target.roleId))) throw errors.forbidden();
    await this.storage.transaction(async (tx) => {
      await tx.panel.lockUsers(this.clock.now());
      const cur = await tx.panel.getUser(id);
      if (!cur) throw errors.notFound();
      if (cur.roleId === 'administrator' && !cur.disabled && (await tx.panel.countActiveWithRole('administrator', id)) === 0)
        throw errors.validation({ id: ['The last administrator cannot be removed'] });
      await tx.panel.deleteUser(id);
    });
    return this.view(target);
  }

  /** May `p` act on the account `id` (its sessions): it is their own, or they manage users up to its role. */
  async assertMayActOn(p: Principal, id: string): Promise<UserView> {
    const target = await this.userRow(id);
    if (p.kind === 'user' && p.userId === id && target) return this.view(target);
    if (!canManageUsers(p)) throw errors.forbidden();
    if (!target) throw errors.notFound();
    if (!roleWithin(p, await loadRole(this.storage, target.roleId))) throw errors.forbidden();
    return this.view(target);
  }

  /** A role `p` may give: it exists, and is within `p`'s own rights. */
  async assertGivable(p: Principal, roleId: unknown): Promise<UserRole> {
    if (typeof roleId !== 'string' || roleId.length > 100) throw errors.validation({ roleId: ['No such role'] });
    const role = await loadRole(this.storage, roleId);
    if (role === NO_ROLE) throw errors.validation({ roleId: ['No such role'] });
    if (!roleWithin(p, role)) throw errors.forbidden();
    return role;
  }

  /** A user's own password change: the current one first; every other session of theirs ends. */
  async changePassword(p: Principal, current: unknown, next: unknown, keepTokenHash: string): Promise<UserView> {
    if (p.kind !== 'user') throw errors.forbidden();
    const user = await this.storage.panel.getUser(p.userId);
    if (!user) throw errors.unauthorized();
    const ok =
      typeof current === 'string' && current.length <= 1024 && (await verify(user.passwordHash, current).catch(() => false));
    if (!ok) throw errors.validation({ password: ['The current password is not right'] });
    if (typeof next !== 'string' || next.length < 8 || next.length > 1024)
      throw errors.validation({ newPassword: ['The password must have 8 to 1024 characters'] });
    const passwordHash = await hash(next, ARGON);
    await this.storage.transaction(async (tx) => {
      const keep = (await tx.panel.listSessions(user.id)).find((s) => s.tokenHash === keepTokenHash);
      await tx.panel.updateUserPassword(user.id, passwordHash, this.clock.now());
      if (keep) await tx.panel.insertSession(keep);
    });
    return this.view(user);
  }

  private async userRow(id: string): Promise<StoredUser | undefined> {
    if (id.length > 100 || id.includes('\u0000')) return undefined;
    return this.storage.panel.getUser(id);
  }
}
