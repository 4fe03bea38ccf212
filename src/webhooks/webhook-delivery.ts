import type { Clock } from '../core/clock.js';
import { CoalescingRun } from '../core/coalescing-run.js';
import { GATHER_BUSY_MS } from '../events/event-worker.js';
import { redact } from '../http/redact.js';
import type { Storage } from '../storage/port.js';
import type { NewExecution, StoredExecution } from '../storage/webhook-port.js';
import type { SendResult } from './send.js';
import { Sender, type SendRequest, type SendRoute } from './sender.js';
import { EXECUTIONS_KEPT, type WebhooksService } from './webhooks.service.js';

/**
 * What the executions of one round share, looked up once for the round: a webhook's secret, and whether its saver may
 * still read a type. A round is at most PARALLEL executions claimed together, so a change (a rotated secret, a
 * narrowed key) is seen from the next round on.
 */
class RoundMemo {
  private readonly seen = new Map<string, Promise<unknown>>();
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.seen.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.seen.set(key, p);
    }
    return p;
  }
}

/**
 * An attempt to make: of a stored execution claimed from the queue (`id`), or the first attempt of an execution the
 * fan-out handed over unwritten (`id` null: its row is inserted with this attempt's outcome).
 */
export type Attempt = NewExecution & { id: number | null };

/**
 * X-Flotilla-Delivery: names one delivery (a webhook's execution) among all, the same on every attempt of it, whether
 * its row was written before the attempt or not: the event it delivers, or the test or Custom run's execution.
 */
export function deliveryId(e: Pick<Attempt, 'id' | 'webhookId' | 'eventSeq'>): string {
  return `${e.eventSeq !== null ? `e${e.eventSeq}` : `r${e.id}`}.${encodeURIComponent(e.webhookId)}`;
}

/**
 * How many of the handed-over attempts `q` (an event's next to each other) a round takes: up to `max`, never splitting
 * an event's (their outcomes finish the event, in one transaction), and all of an event that alone has more.
 */
export function wholeEvents(q: readonly Pick<Attempt, 'eventSeq'>[], max: number): number {
  if (q.length <= max) return q.length;
  let n = max;
  while (n > 0 && q[n].eventSeq === q[n - 1].eventSeq) n--;
  if (n > 0) return n;
  n = max;
  while (n < q.length && q[n].eventSeq === q[0].eventSeq) n++;
  return n;
}

interface Outcome {
  e: Attempt;
  status: StoredExecution['status'];
  httpStatus: number | null;
  durationMs: number | null;
  error: string | null;
  /** When to try again (pending), or the execution's own time otherwise. */
  next: number;
}

export interface DeliverySettings {
  attempts: number;
  timeoutMs: number;
  retryBaseMs: number;
}

/** Executions claimed per round, and sent at once: claims are cheap, and each send mostly waits on the network. */
const PARALLEL = 128;
/** A lease outlasts its attempt's timeout by this much (a node's pause, the outcome's write). */
const LEASE_MARGIN_MS = 15_000;
/** The log is trimmed to its last 300 entries every this many finished executions of a webhook (and at start). */
export const PRUNE_EVERY = 100;
const MAX_BACKOFF_MS = 3600_000;
/** The longest the loop sleeps: its poll picks up what other nodes queued and leases that ran out. */
const POLL_MS = 1000;
/**
 * How long a round's outcomes wait for an event batch's transaction to write them before the loop writes them in a
 * transaction of its own: longer than the event worker's widest gathering window, plus its drain. (At 100 ms, under
 * the 150 ms windows of a busy PostgreSQL, 20 of 46 writes of outcomes took a transaction of their own; at 250, 6 of 44,
 * those after the writes stopped.) A crash before the write only makes the deliveries run again.
 */
const RECORD_WITHIN_MS = GATHER_BUSY_MS + 100;

