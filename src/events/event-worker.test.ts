import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Storage } from '../storage/port.js';
import type { ContentEvent } from '../core/content-event.js';
import { EventWorker } from './event-worker.js';

const event = (seq: number): ContentEvent => ({
  seq,
  kind: 'object',
  action: 'create',
  contentType: 'post',
  objectId: `p${seq}`,
  version: 1,
  actor: 'system',
  atMs: 0,
});

/** A storage whose outbox holds `pending` events; counts the claims (processEvents calls). */
function outbox(pending: number) {
  let next = 1;
  const claims: number[] = [];
  const storage = {
    async processEvents(
      limit: number,
      _now: number,
      fn: (events: ContentEvent[], tx: Storage, hold: (seq: number, untilMs: number) => void) => Promise<void>,
    ) {
      const n = Math.min(limit, pending);
      pending -= n;
      claims.push(n);
      if (n > 0)
        await fn(
          Array.from({ length: n }, () => event(next++)),
          storage as unknown as Storage,
          () => undefined,
        );
      return n;
    },
    pruneEvents: async () => undefined,
    sweepDeleted: async () => 0,
    onCommitted: (fn: () => void) => void (committed = fn),
  };
  let committed: () => void = () => undefined;
  return {
    storage: storage as unknown as Storage,
    claims,
    add: (n: number) => (pending += n),
    /** A transaction recorded `n` events and committed. */
    commit: (n: number) => {
      pending += n;
      committed();
    },
  };
}

describe('EventWorker drains the outbox', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gathers the commits of 50 ms into one claim (an import commits a batch every 10–90 ms), of 150 ms while 200 or more come a second', async () => {
    vi.useFakeTimers();
    const box = outbox(0);
    const worker = new EventWorker(box.storage, { now: () => 0 }, { error: () => undefined });
    worker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(box.claims).toEqual([0]);
    box.commit(3);
    await vi.advanceTimersByTimeAsync(30);
    box.commit(3);
    await vi.advanceTimersByTimeAsync(30);
    // the window opened by the first commit closed at 50 ms: one claim took both batches' events
    expect(box.claims).toEqual([0, 6]);
    box.commit(50);
    await vi.advanceTimersByTimeAsync(49);
    expect(box.claims).toEqual([0, 6]);
    await vi.advanceTimersByTimeAsync(1);
    expect(box.claims).toEqual([0, 6, 50]);
    // 50 events in 50 ms, 200 a second or more: the next window is 150 ms, and stays while 30 or more come in it
    box.commit(40);
    await vi.advanceTimersByTimeAsync(149);
    expect(box.claims).toEqual([0, 6, 50]);
    await vi.advanceTimersByTimeAsync(1);
    expect(box.claims).toEqual([0, 6, 50, 40]);
    box.commit(29);
    await vi.advanceTimersByTimeAsync(150);
    expect(box.claims).toEqual([0, 6, 50, 40, 29]);
    // 29 in 150 ms is under 200 a second: back to 50 ms
    box.commit(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(box.claims).toEqual([0, 6, 50, 40, 29]);
    await vi.advanceTimersByTimeAsync(1);
    expect(box.claims).toEqual([0, 6, 50, 40, 29, 1]);
    // 12 events in one 50 ms window after a quiet spell (the poll at 1 000 ms claims nothing): 12 since the last drain
    // ~650 ms before is no rush, and the window stays 50 ms
    await vi.advanceTimersByTimeAsync(1100 - 460);
    box.commit(12);
    await vi.advanceTimersByTimeAsync(50);
    box.commit(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(box.claims.filter((n) => n > 0)).toEqual([6, 50, 40, 29, 1, 12, 1]);
    await worker.stop();
  });

  it('claims once when the claim comes back short: every event committed before it was taken', async () => {
    const box = outbox(3);
    const seen: number[] = [];
    const worker = new EventWorker(box.storage, { now: () => 0 }, { error: () => undefined });
    worker.use('test', async (events) => void seen.push(...events.map((e) => e.seq)));
    await worker.wake();
    expect(seen).toEqual([1, 2, 3]);
    expect(box.claims).toEqual([3]);
    // later events: the next wake takes them
    box.add(2);
    await worker.wake();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(box.claims).toEqual([3, 2]);
    await worker.stop();
  });

  it('claims again while claims come back full, until one is short', async () => {
    const box = outbox(450);
    let seen = 0;
    const worker = new EventWorker(box.storage, { now: () => 0 }, { error: () => undefined });
    worker.use('test', async (events) => void (seen += events.length));
    await worker.wake();
    expect(seen).toBe(450);
    expect(box.claims).toEqual([200, 200, 50]);
    await worker.stop();
  });
});
