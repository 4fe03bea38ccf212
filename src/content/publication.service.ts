import { canPublish } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { SYSTEM, type Principal } from '../core/principal.js';
import { actorOf } from '../core/content-event.js';
import type { EventConsumer } from '../events/event-worker.js';
import type { LoadedType, TypeRegistry } from '../content-types/type-registry.js';
import type { Storage, StoredSchedule } from '../storage/port.js';
import { collectRefs } from './relations.js';
import { userPrincipal } from '../auth/users.service.js';

export type PublicationAction = 'publish' | 'unpublish' | 'archive';

/** Plans must lie at least this far ahead (Flotiq's Panel asks for five minutes; a minute is enough to be safe). */
export const SCHEDULE_MIN_AHEAD_MS = 60_000;

/**
 * Draft & Public: publishing, unpublishing and archiving objects (single, batch, cascading to related objects),
 * and publications planned for later. Each change is one transaction with its content event.
 */
export class PublicationService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly registry: TypeRegistry,
    private readonly clock: Clock,
  ) {}

  /** Policy first (403), then the type (404), which must have Draft & Public (400). */
  private async publishable(p: Principal, type: string): Promise<LoadedType> {
    if (!canPublish(p, type)) throw errors.forbidden();
    const t = await this.registry.get(type);
    if (!t) throw errors.notFound();
    if (!t.ct.draftPublic) throw errors.badRequest(`Content type ${type} does not use Draft & Public`);
    return t;
  }

  /** One object; `cascade` (`?hydrate=1`) also publishes the D&P objects it relates to that the key may publish. */
  async act(p: Principal, type: string, id: string, action: PublicationAction, cascade = false): Promise<void> {
    const t = await this.publishable(p, type);
    const row = await this.apply(p, type, id, action);
    if (!row) throw errors.notFound();
    if (!cascade || action !== 'publish') return;
    for (const ref of collectRefs(t, JSON.parse(row.data) as Record<string, unknown>)) {
      const target = await this.registry.get(ref.type);
      if (!target?.ct.draftPublic || !canPublish(p, ref.type)) continue;
      await this.apply(p, ref.type, ref.id, 'publish');
    }
  }

  /** `batch-publish` and friends: every id must exist (404 otherwise, and nothing changes); no cascade. */
  async batch(p: Principal, type: string, action: PublicationAction, body: unknown): Promise<void> {
    await this.publishable(p, type);
    if (!Array.isArray(body) || body.some((x) => typeof x !== 'string')) {
      throw errors.badRequest('The request body must be a JSON array of object ids');
    }
    for (const id of body as string[]) if (!(await this.storage.getObject(type, id, 'preview'))) throw errors.notFound();
    for (const id of body as string[]) await this.apply(p, type, id, action);
  }

  private async apply(p: Principal, type: string, id: string, action: PublicationAction) {
    const now = this.clock.now();
    return this.storage.transaction(async (tx) => {
      const result =
        action === 'publish'
          ? await tx.publishObject(type, id, now)
          : await tx.unpublishObject(type, id, action === 'archive' ? 'archived' : 'draft', now);
      if (!result) return undefined;
      if (result.changed) {
        const event = {
          kind: 'object',
          action,
          contentType: type,
          objectId: result.row.id,
          version: result.row.version,
        } as const;
        await tx.recordEvent(event, actorOf(p), now);
      }
      return result.row;
    });
  }

  // ---- planned publications

  async schedule(p: Principal, type: string, id: string, action: unknown, at: unknown): Promise<StoredSchedule> {
    await this.publishable(p, type);
    if (action !== 'publish' && action !== 'unpublish') {
      throw errors.validation({ action: ['Schedule "publish" or "unpublish"'] });
    }
    const atMs = typeof at === 'string' ? Date.parse(at) : NaN;
    const now = this.clock.now();
    if (!Number.isFinite(atMs)) throw errors.validation({ at: ['This value is not a valid datetime.'] });
    if (atMs < now + SCHEDULE_MIN_AHEAD_MS) throw errors.validation({ at: ['Schedule at least one minute ahead'] });
    const row = await this.storage.getObject(type, id, 'preview');
    if (!row) throw errors.notFound();
    const plan: StoredSchedule = { type, id: row.id, action, atMs, createdMs: now, createdBy: actorOf(p) };
    await this.storage.scheduleObject(plan);
    return plan;
  }

  async scheduled(p: Principal, type: string, id: string): Promise<StoredSchedule | undefined> {
    await this.publishable(p, type);
    return this.storage.getSchedule(type, id);
  }

  async unschedule(p: Principal, type: string, id: string): Promise<boolean> {
    await this.publishable(p, type);
    return this.storage.cancelSchedule(type, id);
  }

  /**
   * The event subscriber that cancels a plan when its object is edited (as Flotiq does): an update or a deletion
   * after the plan was made. Execution checks the same again, so a plan never runs on an object edited meanwhile.
   */
  cancelOnEdit(): EventConsumer {
    return async (events, tx) => {
      for (const e of events) {
        if (e.kind === 'object' && (e.action === 'update' || e.action === 'delete') && e.objectId) {
          await tx.cancelSchedule(e.contentType, e.objectId, e.atMs + 1);
        }
      }
    };
  }

  /** Runs the plans that are due, once across nodes (claimed with SKIP LOCKED on PostgreSQL). */
  async runDue(): Promise<number> {
    const now = this.clock.now();
    return this.storage.runDueSchedules(now, 50, async (plan, tx) => {
      // a plan acts for the user who made it, with that user's role as it is now (decision 0021): demoted below
      // publish on the type, disabled or removed meanwhile, the plan is void
      if (plan.createdBy.startsWith('user:')) {
        const creator = await userPrincipal(tx, plan.createdBy.slice('user:'.length));
        if (!creator || !canPublish(creator, plan.type)) return;
      }
      const row = await tx.getObject(plan.type, plan.id, 'preview');
      // edited (or deleted) after the plan was made: the plan is void
      if (!row || row.updatedMs > plan.createdMs) return;
      const result =
        plan.action === 'publish'
          ? await tx.publishObject(plan.type, plan.id, now)
          : await tx.unpublishObject(plan.type, plan.id, 'draft', now);
      if (result?.changed) {
        const event = {
          kind: 'object',
          action: plan.action,
          contentType: plan.type,
          objectId: row.id,
          version: row.version,
        } as const;
        await tx.recordEvent(event, plan.createdBy || actorOf(SYSTEM), now);
      }
    });
  }

  start(pollMs = 1000): void {
    const tick = () => {
      this.running = this.runDue()
        .then(() => undefined)
        .catch(() => undefined);
      void this.running.finally(() => {
        if (this.timer !== undefined) {
          this.timer = setTimeout(tick, pollMs);
          this.timer.unref();
        }
      });
    };
    this.timer = setTimeout(tick, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