/**
 * Sends queued executions, after commit and never inside a request. Each attempt is claimed with a lease (SKIP
 * LOCKED on PostgreSQL), so one node sends it; a node that dies mid-attempt leaves the lease to run out and the
 * execution is sent again (at least once). Failures (network, timeout, non-2xx) retry with exponential backoff.
 * The first attempt of what this node's fan-out queues is handed over without a row (`room`, `leaseUntil`, `queued`):
 * the fan-out holds its event (leased to this node, unprocessed) and the execution is written once, with the outcome
 * of that attempt, in the transaction that finishes the event. A node that dies before leaves the event to be claimed
 * again when the lease runs out, and fanned out anew (at least once; the unique (webhook, event) keeps one row).
 */
export class WebhookDelivery {
  private readonly runner = new CoalescingRun(() => this.drain());
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly finished = new Map<string, number>();
  private readonly sender: Sender;
  /** First attempts the fan-out handed to this node, for the next rounds (an event's all together). */
  private handedOver: Attempt[] = [];
  /** Something may be due in the database (the poll, a retry's time, a test or Custom run, a fan-out's overflow). */
  private claimWanted = true;
  /** Outcomes of rounds sent and not yet written (recordInto, or the loop after RECORD_WITHIN_MS). */
  private unrecorded: Outcome[] = [];
  private recordTimer: NodeJS.Timeout | undefined;
  private recordWanted = false;

  constructor(
    private readonly storage: Storage,
    private readonly webhooks: WebhooksService,
    private readonly clock: Clock,
    private readonly settings: DeliverySettings,
  ) {
    this.sender = new Sender(webhooks.policy);
  }

  start(): void {
    this.webhooks.onQueued = () => void this.wake();
    this.schedule(0);
  }

