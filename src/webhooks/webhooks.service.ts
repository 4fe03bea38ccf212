import { randomBytes } from 'node:crypto';
import { canObjects, canPreview, canReadDefinition, canUseWebhooks, objectScope, relatedView } from '../access/policy.js';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import { userPrincipal } from '../auth/users.service.js';
import type { KeyCrypto } from '../auth/key-crypto.js';
import type { Clock } from '../core/clock.js';
import { errors, type FieldErrors } from '../core/errors.js';
import { SYSTEM, type Principal } from '../core/principal.js';
import { objectJson } from '../content/object-json.js';
import type { Storage, StoredObject } from '../storage/port.js';
import type { StoredExecution } from '../storage/webhook-port.js';
import { webhookOf, type Webhook } from './webhook.js';
import type { WebhookUrlPolicy } from './webhook-url.js';

export const WEBHOOKS_TYPE = '_webhooks';
/** Flotiq keeps the last 300 executions of each webhook. */
export const EXECUTIONS_KEPT = 300;

/** What the Panel and `/panel/api/webhooks/{id}/executions` show of an execution (the contract's fields). */
export interface ExecutionView {
  id: number;
  status: StoredExecution['status'];
  attempts: number;
  httpStatus: number | null;
  durationMs: number | null;
  error: string | null;
  action: string;
  contentTypeName: string | null;
  objectId: string | null;
  createdAt: string;
}

/**
 * Webhooks as stored (`_webhooks` objects), who may save and receive them, their signing secrets and execution log.
 * Deliveries (webhook-delivery.ts), the fan-out of events (webhook-fanout.ts) and sync hooks (sync-hooks.ts) use it.
 */
export class WebhooksService {
  /** Every webhook, for the write path (sync hooks); dropped when a `_webhooks` object changes on any node. */
  private cache: Promise<Webhook[]> | undefined;
  /** The fan-out's list of webhooks and the `_webhooks` generation it was read at (`current`). */
  private known: { gen: number; list: Webhook[] } | undefined;
  /** Signing secrets by webhook, with the ciphertext they were decrypted from (never logged, never sent but signed). */
  private readonly decrypted = new Map<string, { stored: string; secret: string }>();

  constructor(
    private readonly storage: Storage,
    private readonly keys: ApiKeysService,
    private readonly crypto: KeyCrypto,
    private readonly clock: Clock,
    readonly policy: WebhookUrlPolicy,
  ) {
    storage.onCommitted((notices) => {
      if (notices === '*' || notices.some((n) => n.contentType === WEBHOOKS_TYPE)) this.cache = undefined;
    });
  }

  /** Every webhook, cached between changes to them. */
  cached(): Promise<Webhook[]> {
    const load = (this.cache ??= this.all());
    load.catch(() => {
      if (this.cache === load) this.cache = undefined;
    });
    return load;
  }

  /**
   * Every webhook as `storage` (a transaction) sees them now, for the fan-out of each event batch: read again only
   * when the `_webhooks` type's write generation moved (every committed change to a webhook moves it, on any node),
   * instead of reading and parsing them all per batch.
   */
  async current(storage: Storage): Promise<Webhook[]> {
    const [gen] = await storage.typeGenerations([WEBHOOKS_TYPE]);
    const known = this.known;
    if (known && known.gen === gen) return known.list;
    const list = await this.all(storage);
    this.known = { gen, list };
    return list;
  }

  /** Every webhook (read through `storage`, which may be a transaction). */
  async all(storage: Storage = this.storage): Promise<Webhook[]> {
    const out: Webhook[] = [];
    for (let offset = 0; ; offset += 500) {
      const rows = await storage.listObjects({
        type: WEBHOOKS_TYPE,
        view: 'preview',
        where: [],
        order: { kind: 'column', column: 'created' },
        direction: 'asc',
        emptyFirst: false,
        limit: 500,
        offset,
      });
      out.push(...rows.map((r) => this.webhookOfRow(r)));
      if (rows.length < 500) return out;
    }
  }

