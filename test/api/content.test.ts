import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, number, ref, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';

describe.each(dialectsUnderTest())('content objects on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) =>
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    await mk(ctd('category', { name: text({ required: true, unique: true, isTitlePart: true }) }));
    await mk(
      ctd(
        'post',
        { title: text({ required: true, isTitlePart: true }), slug: text(), views: number(), category: relation('category') },
        { slugs: [{ source: 'title', target: 'slug', active: true }] },
      ),
    );
  });

  it('creates with a generated id, the internal block, objectTitle and slug', async () => {
    const res = await t().call('POST', `${C}/post`, { key: t().rw, body: { title: 'Hello World', views: 3 } });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.id).toMatch(/^post-[0-9a-f-]{36}$/);
    expect(o.slug).toBe('hello-world');
    expect(o.internal).toMatchObject({
      contentType: 'post',
      objectTitle: 'Hello World',
      latestVersion: 1,
      deletedAt: '',
      workflowState: 'saved',
      status: 'public',
    });
    expect(o.internal.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    const got = await t().call('GET', `${C}/post/${o.id}`, { key: t().ro });
    expect(got.json()).toEqual(o);
  });

  it('uses client ids, unique per type, case-insensitive in paths', async () => {
    expect((await t().call('POST', `${C}/category`, { key: t().rw, body: { id: 'Cat-1', name: 'Tech' } })).statusCode).toBe(200);
    const dup = await t().call('POST', `${C}/category`, { key: t().rw, body: { id: 'cat-1', name: 'Other' } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().id).toEqual(['This value is already used']);
    const got = await t().call('GET', `${C}/category/CAT-1`, { key: t().ro });
    expect(got.statusCode).toBe(200);
    expect(got.json().id).toBe('Cat-1');
  });

  it('enforces unique fields and required fields with Flotiq messages', async () => {
    const dup = await t().call('POST', `${C}/category`, { key: t().rw, body: { name: 'Tech' } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().name).toContain('This value is already used');
    const missing = await t().call('POST', `${C}/post`, { key: t().rw, body: { views: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().title).toEqual(expect.arrayContaining(['The property title is required']));
    expect(missing.json().views).toEqual(['String value found, but a number is required']);
  });

  it('validates relations: the target must exist and have the declared type', async () => {
    const bad = await t().call('POST', `${C}/post`, { key: t().rw, body: { title: 'x', category: [ref('category', 'nope')] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().category).toContain('This value does not exist in database');
    const wrongType = await t().call('POST', `${C}/post`, { key: t().rw, body: { title: 'x', category: [ref('post', 'nope')] } });
    expect(wrongType.statusCode).toBe(400);
    const ok = await t().call('POST', `${C}/post`, {
      key: t().rw,
      body: { id: 'with-cat', title: 'Has cat', category: [ref('category', 'Cat-1')] },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses to delete a referenced object, deletes (200 {"deletedCount":1}, see decision 0006) a free one, lists it as removed', async () => {
    const refused = await t().call('DELETE', `${C}/category/Cat-1`, { key: t().rw });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ errors: ['This content object is used in another content object.'] });
    const before = new Date(Date.now() - 1000).toISOString().slice(0, 19).replace('T', ' ');
    const del = await t().call('DELETE', `${C}/post/with-cat`, { key: t().rw });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ deletedCount: 1 });
    expect((await t().call('GET', `${C}/post/with-cat`, { key: t().ro })).statusCode).toBe(404);
    const removed = await t().call('GET', `${C}/post/removed?deletedAfter=${encodeURIComponent(before)}`, { key: t().ro });
    expect(removed.json()).toEqual(['with-cat']);
    const later = await t().call('GET', `${C}/post/removed?deletedAfter=2999-01-01 00:00:00`, { key: t().ro });
    expect(later.json()).toEqual([]);
    expect((await t().call('DELETE', `${C}/category/Cat-1`, { key: t().rw })).statusCode).toBe(200);
  });

  it('replaces with PUT, patches with PATCH, and keeps versions', async () => {
    await t().call('POST', `${C}/post`, { key: t().rw, body: { id: 'v1', title: 'First', views: 1 } });
    const put = await t().call('PUT', `${C}/post/v1`, { key: t().rw, body: { title: 'Second' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).not.toHaveProperty('views');
    expect(put.json().internal.latestVersion).toBe(2);
    const patch = await t().call('PATCH', `${C}/post/v1`, { key: t().rw, body: { views: 7 } });
    expect(patch.json()).toMatchObject({ title: 'Second', views: 7 });
    expect(patch.json().internal.latestVersion).toBe(3);
    const badPatch = await t().call('PATCH', `${C}/post/v1`, { key: t().rw, body: { views: 'seven' } });
    expect(badPatch.statusCode).toBe(400);
    const versions = (await t().call('GET', `${C}/post/v1/version`, { key: t().ro })).json();
    expect(versions.total_count).toBe(3);
    expect(versions.data.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(versions.data[2].current).toBe(true);
    const v1 = (await t().call('GET', `${C}/post/v1/version/1`, { key: t().ro })).json();
    expect(v1).toMatchObject({ id: 'v1', title: 'First', views: 1 });
    expect((await t().call('GET', `${C}/post/v1/version/9`, { key: t().ro })).statusCode).toBe(404);
    const mismatch = await t().call('PUT', `${C}/post/v1`, { key: t().rw, body: { id: 'other', title: 'x' } });
    expect(mismatch.statusCode).toBe(400);
    expect((await t().call('PUT', `${C}/post/missing`, { key: t().rw, body: { title: 'x' } })).statusCode).toBe(404);
  });

  it('ignores a client-sent internal block', async () => {
    const res = await t().call('POST', `${C}/post`, {
      key: t().rw,
      body: { title: 'Imported', internal: { contentType: 'evil', createdAt: '2000-01-01' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().internal.contentType).toBe('post');
  });

  it('answers 413 for an object over 1 MB and stores nothing', async () => {
    const res = await t().call('POST', `${C}/post`, { key: t().rw, body: { id: 'huge', title: 'x'.repeat(1_100_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/Content Object size limit exceeded by an object with ID: huge/);
    expect((await t().call('GET', `${C}/post/huge`, { key: t().ro })).statusCode).toBe(404);
  });

  it('answers 415 for a write that is not JSON and 404 for unknown types', async () => {
    const res = await t().call('POST', `${C}/post`, { key: t().rw, body: 'title=x', headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(415);
    const missing = await t().call('GET', `${C}/nothing`, { key: t().ro });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 404, message: 'Not found' });
  });

  it('pages: envelope, limit cap, a page past the end is empty', async () => {
    for (let i = 0; i < 5; i++) await t().call('POST', `${C}/category`, { key: t().rw, body: { id: `c${i}`, name: `Cat ${i}` } });
    const p = (await t().call('GET', `${C}/category?limit=2&page=2&order_by=name`, { key: t().ro })).json();
    expect(p).toMatchObject({ total_count: 5, total_pages: 3, current_page: 2, count: 2 });
    expect(p.data.map((o: { name: string }) => o.name)).toEqual(['Cat 2', 'Cat 3']);
    expect((await t().call('GET', `${C}/category?limit=2&page=50`, { key: t().ro })).json().data).toEqual([]);
    expect((await t().call('GET', `${C}/category?limit=1001`, { key: t().ro })).statusCode).toBe(400);
    const desc = (await t().call('GET', `${C}/category?order_by=name&order_direction=desc&limit=1`, { key: t().ro })).json();
    expect(desc.data[0].name).toBe('Cat 4');
    const ids = (await t().call('GET', `${C}/category?ids[]=c1&ids[]=c3&order_by=id`, { key: t().ro })).json();
    expect(ids.data.map((o: { id: string }) => o.id)).toEqual(['c1', 'c3']);
    const byCreated = (
      await t().call('GET', `${C}/category?order_by=internal.createdAt&order_direction=desc&limit=1`, { key: t().ro })
    ).json();
    expect(byCreated.data[0].id).toBe('c4');
  });
});

describe.each(dialectsUnderTest())('list pages stay exact under writes on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('a page read twice reflects every write in between, and a definition change', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('memo', { title: text(), n: number() }) });
    const page = async () => (await t().call('GET', '/api/v1/content/memo?order_by=title&limit=5', { key: t().ro })).json();
    expect((await page()).total_count).toBe(0);
    expect((await page()).data).toEqual([]);
    await t().call('POST', '/api/v1/content/memo', { key: t().rw, body: { id: 'm1', title: 'b', n: 1 } });
    expect((await page()).data.map((o: { id: string }) => o.id)).toEqual(['m1']);
    await t().call('POST', '/api/v1/content/memo/batch', { key: t().rw, body: [{ id: 'm2', title: 'a', n: 2 }] });
    expect((await page()).data.map((o: { id: string }) => o.id)).toEqual(['m2', 'm1']);
    await t().call('PATCH', '/api/v1/content/memo/m2', { key: t().rw, body: { title: 'c' } });
    expect((await page()).data.map((o: { title: string }) => o.title)).toEqual(['b', 'c']);
    await t().call('DELETE', '/api/v1/content/memo/m1', { key: t().rw });
    expect((await page()).total_count).toBe(1);
    await t().call('PUT', '/api/v1/internal/contenttype/memo', { key: t().rw, body: ctd('memo', { title: text() }) });
    expect((await page()).data[0]).not.toHaveProperty('n');
  });
});

describe.each(dialectsUnderTest())('concurrent writes on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('concurrent PATCHes of one object all land (none silently overwrites another)', async () => {
    const fields = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, text()]));
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('board', fields) });
    await t().call('POST', '/api/v1/content/board', { key: t().rw, body: { id: 'b1' } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t().call('PATCH', '/api/v1/content/board/b1', { key: t().rw, body: { [`f${i}`]: `v${i}` } }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    const got = (await t().call('GET', '/api/v1/content/board/b1', { key: t().ro })).json();
    for (let i = 0; i < 8; i++) expect(got[`f${i}`]).toBe(`v${i}`);
    expect(got.internal.latestVersion).toBe(9);
    expect((await t().call('GET', '/api/v1/content/board/b1/version', { key: t().ro })).json().total_count).toBe(9);
  });
});
