import type { Kysely, Selectable } from 'kysely';
import type {
  AuditEvent,
  AuditFilter,
  PanelStore,
  StoredInvitation,
  StoredRole,
  StoredSession,
  StoredUser,
} from '../panel-port.js';
import type { Database } from './schema.js';

/** PanelStore over Kysely; identical SQL on both dialects. */
export class SqlPanelStore implements PanelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async countUsers(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insertUser(u: StoredUser): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: u.id,
        email: u.email,
        email_key: u.email.toLowerCase(),
        password_hash: u.passwordHash,
        name: u.name,
        created_ms: u.createdMs,
        updated_ms: u.updatedMs,
        role_id: u.roleId,
        disabled: u.disabled ? 1 : 0,
      })
      .execute();
  }

  private toUser(r: Selectable<Database['users']>): StoredUser {
    return {
      id: r.id,
      email: r.email,
      passwordHash: r.password_hash,
      name: r.name,
      createdMs: Number(r.created_ms),
      updatedMs: Number(r.updated_ms),
      roleId: r.role_id,
      disabled: Number(r.disabled) !== 0,
    };
  }

  async listUsers(): Promise<StoredUser[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('created_ms').orderBy('id').execute()).map((r) =>
      this.toUser(r),
    );
  }

  async updateUserAccess(id: string, roleId: string, disabled: boolean, updatedMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('users')
      .set({ role_id: roleId, disabled: disabled ? 1 : 0, updated_ms: updatedMs })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteUser(id: string): Promise<boolean> {
    await this.db.deleteFrom('sessions').where('user_id', '=', id).execute();
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async countActiveWithRole(roleId: string, exceptId: string): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role_id', '=', roleId)
      .where('disabled', '=', 0)
      .where('id', '<>', exceptId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countUsersWithRole(roleId: string): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role_id', '=', roleId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async lockUsers(nowMs: number): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key: 'users:lock', value: String(nowMs) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(nowMs) }))
      .execute();
  }

  private toRole(r: Selectable<Database['roles']>): StoredRole {
    return {
      id: r.id,
      name: r.name,
      rules: r.rules,
      capabilities: r.capabilities,
      createdMs: Number(r.created_ms),
      updatedMs: Number(r.updated_ms),
    };
  }

  async listRoles(): Promise<StoredRole[]> {
    return (await this.db.selectFrom('roles').selectAll().orderBy('created_ms').orderBy('id').execute()).map((r) =>
      this.toRole(r),
    );
  }

  async getRole(id: string): Promise<StoredRole | undefined> {
    const r = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.toRole(r) : undefined;
  }

  async insertRole(r: StoredRole): Promise<void> {
    await this.db
      .insertInto('roles')
      .values({
        id: r.id,
        name: r.name,
        rules: r.rules,
        capabilities: r.capabilities,
        created_ms: r.createdMs,
        updated_ms: r.updatedMs,
      })
      .execute();
  }

  async updateRole(r: StoredRole): Promise<boolean> {
    const res = await this.db
      .updateTable('roles')
      .set({ name: r.name, rules: r.rules, capabilities: r.capabilities, updated_ms: r.updatedMs })
      .where('id', '=', r.id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async deleteRole(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async insertInvitation(i: StoredInvitation): Promise<void> {
    await this.db
      .insertInto('invitations')
      .values({
        token_hash: i.tokenHash,
        email: i.email,
        role_id: i.roleId,
        created_by: i.createdBy,
        created_ms: i.createdMs,
        expires_ms: i.expiresMs,
        used_ms: i.usedMs,
      })
      .execute();
  }

  async getInvitation(tokenHash: string): Promise<StoredInvitation | undefined> {
    const r = await this.db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r
      ? {
          tokenHash: r.token_hash,
          email: r.email,
          roleId: r.role_id,
          createdBy: r.created_by,
          createdMs: Number(r.created_ms),
          expiresMs: Number(r.expires_ms),
          usedMs: r.used_ms === null ? null : Number(r.used_ms),
        }
      : undefined;
  }

  async useInvitation(tokenHash: string, nowMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('invitations')
      .set({ used_ms: nowMs })
      .where('token_hash', '=', tokenHash)
      .where('used_ms', 'is', null)
      .where('expires_ms', '>', nowMs)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listSessions(userId: string): Promise<StoredSession[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_ms').execute();
    return rows.map((r) => ({
      tokenHash: r.token_hash,
      userId: r.user_id,
      csrfToken: r.csrf_token,
      createdMs: Number(r.created_ms),
      expiresMs: Number(r.expires_ms),
    }));
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async getUserByEmail(email: string): Promise<StoredUser | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirst();
    return r ? this.toUser(r) : undefined;
  }

  async getUser(id: string): Promise<StoredUser | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.toUser(r) : undefined;
  }

  async updateUserPassword(id: string, passwordHash: string, updatedMs: number): Promise<boolean> {
    // two statements: callers run this inside storage.transaction()
    const r = await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_ms: updatedMs })
      .where('id', '=', id)
      .executeTakeFirst();
    await this.db.deleteFrom('sessions').where('user_id', '=', id).execute();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertSession(s: StoredSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: s.tokenHash,
        user_id: s.userId,
        csrf_token: s.csrfToken,
        created_ms: s.createdMs,
        expires_ms: s.expiresMs,
      })
      .execute();
  }

  async getSession(tokenHash: string): Promise<StoredSession | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r
      ? {
          tokenHash: r.token_hash,
          userId: r.user_id,
          csrfToken: r.csrf_token,
          createdMs: Number(r.created_ms),
          expiresMs: Number(r.expires_ms),
        }
      : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpiredSessions(nowMs: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_ms', '<', nowMs).execute();
  }

  async insertAudit(e: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({ at_ms: e.atMs, actor: e.actor, action: e.action, key_id: e.keyId, key_name: e.keyName, detail: e.detail })
      .execute();
  }

  async listAudit(limit: number, beforeSeq?: number, filter: AuditFilter = {}): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(limit);
    if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    if (filter.actions !== undefined) {
      if (filter.actions.length === 0) return [];
      q = q.where('action', 'in', [...filter.actions]);
    }
    if (filter.subjectId !== undefined) q = q.where('key_id', '=', filter.subjectId);
    if (filter.fromMs !== undefined) q = q.where('at_ms', '>=', filter.fromMs);
    if (filter.toMs !== undefined) q = q.where('at_ms', '<', filter.toMs);
    return (await q.execute()).map((r) => ({
      seq: Number(r.seq),
      atMs: Number(r.at_ms),
      actor: r.actor,
      action: r.action,
      keyId: r.key_id,
      keyName: r.key_name,
      detail: r.detail,
    }));
  }
}