  async one(id: string, storage: Storage = this.storage): Promise<Webhook | undefined> {
    const row = await storage.getObject(WEBHOOKS_TYPE, id, 'preview');
    return row ? this.webhookOfRow(row) : undefined;
  }

  private webhookOfRow(r: StoredObject): Webhook {
    return webhookOf(r.id, JSON.parse(r.data) as Record<string, unknown>, r.updatedBy ?? 'system', r.createdMs);
  }

  /** The principal a webhook acts for: whoever saved it last; undefined when that key no longer exists. */
  async saverOf(w: Webhook, storage: Storage = this.storage): Promise<Principal | undefined> {
    if (w.savedBy === 'system') return SYSTEM;
    const [kind, id] = [w.savedBy.slice(0, w.savedBy.indexOf(':')), w.savedBy.slice(w.savedBy.indexOf(':') + 1)];
    if (kind === 'key') return this.keys.principalById(SYSTEM, id, storage);
    // the saver's role as it is now: a disabled or removed user's webhook is not sent
    if (kind === 'user') return userPrincipal(storage, id);
    return undefined;
  }

  /**
   * "A webhook is a read channel": why this webhook may not carry `contentType` for its saver now, or undefined
   * when it may. Definition webhooks need the definition readable; content webhooks the objects.
   */
  async refusal(w: Webhook, contentType: string, storage: Storage = this.storage, draft = false): Promise<string | undefined> {
    const saver = await this.saverOf(w, storage);
    if (!saver) return `Not sent: the API key that saved this webhook no longer exists`;
    const allowed = w.type === 'ctd' ? canReadDefinition(saver, contentType) : canObjects(saver, 'read', contentType);
    if (!allowed) return `Not sent: whoever saved this webhook can no longer read ${contentType}`;
    if (draft && !canPreview(saver, contentType))
      return `Not sent: a draft of ${contentType}, and whoever saved this webhook may not preview it`;
    return undefined;
  }

  /** The checks of a `_webhooks` object being saved: its URL, and read on every type it covers. */
  async check(p: Principal, data: Record<string, unknown>): Promise<FieldErrors> {
    const errs: FieldErrors = {};
    const w = webhookOf('new', data, 'new');
    const codeOnly = w.type === 'sync' && data.executionMode === 'code';
    if (!codeOnly) {
      const why = this.policy.checkUrl(data.url);
      if (why) errs.url = [why];
    }
    if (w.types.length === 0) {
      if (!objectScope(p, 'read').all) {
        errs.content_type_definitions = [
          'A webhook for every content type needs read access to every content type; list the types this key may read',
        ];
      }
    } else {
      const unreadable = w.types.filter((t) => !canObjects(p, 'read', t));
      if (unreadable.length > 0) {
        errs.content_type_definitions = unreadable.map((t) => `No read access to the content type ${t}`);
      }
    }
    return errs;
  }

  /** The signing secret of a webhook, made on first use (concurrent first uses agree on one). */
  async secret(id: string): Promise<string> {
    const stored = await this.storage.webhooks.getSecret(id);
    if (stored) {
      // the stored ciphertext is read every time (a rotation on any node shows at once); decrypting it again only when
      // it changed saves a cipher set-up per delivery round (~0.1 ms with OpenSSL 3)
      const known = this.decrypted.get(id);
      if (known?.stored === stored) return known.secret;
      const secret = this.crypto.decrypt(stored, `webhook:${id}`);
      if (this.decrypted.size >= 1000) this.decrypted.clear();
      this.decrypted.set(id, { stored, secret });
      return secret;
    }
    const fresh = `whsec_${randomBytes(30).toString('base64url')}`;
    const kept = await this.storage.webhooks.putSecret(id, this.crypto.encrypt(fresh, `webhook:${id}`), this.clock.now(), false);
    return this.crypto.decrypt(kept, `webhook:${id}`);
  }