  /** Claims and sends everything due now; settles when that is done (tests await it). */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.claimWanted = true;
    return this.runner.run();
  }

  /**
   * How many of an event batch's executions its fan-out may claim for this node: what the next round has room for,
   * so a handed-over execution waits at most for the round under way; none while the queue is to be claimed from
   * (what is due there — retries, other nodes' work — goes first, in its order, instead of waiting behind new work).
   */
  room(): number {
    return this.stopped || this.claimWanted ? 0 : PARALLEL - this.handedOver.length;
  }

  /** The lease of an event the fan-out hands over: the round under way, its own attempt, and the margin. */
  leaseUntil(nowMs: number): number {
    return nowMs + 2 * this.settings.timeoutMs + LEASE_MARGIN_MS;
  }

  /**
   * After an event batch committed: the first attempts its fan-out handed over (in event order; their events held),
   * and whether it queued more than that.
   */
  queued(handed: Attempt[], more: boolean): void {
    for (const a of handed) this.handedOver.push(a);
    if (more) this.claimWanted = true;
    if (!this.stopped) void this.runner.run();
  }

  /**
   * Writes the outcomes of rounds sent so far in an event batch's transaction (the fan-out's, which runs anyway),
   * instead of a transaction of their own: on PostgreSQL that is five round trips fewer per round. `afterCommit`'s
   * second function runs when that transaction rolls back: the outcomes are kept to be written again.
   */
  async recordInto(tx: Storage, afterCommit: (fn: () => void, onRollback: () => void) => void): Promise<void> {
    if (this.unrecorded.length === 0) return;
    const taken = this.takeUnrecorded();
    afterCommit(
      () => undefined,
      () => this.keepUnrecorded(taken),
    );
    await this.writeOutcomes(tx, taken, this.clock.now());
    await this.pruneAfter(tx, taken);
  }

  private takeUnrecorded(): Outcome[] {
    const taken = this.unrecorded;
    this.unrecorded = [];
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = undefined;
    return taken;
  }

  /** Outcomes to write: by the next event batch, or by the loop once RECORD_WITHIN_MS passed without one. */
  private keepUnrecorded(outcomes: Outcome[]): void {
    if (outcomes.length === 0) return;
    this.unrecorded = this.unrecorded.length === 0 ? outcomes : outcomes.concat(this.unrecorded);
    if (this.recordTimer) return;
    this.recordTimer = setTimeout(() => {
      this.recordTimer = undefined;
      this.recordWanted = true;
      if (!this.stopped) void this.runner.run();
    }, RECORD_WITHIN_MS);
    this.recordTimer.unref();
  }

  /** A wake in `inMs` (at most the poll's interval), unless one comes sooner. */
  private schedule(inMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, Math.min(inMs, POLL_MS));
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.wake();
    }, at - Date.now());
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    let looked = false;
    try {
      for (;;) {
        const now = this.clock.now();
        // outcomes not yet written go with a claim (one write for both), or when they have waited long enough for an
        // event batch to take them (recordInto), or when stopping; a claim or an outcome lost in a crash only makes
        // the delivery run again (at least once). What the fan-out handed over goes first and needs no claim.
        const due: Attempt[] = this.handedOver.splice(0, wholeEvents(this.handedOver, PARALLEL));
        const handed = due.length;
        const claim = due.length < PARALLEL && this.claimWanted && !this.stopped;
        if (claim) [this.claimWanted, looked] = [false, true];
        if (claim || ((this.recordWanted || this.stopped) && this.unrecorded.length > 0)) {
          this.recordWanted = false;
          const recorded = this.takeUnrecorded();
          const lease = now + this.settings.timeoutMs + LEASE_MARGIN_MS;
          const limit = PARALLEL - due.length;
          let claimed: StoredExecution[];
          try {
            claimed = await this.storage.transaction(
              async (tx) => {
                await this.writeOutcomes(tx, recorded, now);
                await this.pruneAfter(tx, recorded);
                return claim ? tx.webhooks.claimDue(now, lease, limit) : [];
              },
              { relaxed: true },
            );
          } catch (e) {
            this.keepUnrecorded(recorded);
            this.handedOver = due.slice(0, handed).concat(this.handedOver);
            throw e;
          }
          // a full round: more may be due
          if (claim && claimed.length === limit) this.claimWanted = true;
          due.push(...claimed);
        }
        if (due.length === 0) break;
        const outcomes = await this.attempts(due, new RoundMemo(), handed);
        this.keepUnrecorded(outcomes);
        for (const o of outcomes) if (o.status === 'pending') this.schedule(o.next - this.clock.now());
      }
      if (this.stopped) return;
      // after a claim the loop knows when the queue's next execution is due; otherwise the poll stays armed
      const nextDue = looked ? await this.storage.webhooks.nextDueMs() : undefined;
      this.schedule(nextDue === undefined ? POLL_MS : nextDue - this.clock.now());
    } catch {
      // the database was unreachable or closing: try again at the next poll
      this.schedule(POLL_MS);
    }
  }

  /**
   * A round's attempts, outside any transaction: checked and signed here, sent together by the sending thread.
   * The first `handed` were handed over by the fan-out, whose transaction checked their webhooks' savers moments ago
   * (their first attempt is not checked again).
   */
  private async attempts(due: Attempt[], round: RoundMemo, handed: number): Promise<Outcome[]> {
    const prepared = await Promise.all(due.map((e, i) => this.prepare(e, round, i < handed)));
    const requests = prepared.filter((p): p is SendRequest => !('status' in p));
    const sent = await this.sender.send(requests);
    let k = 0;
    return prepared.map((p, i) => ('status' in p ? p : this.outcome(due[i], sent[k++])));
  }

  /** The request of one attempt, or its outcome when it may not be sent. */
  private async prepare(e: Attempt, round: RoundMemo, checked: boolean): Promise<SendRequest | Outcome> {
    // the cached list follows every change to a `_webhooks` object, on this node and (by its notice) on others
    const w = (await this.webhooks.cached()).find((x) => x.id === e.webhookId);
    const refusal = !w
      ? 'Not sent: the webhook was removed'
      : !w.enabled && e.action !== 'Test' && e.action !== 'Custom'
        ? 'Not sent: the webhook is disabled'
        : e.contentType && !checked
          ? await round.once(`refusal\0${w.id}\0${e.contentType}`, () => this.webhooks.refusal(w, e.contentType!))
          : undefined;
    if (!w || refusal)
      return { e, status: 'error', httpStatus: null, durationMs: null, error: refusal ?? null, next: e.nextAttemptMs };
    // one route per webhook and round: its requests share it, and it crosses to the sending thread once
    const route = await round.once(`route\0${w.id}`, async (): Promise<SendRoute> => {
      const headers: Record<string, string> = {};
      for (const h of w.headers) headers[h.name] = h.value;
      Object.assign(headers, { 'user-agent': 'Flotilla-Webhooks/1', 'x-flotilla-webhook-id': w.id });
      const sign = { secret: await this.webhooks.secret(w.id), t: Math.floor(this.clock.now() / 1000) };
      return { url: w.url, headers, timeoutMs: this.settings.timeoutMs, sign };
    });
    return { route, body: e.payload, delivery: deliveryId(e) };
  }

  private outcome(e: Attempt, r: Omit<SendResult, 'body'>): Outcome {
    if (r.error === null)
      return { e, status: 'done', httpStatus: r.status, durationMs: r.durationMs, error: null, next: e.nextAttemptMs };
    const last = e.attempts >= this.settings.attempts;
    const backoff = Math.min(MAX_BACKOFF_MS, this.settings.retryBaseMs * 2 ** (e.attempts - 1));
    return {
      e,
      status: last ? 'error' : 'pending',
      httpStatus: r.status,
      durationMs: r.durationMs,
      error: redact(r.error),
      next: last ? e.nextAttemptMs : this.clock.now() + backoff,
    };
  }

  /**
   * Writes a round's outcomes within the caller's transaction (one write instead of one per delivery: on SQLite
   * every write waits for the one connection). A claimed execution's row is updated, only if no later attempt claimed
   * it since; a handed-over first attempt's execution is inserted with its outcome, and its event finished.
   */
  private async writeOutcomes(tx: Storage, outcomes: Outcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    // literals, not spreads: a spread that adds fields costs microseconds a row (decision 0012, session 8)
    const claimed: Parameters<Storage['webhooks']['finishAttempts']>[0] = [];
    const first: NewExecution[] = [];
    const events = new Set<number>();
    for (const { e, status, httpStatus, durationMs, error, next } of outcomes) {
      if (e.id !== null) {
        claimed.push({ id: e.id, attempt: e.attempts, status, httpStatus, durationMs, error, nextAttemptMs: next });
        continue;
      }
      first.push({
        webhookId: e.webhookId,
        eventSeq: e.eventSeq,
        status,
        attempts: e.attempts,
        httpStatus,
        durationMs,
        error,
        action: e.action,
        contentType: e.contentType,
        objectId: e.objectId,
        payload: e.payload,
        nextAttemptMs: next,
        createdMs: e.createdMs,
        updatedMs: now,
      });
      events.add(e.eventSeq!);
    }
    if (claimed.length > 0) await tx.webhooks.finishAttempts(claimed, now);
    if (first.length > 0) {
      // written once; a row already there (the event's lease ran out and it was fanned out again) is kept
      await tx.webhooks.addExecutions(first);
      await tx.finishEvents([...events], now);
    }
  }

  /**
   * Trims a webhook's log to its last EXECUTIONS_KEPT entries every PRUNE_EVERY finished executions, in the
   * transaction that records them (no commit of its own).
   */
  private async pruneAfter(tx: Storage, outcomes: Outcome[]): Promise<void> {
    for (const { e, status } of outcomes) {
      if (status === 'pending') continue;
      const n = (this.finished.get(e.webhookId) ?? 0) + 1;
      this.finished.set(e.webhookId, n);
      if (n % PRUNE_EVERY === 1) await tx.webhooks.pruneExecutions(e.webhookId, EXECUTIONS_KEPT);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // a last pass: what was handed over is sent, and every outcome still unwritten is written
    await this.runner.run();
    await this.runner.idle();
    if (this.recordTimer) clearTimeout(this.recordTimer);
    await this.sender.stop();
  }
}
