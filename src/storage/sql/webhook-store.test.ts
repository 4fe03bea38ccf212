import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../../test/support/databases.js';
import { connectStorage } from '../connect.js';
import type { Storage } from '../port.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { NewExecution } from '../webhook-port.js';
import { ctd, text } from '../../../test/support/fixtures.js';

const execution = (eventSeq: number): NewExecution => ({
  webhookId: 'w1',
  eventSeq,
  status: 'pending',
  attempts: 0,
  httpStatus: null,
  durationMs: null,
  error: null,
  action: 'Create',
  contentType: 'note',
  objectId: `n${eventSeq}`,
  payload: `{"n":${eventSeq}}`,
  nextAttemptMs: 0,
  createdMs: 0,
  updatedMs: 0,
});

/** The delivery queue's bookkeeping statements, on both databases. */
describe.each(dialectsUnderTest())('webhook executions on %s', (dialect) => {
  let db: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    storage = await connectStorage({ dataDir: db.dataDir, databaseUrl: db.databaseUrl });
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('queues a batch once per (webhook, event), claims it, and records a round of outcomes only for the attempt that claimed each', async () => {
    await storage.webhooks.addExecutions([execution(1), execution(2), execution(3)]);
    await storage.webhooks.addExecutions([execution(2), execution(4)]);
    const claimed = await storage.webhooks.claimDue(10, 1000, 10);
    expect(claimed.map((e) => [e.eventSeq, e.attempts])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    const [a, b, c, d] = claimed;
    await storage.webhooks.finishAttempts(
      [
        { id: a.id, attempt: 1, status: 'done', httpStatus: 200, durationMs: 5, error: null, nextAttemptMs: 0 },
        {
          id: b.id,
          attempt: 1,
          status: 'pending',
          httpStatus: 503,
          durationMs: 7,
          error: 'The receiver answered 503',
          nextAttemptMs: 500,
        },
        // a stale outcome: this execution was claimed again meanwhile (attempt 2), so it is ignored
        { id: c.id, attempt: 0, status: 'done', httpStatus: 200, durationMs: 1, error: null, nextAttemptMs: 0 },
        { id: d.id, attempt: 1, status: 'error', httpStatus: null, durationMs: null, error: 'it\'s "quoted"', nextAttemptMs: 0 },
      ],
      20,
    );
    const got = async (id: number) => {
      const e = (await storage.webhooks.getExecution(id))!;
      return [e.status, e.httpStatus, e.durationMs, e.error, e.nextAttemptMs, e.updatedMs];
    };
    expect(await got(a.id)).toEqual(['done', 200, 5, null, 0, 20]);
    expect(await got(b.id)).toEqual(['pending', 503, 7, 'The receiver answered 503', 500, 20]);
    expect(await got(c.id)).toEqual(['pending', null, null, null, 0, 10]);
    expect(await got(d.id)).toEqual(['error', null, null, 'it\'s "quoted"', 0, 20]);
    // the retried one is due again at 500, with its lease given back
    expect((await storage.webhooks.claimDue(600, 2000, 10)).map((e) => [e.eventSeq, e.attempts])).toEqual([[2, 2]]);
  });

  it('writes an attempted execution once, with its outcome: never over a row its (webhook, event) already has', async () => {
    const attempted = (seq: number, status: 'done' | 'pending' | 'error', httpStatus: number | null): NewExecution => ({
      ...execution(seq),
      webhookId: 'w2',
      status,
      attempts: 1,
      httpStatus,
      durationMs: 12,
      error: status === 'done' ? null : 'The receiver answered 503',
      nextAttemptMs: status === 'pending' ? 700 : 0,
      updatedMs: 30,
    });
    expect(await storage.webhooks.addExecutions([attempted(1, 'done', 200), attempted(2, 'pending', 503)])).toBe(2);
    const w2 = async () =>
      (await storage.webhooks.listExecutions('w2', 10)).map((e) => [
        e.eventSeq,
        e.status,
        e.attempts,
        e.httpStatus,
        e.durationMs,
        e.nextAttemptMs,
        e.updatedMs,
      ]);
    expect(await w2()).toEqual([
      [2, 'pending', 1, 503, 12, 700, 30],
      [1, 'done', 1, 200, 12, 0, 30],
    ]);
    // the same executions again (another node fanned the event out anew), and a new one: only the new one is written
    expect(
      await storage.webhooks.addExecutions(
        [attempted(1, 'error', null), execution(3), attempted(2, 'done', 200)].map((e) => ({ ...e, webhookId: 'w2' })),
      ),
    ).toBe(1);
    expect((await w2()).map(([seq, status]) => [seq, status])).toEqual([
      [3, 'pending'],
      [2, 'pending'],
      [1, 'done'],
    ]);
    // the retry is claimed from its time on, as its second attempt; the done one never
    const w2Due = (list: { webhookId: string; eventSeq: number | null; attempts: number }[]) =>
      list.filter((e) => e.webhookId === 'w2').map((e) => [e.eventSeq, e.attempts]);
    expect(w2Due(await storage.webhooks.claimDue(699, 5000, 50))).toEqual([[3, 1]]);
    expect(w2Due(await storage.webhooks.claimDue(701, 6000, 50))).toEqual([[2, 2]]);
  });

  it('an event held after its batch stays unprocessed and unclaimable until it is finished or its lease ends', async () => {
    const claim = async (now: number, holds: Record<string, number> = {}) => {
      const seen: { id: string; seq: number; heldBefore: boolean }[] = [];
      await storage.processEvents(500, now, async (events, _tx, hold) => {
        for (const e of events) {
          seen.push({ id: e.objectId!, seq: e.seq, heldBefore: e.heldBefore === true });
          if (Object.hasOwn(holds, e.objectId!)) hold(e.seq, holds[e.objectId!]);
        }
      });
      return seen;
    };
    await claim(0); // what earlier tests left in the outbox
    const event = (id: string) => ({
      event: { kind: 'object' as const, action: 'create' as const, contentType: 'note', objectId: id, version: 1 },
      actor: 'system',
      atMs: 1,
    });
    await storage.transaction((tx) => tx.recordEvents([event('h1'), event('h2'), event('h3')]));
    const first = await claim(100, { h1: 1000, h2: 1000 });
    expect(first.map((e) => [e.id, e.heldBefore])).toEqual([
      ['h1', false],
      ['h2', false],
      ['h3', false],
    ]);
    // h3 is processed; the held two stay pending, and no claim takes them within their lease
    expect(await storage.pendingEvents()).toBe(2);
    expect(await claim(999)).toEqual([]);
    // h1 is finished (as a delivery round's outcomes finish it); h2 is not, and is claimed again after the lease
    await storage.transaction((tx) => tx.finishEvents([first[0].seq], 999));
    expect(await storage.pendingEvents()).toBe(1);
    expect((await claim(1001)).map((e) => [e.id, e.heldBefore])).toEqual([['h2', true]]);
    expect(await storage.pendingEvents()).toBe(0);
    expect(await claim(5000)).toEqual([]);
  });

  it('remembers the objects an event carries once its transaction commits, only of wanted types, until taken; never a rolled-back one', async () => {
    await storage.insertType('memo', JSON.stringify(ctd('memo', { title: text() })), 0);
    const obj = (id: string) => ({
      type: 'memo',
      id,
      data: `{"id":"${id}"}`,
      title: id,
      createdMs: 1,
      updatedMs: 1,
      refs: [],
      actor: 'system',
      draftPublic: false,
    });
    const write = (id: string, fail = false) =>
      storage.transaction(async (tx) => {
        const [row] = await tx.writeObjects([{ kind: 'create', obj: obj(id) }]);
        await tx.recordEvents([
          {
            event: { kind: 'object', action: 'create', contentType: 'memo', objectId: id, version: row!.version },
            actor: 'system',
            atMs: 1,
            object: row,
          },
        ]);
        if (fail) throw new Error('rolled back');
        // not before the commit
        expect(tx.takeWritten('memo', id, row!.version)).toBeUndefined();
      });
    await write('unwanted');
    expect(storage.takeWritten('memo', 'unwanted', 1)).toBeUndefined();
    storage.rememberWritten(new Set(['memo']));
    await write('kept');
    expect(storage.takeWritten('memo', 'kept', 1)).toMatchObject({ id: 'kept', data: '{"id":"kept"}', version: 1 });
    // handed out once: its one reader has it
    expect(storage.takeWritten('memo', 'kept', 1)).toBeUndefined();
    await expect(write('lost', true)).rejects.toThrow('rolled back');
    expect(storage.takeWritten('memo', 'lost', 1)).toBeUndefined();
    await write('dropped');
    storage.rememberWritten(null);
    expect(storage.takeWritten('memo', 'dropped', 1)).toBeUndefined();
  });

  it.runIf(dialect === 'postgres')(
    'bookkeeping transactions do not wait for the disk on PostgreSQL; every other transaction does',
    async () => {
      const setting = (tx: Storage) =>
        sql<{ v: string }>`SELECT current_setting('synchronous_commit') AS v`
          .execute((tx as unknown as { db: Kysely<Database> }).db)
          .then((r) => r.rows[0].v);
      const relaxed = await storage.transaction(setting, { relaxed: true });
      const normal = await storage.transaction(setting);
      expect([relaxed, normal]).toEqual(['off', 'on']);
    },
  );
});
