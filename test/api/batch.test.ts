import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, number, ref, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';

describe.each(dialectsUnderTest())('batch endpoints on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('note', { title: text({ required: true }), n: number(), see: relation('note') }),
    });
  });

  it('creates all valid items and reports the invalid ones (400, partial success)', async () => {
    const res = await t().call('POST', `${C}/note/batch`, {
      key: t().rw,
      body: [
        { id: 'n1', title: 'one' },
        { id: 'n2', n: 2 },
        { id: 'n3', title: 'three' },
        { id: 'n1', title: 'dup' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const r = res.json();
    expect(r).toMatchObject({ batch_total_count: 4, batch_success_count: 2, batch_error_count: 2 });
    expect(r.errors[0]).toMatchObject({
      id: 'n2',
      data: { id: 'n2', n: 2 },
      errors: { title: ['The property title is required'] },
    });
    expect(r.errors[1].errors.id).toEqual(['There are duplications in object data, key: id']);
    expect((await t().call('GET', `${C}/note/n1`, { key: t().ro })).json().title).toBe('one');
    expect((await t().call('GET', `${C}/note/n3`, { key: t().ro })).statusCode).toBe(200);
    expect((await t().call('GET', `${C}/note/n2`, { key: t().ro })).statusCode).toBe(404);
  });

  it('succeeds with 200 and an empty error list; refuses existing ids without updateExisting', async () => {
    const ok = await t().call('POST', `${C}/note/batch`, { key: t().rw, body: [{ id: 'n4', title: 'four' }] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ batch_total_count: 1, batch_success_count: 1, batch_error_count: 0, errors: [] });
    const again = await t().call('POST', `${C}/note/batch`, { key: t().rw, body: [{ id: 'n4', title: 'four again' }] });
    expect(again.statusCode).toBe(400);
    expect(again.json().errors[0].errors.id).toEqual(['This value is already used']);
  });

  it('upserts with updateExisting=true, idempotently', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t().call('POST', `${C}/note/batch?updateExisting=true`, {
        key: t().rw,
        body: [
          { id: 'n4', title: 'four v2' },
          { id: 'n5', title: 'five' },
        ],
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await t().call('GET', `${C}/note/n4`, { key: t().ro })).json().title).toBe('four v2');
    expect((await t().call('GET', `${C}/note/n5`, { key: t().ro })).json().title).toBe('five');
  });

  it('batch PATCH changes only the sent fields and is 404 for a missing id', async () => {
    const res = await t().call('PATCH', `${C}/note/batch`, {
      key: t().rw,
      body: [
        { id: 'n1', n: 10 },
        { id: 'n3', n: 30 },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect((await t().call('GET', `${C}/note/n1`, { key: t().ro })).json()).toMatchObject({ title: 'one', n: 10 });
    const missing = await t().call('PATCH', `${C}/note/batch`, {
      key: t().rw,
      body: [
        { id: 'n1', n: 11 },
        { id: 'ghost', n: 1 },
      ],
    });
    expect(missing.statusCode).toBe(404);
    expect((await t().call('GET', `${C}/note/n1`, { key: t().ro })).json().n).toBe(10);
  });

  it('refuses more than 100 items', async () => {
    const body = Array.from({ length: 101 }, (_, i) => ({ id: `x${i}`, title: 'x' }));
    const res = await t().call('POST', `${C}/note/batch`, { key: t().rw, body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('batch_limit');
    expect((await t().call('GET', `${C}/note/x0`, { key: t().ro })).statusCode).toBe(404);
  });

  it('batch-delete deletes what it can and reports the rest', async () => {
    await t().call('POST', `${C}/note`, { key: t().rw, body: { id: 'holder', title: 'h', see: [ref('note', 'n5')] } });
    const res = await t().call('POST', `${C}/note/batch-delete`, { key: t().rw, body: ['n3', 'ghost', 'n5'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      'Content object: "ghost" doesn\'t exist',
      'Content object: "n5" is used in another content object.',
    ]);
    expect((await t().call('GET', `${C}/note/n3`, { key: t().ro })).statusCode).toBe(404);
    const ok = await t().call('POST', `${C}/note/batch-delete`, { key: t().rw, body: ['holder', 'n5'] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ deletedCount: 2 });
  });
});
