import type { Worker } from 'node:worker_threads';
import { startThread } from '../core/threads.js';
import type { SendResult } from './send.js';
import type { WebhookUrlPolicy } from './webhook-url.js';

/** Where and how requests go: shared by the requests of one webhook in a round, so it crosses to the thread once. */
export interface SendRoute {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The signing secret and timestamp: the thread adds the signature header (HMAC over the body) as it sends. */
  sign?: { secret: string; t: number };
}

export interface SendRequest {
  route: SendRoute;
  body: string;
  /** The delivery's id (X-Flotilla-Delivery), when it is one. */
  delivery?: string;
}

/** A batch as it crosses to the thread: each route once, then per request its route's index, body and delivery id. */
export interface SendBatch {
  batch: number;
  routes: SendRoute[];
  items: [route: number, body: string, delivery: string | null][];
}

export interface SendThreadData {
  allowed: readonly string[];
  denied: readonly string[];
}

/** A batch's results, in the order of its requests (the answer's body is not carried back: deliveries ignore it). */
export interface SentBatch {
  batch: number;
  results: [status: number | null, durationMs: number, error: string | null][];
}

/**
 * Where a delivery's HTTP exchange runs: a worker thread of its own, started at the first delivery, given a whole
 * round at once. The request-serving thread then spends a message per round on deliveries instead of an HTTP client's
 * work per delivery (issue 10's bar: writes keep ≥ 90 % of their throughput with a webhook). The thread connects
 * under the same address policy (FLOTILLA_WEBHOOK_ALLOW/DENY) as the server. If it dies, the batches it held fail
 * (and are retried like any failed delivery) and the next round starts a new one.
 */
export class Sender {
  private worker: Worker | undefined;
  private nextBatch = 1;
  private readonly pending = new Map<number, { size: number; resolve: (r: Omit<SendResult, 'body'>[]) => void }>();

  constructor(private readonly policy: WebhookUrlPolicy) {}

  send(requests: SendRequest[]): Promise<Omit<SendResult, 'body'>[]> {
    if (requests.length === 0) return Promise.resolve([]);
    const worker = this.thread();
    const batch = this.nextBatch++;
    const routes: SendRoute[] = [];
    const index = new Map<SendRoute, number>();
    const items: SendBatch['items'] = requests.map((r) => {
      let i = index.get(r.route);
      if (i === undefined) index.set(r.route, (i = routes.push(r.route) - 1));
      return [i, r.body, r.delivery ?? null];
    });
    const message: SendBatch = { batch, routes, items };
    return new Promise((resolve) => {
      this.pending.set(batch, { size: requests.length, resolve });
      worker.postMessage(message);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const workerData: SendThreadData = { allowed: this.policy.allowed, denied: this.policy.denied };
    const worker = startThread(import.meta.url, 'send-thread', workerData);
    worker.unref();
    worker.on('message', (m: SentBatch) => {
      const p = this.pending.get(m.batch);
      if (!p) return;
      this.pending.delete(m.batch);
      p.resolve(m.results.map(([status, durationMs, error]) => ({ status, durationMs, error })));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const p of this.pending.values())
        p.resolve(Array.from({ length: p.size }, () => ({ status: null, durationMs: 0, error: why })));
      this.pending.clear();
    };
    worker.on('error', (e) => lost(`The sending thread failed: ${e.message}`));
    worker.on('exit', () => lost('The sending thread stopped'));
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values())
      p.resolve(Array.from({ length: p.size }, () => ({ status: null, durationMs: 0, error: 'The server is stopping' })));
    this.pending.clear();
    await w?.terminate();
  }
}
