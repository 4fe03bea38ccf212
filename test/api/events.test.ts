import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContentEvent } from '../../src/core/content-event.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, number, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

type Seen = Pick<ContentEvent, 'kind' | 'action' | 'contentType' | 'objectId' | 'version'>;

/** One event per committed change, written with it; none for a change that did not commit. */
describe.each(dialectsUnderTest())('content events (the outbox) on %s', (dialect) => {
  const t = useTestApp(dialect);
  const seen: ContentEvent[] = [];
  // while set, the recorder fails every claim it is handed (after noting what it was handed)
  let failing = false;
  let handed: (string | null)[] = [];
  const drained = async (): Promise<Seen[]> => {
    await t().app.services.events.wake();
    return seen
      .splice(0)
      .map(({ kind, action, contentType, objectId, version }) => ({ kind, action, contentType, objectId, version }));
  };

  beforeAll(async () => {
    t().app.services.events.use('test-recorder', async (events) => {
      if (failing) {
        handed = events.map((e) => e.objectId);
        throw new Error('consumer failed');
      }
      seen.push(...events);
    });
  });
  beforeEach(async () => {
    await drained();
  });

  it('definitions: create, update (with the objects it migrates), purge and delete', async () => {
    const rw = t().rw;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('gadget', { name: text() }) })).statusCode,
    ).toBe(200);
    expect(await drained()).toEqual([{ kind: 'type', action: 'create', contentType: 'gadget', objectId: null, version: null }]);
    for (const id of ['g1', 'g2']) await t().call('POST', '/api/v1/content/gadget', { key: rw, body: { id, name: id } });
    await drained();
    const changed = await t().call('PUT', '/api/v1/internal/contenttype/gadget', {
      key: rw,
      body: ctd('gadget', { name: text(), size: number() }),
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const afterUpdate = await drained();
    expect(afterUpdate).toContainEqual({ kind: 'type', action: 'update', contentType: 'gadget', objectId: null, version: null });
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype/gadget/purge', { key: rw, body: { deleteSchema: true } })).statusCode,
    ).toBeLessThan(300);
    expect(await drained()).toEqual([
      { kind: 'type', action: 'purge', contentType: 'gadget', objectId: null, version: null },
      { kind: 'type', action: 'delete', contentType: 'gadget', objectId: null, version: null },
    ]);
  });

  it('objects: create, PUT, PATCH, delete, batch; a write that changes nothing has no event', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('memo', { title: text(), n: number() }) });
    await drained();
    await t().call('POST', '/api/v1/content/memo', { key: rw, body: { id: 'm1', title: 'a' } });
    await t().call('PUT', '/api/v1/content/memo/m1', { key: rw, body: { title: 'b' } });
    await t().call('PATCH', '/api/v1/content/memo/m1', { key: rw, body: { n: 2 } });
    await t().call('PATCH', '/api/v1/content/memo/m1', { key: rw, body: { n: 2 } });
    await t().call('DELETE', '/api/v1/content/memo/m1', { key: rw });
    const batch = await t().call('POST', '/api/v1/content/memo/batch', {
      key: rw,
      body: [
        { id: 'm2', title: 'x' },
        { id: 'm3', title: 5 },
        { id: 'm4', title: 'y' },
      ],
    });
    expect(batch.json().batch_success_count).toBe(2);
    await t().call('POST', '/api/v1/content/memo/batch-delete', { key: rw, body: ['m2', 'nope'] });
    const o = (action: Seen['action'], objectId: string, version: number | null): Seen => ({
      kind: 'object',
      action,
      contentType: 'memo',
      objectId,
      version,
    });
    expect(await drained()).toEqual([
      o('create', 'm1', 1),
      o('update', 'm1', 2),
      o('update', 'm1', 3),
      o('delete', 'm1', null),
      o('create', 'm2', 1),
      o('create', 'm4', 1),
      o('delete', 'm2', null),
    ]);
  });

  it('a change that rolls back leaves no event and tells no cache', async () => {
    const storage = t().app.storage;
    let notices = 0;
    storage.onCommitted(() => notices++);
    await expect(
      storage.transaction(async (tx) => {
        await tx.recordEvent(
          { kind: 'object', action: 'create', contentType: 'memo', objectId: 'ghost', version: 1 },
          'system',
          1,
        );
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await drained()).toEqual([]);
    expect(notices).toBe(0);
    // a refused write (validation) does not reach storage at all
    await t().call('POST', '/api/v1/content/memo', { key: t().rw, body: { id: 'bad', title: 42 } });
    expect(await drained()).toEqual([]);
  });

  it('a claim whose consumer fails is undone: its events stay pending and are handed out again, in order', async () => {
    const storage = t().app.storage;
    const ids = ['again1', 'again2', 'again3'];
    // through the running worker (its gathering timer, its poll or this wake: whichever claims first, the claim fails)
    failing = true;
    handed = [];
    try {
      await storage.transaction((tx) =>
        tx.recordEvents(
          ids.map((objectId) => ({
            event: { kind: 'object', action: 'create', contentType: 'memo', objectId, version: 1 },
            actor: 'system',
            atMs: 1,
          })),
        ),
      );
      const pending = await storage.pendingEvents();
      expect(pending).toBeGreaterThanOrEqual(ids.length);
      await t().app.services.events.wake();
      expect(handed.filter((id) => id !== null && ids.includes(id))).toEqual(ids);
      expect(seen).toEqual([]);
      expect(await storage.pendingEvents()).toBe(pending);
    } finally {
      failing = false;
    }
    expect((await drained()).map((e) => e.objectId)).toEqual(ids);
    expect(await storage.pendingEvents()).toBe(0);
  });

  it('an event can only be written inside a transaction', async () => {
    await expect(
      t().app.storage.recordEvent(
        { kind: 'type', action: 'create', contentType: 'memo', objectId: null, version: null },
        'system',
        1,
      ),
    ).rejects.toThrow(/outside a transaction/);
  });

  it('records who made the change', async () => {
    await t().call('POST', '/api/v1/content/memo', { key: t().rw, body: { id: 'who', title: 'w' } });
    await t().app.services.events.wake();
    const rw = (await t().app.services.keys.list({ kind: 'system' })).find((k) => k.kind === 'read-write')!;
    const row = await t().app.storage.getObject('memo', 'who', 'preview');
    expect(row?.updatedBy).toBe(`key:${rw.id}`);
  });
});
