import type { Clock } from '../core/clock.js';
import { CoalescingRun } from '../core/coalescing-run.js';
import type { Storage } from '../storage/port.js';
import type { ContentEvent } from '../core/content-event.js';

/**
 * A durable reaction to events: runs in the transaction that claims them, so what it writes commits with the
 * claim (at least once: a consumer that fails makes the whole batch run again later, so it must be idempotent).
 * `afterCommit` runs a function once the batch committed (never when it rolled back), e.g. to hand on what it queued,
 * and its `onRollback` (if given) only when the batch rolled back, e.g. to keep what it took to write.
 * `hold` (given to the one consumer added with `holds`: the webhook fan-out) keeps an event unprocessed after the
 * batch, leased until `untilMs`, for that consumer to finish later (Storage.finishEvents). One not finished by then is
 * claimed again and goes to that consumer alone: the others ran on it in the batch that held it, which committed.
 */
export type EventConsumer = (
  events: readonly ContentEvent[],
  tx: Storage,
  afterCommit: (fn: () => void, onRollback?: () => void) => void,
  hold: (seq: number, untilMs: number) => void,
) => Promise<void>;

export interface EventWorkerLog {
  error(obj: object, msg: string): void;
}

const BATCH = 200;
const POLL_MS = 1000;
/**
 * How long commit notices are gathered before the outbox is drained (bounded added latency, fewer claims). An
 * import's batches commit every 10–90 ms (one core, shared or not): a window of 5 ms claimed after each of them, a
 * claiming transaction per batch (a tenth of a batch's time on SQLite, 4 of its ~18 round trips on PostgreSQL);
 * 50 ms lets two to five batches share one. With a webhook, fewer batches also mean fewer fan-outs, delivery rounds
 * and messages to the sending thread. Deliveries and media cleanup start at most 45 ms later than with 5 ms.
 */
const GATHER_MS = 50;
/**
 * The window while events come at BUSY_PER_MS or faster (judged by what the last drain claimed over the time since
 * the drain before it): larger batches. A batch costs a fixed part (on PostgreSQL ~5 round trips, ~9 with a webhook, whose
 * round's outcomes it also writes) however many events it claims; at saturation that part is taken from the writes.
 * The webhooks bench on PostgreSQL (2 cores, 300–370 creates/s): 150 ms instead of 50 kept 90 % of the throughput
 * with a webhook instead of 86 %, and the p99 from a write to its delivery went from ~90 to ~160 ms. Slower traffic
 * (its latency measured at 100 writes/s) keeps 50 ms.
 */
export const GATHER_BUSY_MS = 150;
/** 200 events a second. */
const BUSY_PER_MS = 0.2;
const RETENTION_MS = 7 * 24 * 3600_000;

const refuseHold = () => {
  throw new Error('this consumer may not hold events');
};

/**
 * Drains the outbox: claims unprocessed events (one claimant per event across nodes) and hands them to every
 * durable consumer (media file cleanup, webhook fan-out). Woken at once by this node's commits and other nodes'
 * notices, and by a poll as the safety net for notices that never arrive (a node killed after its commit).
 */
export class EventWorker {
  private readonly consumers: { name: string; run: EventConsumer; holds: boolean }[] = [];
  private readonly runner = new CoalescingRun(() => this.drain());
  private timer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastPrune = 0;
  /** The gathering window: GATHER_BUSY_MS while events come fast, GATHER_MS otherwise. */
  private windowMs = GATHER_MS;
  /** When the last drain that claimed something started (wall clock, ms). */
  private lastDrainAt: number | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly log: EventWorkerLog,
    /** FLOTILLA_DELETED_RETENTION_DAYS in ms: soft-deleted objects older than this are removed for good. */
    private readonly deletedRetentionMs = 60 * 24 * 3600_000,
  ) {}

  /** Adds a durable consumer (before start); one may hold events (see EventConsumer). */
  use(name: string, run: EventConsumer, options: { holds?: boolean } = {}): void {
    const holds = options.holds === true;
    if (holds && this.consumers.some((c) => c.holds)) throw new Error(`${name}: only one consumer may hold events`);
    this.consumers.push({ name, run, holds });
  }

  start(): void {
    // commits come in bursts: gather a few milliseconds of them into one claiming transaction instead of one each
    this.storage.onCommitted(() => {
      if (this.gathering || this.stopped) return;
      this.gathering = setTimeout(() => {
        this.gathering = undefined;
        void this.wake();
      }, this.windowMs);
      this.gathering.unref();
    });
    const tick = () => {
      if (this.stopped) return;
      this.wake();
      this.timer = setTimeout(tick, POLL_MS);
      this.timer.unref();
    };
    tick();
  }

  /** Processes everything committed before this call; the promise settles when that is done. */
  wake(): Promise<void> {
    return this.stopped ? Promise.resolve() : this.runner.run();
  }

  private async drain(): Promise<void> {
    const startedAt = Date.now();
    let claimed = 0;
    try {
      for (;;) {
        const after: (() => void)[] = [];
        const undo: (() => void)[] = [];
        const commit = (fn: () => void, onRollback?: () => void) => {
          after.push(fn);
          if (onRollback) undo.push(onRollback);
        };
        let n: number;
        try {
          n = await this.storage.processEvents(BATCH, this.clock.now(), async (events, tx, hold) => {
            const fresh = events.some((e) => e.heldBefore) ? events.filter((e) => !e.heldBefore) : events;
            for (const c of this.consumers) {
              const mine = c.holds ? events : fresh;
              if (mine.length > 0) await c.run(mine, tx, commit, c.holds ? hold : refuseHold);
            }
          });
        } catch (e) {
          for (const fn of undo) fn();
          throw e;
        }
        for (const fn of after) fn();
        claimed += n;
        // a short claim took every event committed before it (on PostgreSQL, those another node holds are that
        // node's): asking again would find nothing, and a commit after it wakes the worker anew
        if (n < BATCH || this.stopped) break;
      }
      // the rate these events came at; a drain that found nothing (a poll just after another drain) says nothing
      if (claimed > 0) {
        const overMs = Math.max(this.windowMs, startedAt - (this.lastDrainAt ?? -Infinity));
        this.windowMs = claimed >= BUSY_PER_MS * overMs ? GATHER_BUSY_MS : GATHER_MS;
        this.lastDrainAt = startedAt;
      }
      const now = this.clock.now();
      if (now - this.lastPrune > 3600_000) {
        this.lastPrune = now;
        await this.storage.pruneEvents(now - RETENTION_MS);
        // soft-deleted objects go for good after the retention (as Flotiq's 60 days); their ids stay reportable by
        // `removed` for as long again. Batches of 1 000, each its own transaction; idempotent across nodes.
        while (
          (await this.storage.sweepDeleted(now - this.deletedRetentionMs, now - 2 * this.deletedRetentionMs, 1000)) === 1000
        ) {
          if (this.stopped) break;
        }
      }
    } catch (e) {
      // the batch rolled back and stays unprocessed: the next wake (at the latest the poll) runs it again
      if (!this.stopped) this.log.error({ err: { message: (e as Error).message } }, 'processing content events failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.gathering) clearTimeout(this.gathering);
    await this.runner.idle();
  }
}
