import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

/** Decision 0019: what the page, count and search-response caches are validated against. */
describe.each(dialectsUnderTest())('per-type write generations on %s', (dialect) => {
  const t = useTestApp(dialect);
  const gens = (...types: string[]) => t().app.storage.typeGenerations(types);

  it('move with every committed change of the type, only of that type, and never with a rolled-back one', async () => {
    const [never] = await gens('never-written');
    expect(never).toBe(0);
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('gen_a', { title: text() }) });
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('gen_b', { title: text() }) });
    const [a0, b0] = await gens('gen_a', 'gen_b');
    expect(a0).toBeGreaterThan(0);
    await t().call('POST', '/api/v1/content/gen_a', { key: t().rw, body: { id: 'x', title: 'one' } });
    const [a1, b1] = await gens('gen_a', 'gen_b');
    expect(a1).toBeGreaterThan(a0);
    expect(b1).toBe(b0);
    // a batch of ten objects is one transaction: one step, whatever its size
    const batch = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, title: 'many' }));
    expect((await t().call('POST', '/api/v1/content/gen_a/batch', { key: t().rw, body: batch })).statusCode).toBe(200);
    const [a2] = await gens('gen_a');
    expect(a2).toBe(a1 + 1);
    // a transaction that rolls back leaves the generation where it was
    await expect(
      t().app.storage.transaction(async (tx) => {
        await tx.recordEvent(
          { kind: 'object', action: 'create', contentType: 'gen_a', objectId: 'ghost', version: 1 },
          'system',
          1,
        );
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await gens('gen_a')).toEqual([a2]);
    // a definition change, a purge and a deleted type all move it on; a re-created type never comes back to old values
    await t().call('POST', '/api/v1/internal/contenttype/gen_a/purge', { key: t().rw, body: {} });
    const [a3] = await gens('gen_a');
    expect(a3).toBeGreaterThan(a2);
    expect((await t().call('DELETE', '/api/v1/internal/contenttype/gen_a', { key: t().rw })).statusCode).toBeLessThan(300);
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('gen_a', { title: text() }) });
    const [a4] = await gens('gen_a');
    expect(a4).toBeGreaterThan(a3);
  });
});
