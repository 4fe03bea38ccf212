import { describe, expect, it } from 'vitest';
import { EventWorker } from '../../src/events/event-worker.js';
import { connectStorage } from '../../src/storage/connect.js';
import { createTestDatabase } from '../support/databases.js';

/** The event worker over a real SQLite outbox: held events and rolled-back batches. */
describe('EventWorker on a real outbox', () => {
  it('an event held and not finished goes, after its lease, to the consumer that held it and to no other', async () => {
    const db = await createTestDatabase('sqlite');
    const storage = await connectStorage({ dataDir: db.dataDir, databaseUrl: undefined });
    try {
      let now = 1000;
      const worker = new EventWorker(storage, { now: () => now }, { error: () => undefined });
      const seen: Record<string, string[]> = { other: [], holder: [] };
      let holdFrom: string | undefined = 'h';
      worker.use('other', async (events, _tx, _after, hold) => {
        seen.other.push(...events.map((e) => e.objectId!));
        // only the consumer added with `holds` may hold
        expect(() => hold(events[0].seq, now + 10)).toThrow('may not hold');
      });
      worker.use(
        'holder',
        async (events, _tx, _after, hold) => {
          for (const e of events) {
            seen.holder.push(`${e.objectId}${e.heldBefore ? ' again' : ''}`);
            if (holdFrom && e.objectId!.startsWith(holdFrom)) hold(e.seq, now + 500);
          }
        },
        { holds: true },
      );
      expect(() => worker.use('second', async () => undefined, { holds: true })).toThrow('only one consumer');
      const record = (...ids: string[]) =>
        storage.transaction((tx) =>
          tx.recordEvents(
            ids.map((id) => ({
              event: { kind: 'object' as const, action: 'create' as const, contentType: 'post', objectId: id, version: 1 },
              actor: 'system',
              atMs: now,
            })),
          ),
        );
      await record('h1', 'p1');
      await worker.wake();
      expect(seen).toEqual({ other: ['h1', 'p1'], holder: ['h1', 'p1'] });
      holdFrom = undefined;
      // within the lease nothing is claimed; after it, only the holder hears of h1 again (the other ran on it already)
      now += 400;
      await record('p2');
      await worker.wake();
      now += 200;
      await worker.wake();
      expect(seen).toEqual({ other: ['h1', 'p1', 'p2'], holder: ['h1', 'p1', 'p2', 'h1 again'] });
      expect(await storage.pendingEvents()).toBe(0);
      await worker.stop();
    } finally {
      await storage.close();
      await db.drop();
    }
  });

  it("a batch that rolls back runs its consumers' onRollback and none of their afterCommit; one that commits, the reverse", async () => {
    const db = await createTestDatabase('sqlite');
    const storage = await connectStorage({ dataDir: db.dataDir, databaseUrl: undefined });
    try {
      const worker = new EventWorker(storage, { now: () => 0 }, { error: () => undefined });
      const calls: string[] = [];
      let fail = true;
      worker.use('first', async (events, _tx, afterCommit) => {
        const ids = events.map((e) => e.objectId).join();
        afterCommit(
          () => calls.push(`committed ${ids}`),
          () => calls.push(`rolled back ${ids}`),
        );
      });
      worker.use('second', async () => {
        if (fail) throw new Error('this batch fails');
      });
      await storage.transaction((tx) =>
        tx.recordEvents([
          {
            event: { kind: 'object', action: 'create', contentType: 'post', objectId: 'x1', version: 1 },
            actor: 'system',
            atMs: 0,
          },
        ]),
      );
      await worker.wake();
      expect(calls).toEqual(['rolled back x1']);
      expect(await storage.pendingEvents()).toBe(1);
      fail = false;
      await worker.wake();
      expect(calls).toEqual(['rolled back x1', 'committed x1']);
      expect(await storage.pendingEvents()).toBe(0);
      await worker.stop();
    } finally {
      await storage.close();
      await db.drop();
    }
  });
});
