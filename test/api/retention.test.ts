import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

/** Soft-deleted objects are removed for good after the retention; `removed` keeps reporting them for as long again. */
describe.each(dialectsUnderTest())('the retention sweep of deleted objects on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('removes old deleted objects (rows, versions, search entries) and keeps their ids in `removed` for a while', async () => {
    const rw = t().rw;
    const storage = t().app.storage;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('note', { title: text() }) })).statusCode,
    ).toBe(200);
    for (const id of ['old', 'kept']) {
      await t().call('POST', '/api/v1/content/note', { key: rw, body: { id, title: `wombat ${id}` } });
      await t().call('PATCH', `/api/v1/content/note/${id}`, { key: rw, body: { title: `wombat ${id} v2` } });
    }
    await t().call('DELETE', '/api/v1/content/note/old', { key: rw });
    const deletedAt = (await storage.getObjectAnyState('note', 'old'))!.deletedMs!;
    // nothing is old enough yet
    expect(await storage.sweepDeleted(deletedAt, 0, 1000)).toBe(0);
    expect(await storage.getObjectAnyState('note', 'old')).toBeDefined();
    // past the retention: the row and its versions go, live objects stay
    expect(await storage.sweepDeleted(deletedAt + 1, 0, 1000)).toBe(1);
    expect(await storage.getObjectAnyState('note', 'old')).toBeUndefined();
    expect(await storage.countVersions('note', 'old', 'preview')).toBe(0);
    expect((await t().call('GET', '/api/v1/content/note/kept', { key: rw })).statusCode).toBe(200);
    const removed = await t().call('GET', '/api/v1/content/note/removed', { key: rw });
    expect(removed.json()).toEqual(['old']);
    const search = await t().call('GET', '/api/v1/search?q=wombat', { key: rw });
    expect(search.json().data.map((h: { item: { id: string } }) => h.item.id)).toEqual(['kept']);
    // the id can be used again, and a later forget drops the old report
    expect(await storage.sweepDeleted(0, deletedAt + 1, 1000)).toBe(0);
    expect((await t().call('GET', '/api/v1/content/note/removed', { key: rw })).json()).toEqual([]);
    expect((await t().call('POST', '/api/v1/content/note', { key: rw, body: { id: 'old', title: 'again' } })).statusCode).toBe(
      200,
    );
  });
});