  // ---- the Panel's operations (session principals; the policy decides)

  private async panelWebhook(p: Principal, id: string, action: 'read' | 'update'): Promise<Webhook> {
    if (!canUseWebhooks(p, action)) throw errors.forbidden();
    const w = await this.one(id);
    if (!w) throw errors.notFound();
    return w;
  }

  async revealSecret(p: Principal, id: string): Promise<string> {
    await this.panelWebhook(p, id, 'read');
    return this.secret(id);
  }

  async rotateSecret(p: Principal, id: string): Promise<string> {
    await this.panelWebhook(p, id, 'update');
    const fresh = `whsec_${randomBytes(30).toString('base64url')}`;
    await this.storage.webhooks.putSecret(id, this.crypto.encrypt(fresh, `webhook:${id}`), this.clock.now(), true);
    return fresh;
  }

  async executions(p: Principal, id: string): Promise<ExecutionView[]> {
    await this.panelWebhook(p, id, 'read');
    return (await this.storage.webhooks.listExecutions(id, EXECUTIONS_KEPT)).map(executionView);
  }

  /** "Send test event": a delivery of a sample payload, signed like any other. */
  async sendTest(p: Principal, id: string): Promise<ExecutionView> {
    const w = await this.panelWebhook(p, id, 'update');
    const body = {
      webhookId: w.id,
      action: 'Test',
      contentTypeName: null,
      ref: null,
      payload: { message: 'A test event from Flotilla' },
    };
    return this.queue(w, 'Test', null, null, JSON.stringify(body));
  }

  /** "Run webhook" (Flotiq's Custom action) on one object, from its page in the Panel. */
  async runCustom(p: Principal, id: string, contentType: unknown, objectId: unknown): Promise<ExecutionView> {
    const w = await this.panelWebhook(p, id, 'update');
    if (typeof contentType !== 'string' || typeof objectId !== 'string') {
      throw errors.validation({ contentTypeName: ['Name the content type and the object to run the webhook on'] });
    }
    if (!canObjects(p, 'read', contentType)) throw errors.forbidden();
    if (!w.actions.includes('Custom')) throw errors.validation({ actions: ['This webhook has no Custom action'] });
    const row = await this.storage.getObject(contentType, objectId, relatedView(p, contentType));
    if (!row) throw errors.notFound();
    const body = {
      webhookId: w.id,
      action: 'Custom',
      contentTypeName: contentType,
      ref: `/api/v1/content/${contentType}/${row.id}/version/${row.version}`,
      payload: JSON.parse(objectJson(row)) as unknown,
    };
    return this.queue(w, 'Custom', contentType, row.id, JSON.stringify(body));
  }

  private async queue(w: Webhook, action: string, type: string | null, objectId: string | null, payload: string) {
    const why = type ? await this.refusal(w, type) : undefined;
    const now = this.clock.now();
    const id = await this.storage.webhooks.addExecution({
      webhookId: w.id,
      eventSeq: null,
      status: why ? 'error' : 'pending',
      attempts: 0,
      httpStatus: null,
      durationMs: null,
      error: why ?? null,
      action,
      contentType: type,
      objectId,
      payload,
      nextAttemptMs: now,
      createdMs: now,
      updatedMs: now,
    });
    const row = await this.storage.webhooks.getExecution(id!);
    this.onQueued?.();
    return executionView(row!);
  }

  /** Set by the delivery loop: new executions were queued outside the event worker. */
  onQueued: (() => void) | undefined;
}

export function executionView(e: StoredExecution): ExecutionView {
  return {
    id: e.id,
    status: e.status,
    attempts: e.attempts,
    httpStatus: e.httpStatus,
    durationMs: e.durationMs,
    error: e.error,
    action: e.action,
    contentTypeName: e.contentType,
    objectId: e.objectId,
    createdAt: new Date(e.createdMs).toISOString(),
  };
}
