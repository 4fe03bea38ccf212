import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Clock } from '../core/clock.js';
import { addFieldError, errors, type FieldErrors } from '../core/errors.js';
import type { Storage } from '../storage/port.js';
import type { StoredUser } from '../storage/panel-port.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
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
  async bootstrap(adminEmail: string | undefined, adminPassword: string | undefined): Promise<string | undefined> {
    if ((await this.storage.panel.countUsers()) > 0) return undefined;
    if (adminEmail && adminPassword) {
      await this.create(adminEmail, adminPassword, 'Administrator');
      return undefined;
    }
    const token = randomBytes(24).toString('base64url');
    await this.storage.setMeta(SETUP_META, sha256(token));
    return token;
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

  async create(email: unknown, password: unknown, name: string): Promise<UserView> {
    const user = await this.prepare(email, password, name);
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
  private async prepare(email: unknown, password: unknown, name: string): Promise<StoredUser> {
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
    };
  }

  /** The user for these credentials, or undefined; takes the same time whether or not the e-mail exists. */
  async verifyCredentials(email: unknown, password: unknown): Promise<UserView | undefined> {
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > 1024) return undefined;
    const user = await this.storage.panel.getUserByEmail(email);
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON);
    const ok = await verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    return user && ok ? this.view(user) : undefined;
  }

  async get(id: string): Promise<UserView | undefined> {
    const u = await this.storage.panel.getUser(id);
    return u ? this.view(u) : undefined;
  }

  private view(u: StoredUser): UserView {
    return { id: u.id, email: u.email, name: u.name };
  }
}
