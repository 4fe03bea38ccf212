import { canReadAudit } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';

export type AuditAction =
  | 'key.created'
  | 'key.updated'
  | 'key.rules-changed'
  | 'key.regenerated'
  | 'key.grace-ended'
  | 'keys.regenerated-all'
  | 'key.removed'
  | 'key.revealed'
  | 'key.copied'
  | 'key.qr-shown'
  | 'webhook.secret-revealed'
  | 'webhook.secret-rotated'
  | 'user.updated'
  | 'user.removed'
  | 'user.password-changed'
  | 'user.invited'
  | 'user.joined'
  | 'role.created'
  | 'role.updated'
  | 'role.removed'
  | 'session.started'
  | 'session.ended'
  | 'sessions.ended'
  | 'object.restored';

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  keyId: string | null;
  keyName: string | null;
  detail: Record<string, unknown>;
}

/** The audit trail of key events: who did what to which key, when. It never holds a key value. */
export class AuditService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async record(
    p: Principal,
    action: AuditAction,
    key: { id: string; name: string } | null,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.storage.panel.insertAudit({
      atMs: this.clock.now(),
      actor: p.kind === 'user' ? p.email : p.kind,
      action,
      keyId: key?.id ?? null,
      keyName: key?.name ?? null,
      detail: JSON.stringify(detail),
    });
  }

  async list(p: Principal, limit: number, before?: number): Promise<AuditView[]> {
    if (!canReadAudit(p)) throw errors.forbidden();
    return (await this.storage.panel.listAudit(limit, before)).map((e) => ({
      id: e.seq ?? 0,
      at: new Date(e.atMs).toISOString(),
      actor: e.actor,
      action: e.action,
      keyId: e.keyId,
      keyName: e.keyName,
      detail: JSON.parse(e.detail) as Record<string, unknown>,
    }));
  }
}
