import type { Kysely } from 'kysely';
import type { AuditEvent, PanelStore, StoredSession, StoredUser } from '../panel-port.js';
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
      })
      .execute();
  }

  private toUser(r: Database['users']): StoredUser {
    return {
      id: r.id,
      email: r.email,
      passwordHash: r.password_hash,
      name: r.name,
      createdMs: Number(r.created_ms),
      updatedMs: Number(r.updated_ms),
    };
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

  async listAudit(limit: number, beforeSeq?: number): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(limit);
    if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
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
