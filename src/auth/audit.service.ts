import { canReadAudit, readableAuditKinds } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Storage } from '../storage/port.js';

/** Every action the audit trail records. */
export const AUDIT_ACTIONS = [
  'key.created',
  'key.updated',
  'key.rules-changed',
  'key.regenerated',
  'key.grace-ended',
  'keys.regenerated-all',
  'key.removed',
  'key.revealed',
  'key.copied',
  'key.qr-shown',
  'webhook.secret-revealed',
  'webhook.secret-rotated',
  'user.created',
  'user.updated',
  'user.removed',
  'user.password-changed',
  'user.password-reset',
  'user.invited',
  'user.joined',
  'role.created',
  'role.updated',
  'role.removed',
  'session.started',
  'session.refused',
  'session.ended',
  'sessions.ended',
  'object.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The kinds of audited events (what they are about): an action's first word, singular. */
export const AUDIT_KINDS = ['key', 'webhook', 'user', 'role', 'session', 'object'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
export const kindOf = (action: string): string => action.slice(0, action.indexOf('.')).replace(/s$/, '');

/**
 * The instant of an ISO 8601 date-time, or undefined when it names no real one. `Date.parse` alone is lenient
 * (February 30th becomes March 2nd; trailing characters are ignored), so the calendar fields are checked too.
 */
export function validDateTime(v: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second = '0', zh = '0', zm = '0'] = m.slice(1).map((x) => x ?? '0');
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(zh) > 23 || Number(zm) > 59) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** What a listing asks for: a page (`limit` entries older than the entry `before`) of the matching entries. */
export interface AuditQuery {
  limit: number;
  before?: number;
  actor?: string;
  kind?: AuditKind;
  action?: AuditAction;
  /** The id of the key or user the entries are about. */
  subject?: string;
  /** ISO 8601 date-times: from (inclusive) and to (exclusive). */
  from?: string;
  to?: string;
}

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  keyId: string | null;
  keyName: string | null;
  detail: Record<string, unknown>;
}

/**
 * The audit trail: who did what to which key, user, role, webhook or session, when. It never holds a key value or
 * a password.
 */
export class AuditService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  /** `p` is who acted ('anonymous': someone not signed in, such as a failed sign-in). */
  async record(
    p: Principal | 'anonymous',
    action: AuditAction,
    key: { id: string; name: string } | null,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.storage.panel.insertAudit({
      atMs: this.clock.now(),
      actor: p === 'anonymous' ? p : p.kind === 'user' ? p.email : p.kind,
      action,
      keyId: key?.id ?? null,
      keyName: key?.name ?? null,
      detail: JSON.stringify(detail),
    });
  }

  async list(p: Principal, q: AuditQuery): Promise<AuditView[]> {
    if (!canReadAudit(p)) throw errors.forbidden();
    const time = (field: 'from' | 'to') => {
      const v = q[field];
      if (v === undefined) return undefined;
      const ms = validDateTime(v);
      if (ms === undefined) throw errors.validation({ [field]: ['This value is not a valid datetime.'] });
      return ms;
    };
    const fromMs = time('from');
    const toMs = time('to');
    if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs)
      throw errors.validation({ to: ['Must be later than from'] });
    const readable = readableAuditKinds(p);
    const actions = AUDIT_ACTIONS.filter(
      (a) => readable.includes(kindOf(a)) && (!q.kind || kindOf(a) === q.kind) && (!q.action || a === q.action),
    );
    if (actions.length === 0) return [];
    const filter = {
      ...(q.actor !== undefined ? { actor: q.actor } : {}),
      ...(q.kind !== undefined || q.action !== undefined || actions.length < AUDIT_ACTIONS.length ? { actions } : {}),
      ...(q.subject !== undefined ? { subjectId: q.subject } : {}),
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
    };
    return (await this.storage.panel.listAudit(q.limit, q.before, filter)).map((e) => ({
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
