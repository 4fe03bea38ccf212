import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, rule, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

describe.each(dialectsUnderTest())('user-defined keys on %s', (dialect) => {
  const t = useTestApp(dialect);
  const key = async (rules: KeyRule[]) => (await t().app.services.keys.createUserDefined(SYSTEM, `k${Math.random()}`, rules)).key;

  beforeAll(async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('secret', { code: text() }) });
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('post', { title: text(), secret: relation('secret') }),
    });
    await t().call('POST', '/api/v1/content/secret', { key: rw, body: { id: 's1', code: 'launch' } });
    await t().call('POST', '/api/v1/content/post', {
      key: rw,
      body: { id: 'p1', title: 'Hello', secret: [ref('secret', 's1')] },
    });
  });

  it('a key with no rules can do nothing', async () => {
    const k = await key([]);
    expect((await t().call('GET', '/api/v1/content/post', { key: k })).statusCode).toBe(403);
    expect((await t().call('GET', '/api/v1/internal/contenttype/post', { key: k })).statusCode).toBe(403);
    expect((await t().call('GET', '/api/v1/internal/contenttype', { key: k })).json().data).toEqual([]);
    expect((await t().call('GET', '/api/auth-context', { key: k })).json()).toMatchObject({ kind: 'user-defined', rules: [] });
  });

  it('read on post: lists and gets post, not secret; CTD list shows only post; hydration leaves secret as stored', async () => {
    const k = await key([rule('post', { canRead: true })]);
    expect((await t().call('GET', '/api/v1/content/post', { key: k })).json().total_count).toBe(1);
    expect((await t().call('GET', '/api/v1/content/secret', { key: k })).statusCode).toBe(403);
    expect((await t().call('GET', '/api/v1/content/secret/s1', { key: k })).statusCode).toBe(403);
    expect((await t().call('GET', '/api/v1/content/nosuchtype', { key: k })).statusCode).toBe(403);
    const types = (await t().call('GET', '/api/v1/internal/contenttype?limit=100', { key: k })).json();
    expect(types.data.map((c: { name: string }) => c.name)).toEqual(['post']);
    expect((await t().call('GET', '/api/v1/internal/contenttype/secret', { key: k })).statusCode).toBe(403);
    for (const hydrate of [1, 2]) {
      const got = (await t().call('GET', `/api/v1/content/post/p1?hydrate=${hydrate}`, { key: k })).json();
      expect(got.secret).toEqual([ref('secret', 's1')]);
      const list = (await t().call('GET', `/api/v1/content/post?hydrate=${hydrate}`, { key: k })).json();
      expect(list.data[0].secret).toEqual([ref('secret', 's1')]);
    }
    const both = await key([rule('post', { canRead: true }), rule('secret', { canRead: true })]);
    expect((await t().call('GET', '/api/v1/content/post/p1?hydrate=1', { key: both })).json().secret[0].code).toBe('launch');
    expect((await t().call('POST', '/api/v1/content/post', { key: k, body: { title: 'x' } })).statusCode).toBe(403);
  });

  it('create without read: 200 with only id and internal; the stored fields are not echoed', async () => {
    const k = await key([rule('post', { canCreate: true })]);
    const res = await t().call('POST', '/api/v1/content/post', { key: k, body: { id: 'c1', title: 'Created blind' } });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['id', 'internal']);
    expect((await t().call('GET', '/api/v1/content/post/c1', { key: k })).statusCode).toBe(403);
    expect((await t().call('GET', '/api/v1/content/post/c1', { key: t().ro })).json().title).toBe('Created blind');
    const batch = await t().call('POST', '/api/v1/content/post/batch', { key: k, body: [{ id: 'c2', title: 'b' }] });
    expect(batch.statusCode).toBe(200);
    expect(
      (await t().call('POST', '/api/v1/content/post/batch?updateExisting=true', { key: k, body: [{ id: 'c2', title: 'b2' }] }))
        .statusCode,
    ).toBe(403);
  });

  it('update without read: the response does not reveal fields the key did not send', async () => {
    const k = await key([rule('post', { canUpdate: true })]);
    const res = await t().call('PATCH', '/api/v1/content/post/p1', { key: k, body: { title: 'Patched' } });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['id', 'internal']);
    expect(res.body).not.toContain('/api/v1/content/secret/s1');
    expect((await t().call('PUT', '/api/v1/content/post/p1', { key: k, body: { title: 'Put' } })).statusCode).toBe(200);
    // a relation is a read: without read on `secret` the key may not store one to it (api-keys.md, hostile review)
    const related = await t().call('PUT', '/api/v1/content/post/p1', {
      key: k,
      body: { title: 'Put', secret: [ref('secret', 's1')] },
    });
    expect(related.statusCode).toBe(400);
    expect(related.json()).toEqual({ secret: ['No read access to the related content type secret'] });
    expect((await t().call('POST', '/api/v1/content/post', { key: k, body: { title: 'x' } })).statusCode).toBe(403);
    expect((await t().call('DELETE', '/api/v1/content/post/c1', { key: k })).statusCode).toBe(403);
    const upsert = await key([rule('post', { canCreate: true, canUpdate: true })]);
    expect(
      (
        await t().call('POST', '/api/v1/content/post/batch?updateExisting=true', {
          key: upsert,
          body: [{ id: 'c2', title: 'b3' }],
        })
      ).statusCode,
    ).toBe(200);
  });

  it('delete: single and batch; removed needs read and delete', async () => {
    const del = await key([rule('post', { canDelete: true })]);
    expect((await t().call('DELETE', '/api/v1/content/post/c1', { key: del })).statusCode).toBe(200);
    expect((await t().call('GET', '/api/v1/content/post/removed', { key: del })).statusCode).toBe(403);
    const readDel = await key([rule('post', { canRead: true, canDelete: true })]);
    expect((await t().call('GET', '/api/v1/content/post/removed', { key: readDel })).json()).toEqual(['c1']);
    expect((await t().call('POST', '/api/v1/content/post/batch-delete', { key: del, body: ['c2'] })).statusCode).toBe(200);
    expect((await t().call('DELETE', '/api/v1/content/secret/s1', { key: del })).statusCode).toBe(403);
  });

  it('never manages keys or CTDs', async () => {
    const k = await key([rule('post', { canRead: true, canCreate: true, canUpdate: true, canDelete: true })]);
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: k, body: ctd('other', { a: text() }) })).statusCode,
    ).toBe(403);
    expect(
      (await t().call('PUT', '/api/v1/internal/contenttype/post', { key: k, body: ctd('post', { title: text() }) })).statusCode,
    ).toBe(403);
    expect((await t().call('GET', '/panel/api/keys', { key: k })).statusCode).toBe(403);
    const ctx = (await t().call('GET', '/api/auth-context', { key: k })).json();
    expect(ctx).toMatchObject({
      kind: 'user-defined',
      rules: [rule('post', { canRead: true, canCreate: true, canUpdate: true, canDelete: true })],
    });
  });

  it('refuses deleting a CTD that a key references', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('referenced', { a: text() }) });
    const created = await t().app.services.keys.createUserDefined(SYSTEM, 'Referencing key', [
      rule('referenced', { canRead: true }),
    ]);
    const res = await t().call('DELETE', '/api/v1/internal/contenttype/referenced', { key: t().rw });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContain('This content type definition is used by Api Key: Referencing key');
    expect(created.key).toMatch(/^fla_u_/);
  });
});
