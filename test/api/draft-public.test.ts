import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, rule, text } from '../support/fixtures.js';
import { panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

const PREVIEW = { 'x-mode': 'preview' };

describe.each(dialectsUnderTest())('Draft & Public on %s', (dialect) => {
  const t = useTestApp(dialect);
  const keys: Record<string, string> = {};
  const get = (app: TestApp, url: string, key: string, preview = false) =>
    app.call('GET', url, { key, headers: preview ? PREVIEW : {} });
  const ids = async (url: string, key: string, preview = false) => {
    const res = await get(t(), url, key, preview);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().data as { id: string }[]).map((o) => o.id).sort();
  };

  beforeAll(async () => {
    const rw = t().rw;
    for (const body of [
      ctd('post', { title: text(), related: relation('post') }, { draftPublic: true }),
      ctd('page', { title: text(), posts: relation('post') }),
    ]) {
      const res = await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    }
    const ud = async (name: string, rules: KeyRule[]) => (await t().app.services.keys.createUserDefined(SYSTEM, name, rules)).key;
    keys.reader = await ud('post reader', [rule('post', { canRead: true }), rule('page', { canRead: true })]);
    keys.previewer = await ud('post previewer', [
      rule('post', { canRead: true, canPreview: true }),
      rule('page', { canRead: true }),
    ]);
    keys.editor = await ud('post editor', [rule('post', { canRead: true, canCreate: true, canUpdate: true })]);
    keys.publisher = await ud('post publisher', [rule('post', { canRead: true, canPublish: true })]);
  });

  it('a new object is a draft: only a preview sees it, and the read-only key may not ask for one', async () => {
    const rw = t().rw;
    const made = await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'd1', title: 'Secret draft' } });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().internal).toMatchObject({ status: 'draft', publicVersion: -1, publishedAt: '' });
    for (const key of [t().ro, rw, keys.reader, keys.previewer])
      expect(await ids('/api/v1/content/post', key)).not.toContain('d1');
    expect((await get(t(), '/api/v1/content/post/d1', t().ro)).statusCode).toBe(404);
    expect(await ids('/api/v1/content/post', rw, true)).toContain('d1');
    expect(await ids('/api/v1/content/post', keys.previewer, true)).toContain('d1');
    const ro = await get(t(), '/api/v1/content/post', t().ro, true);
    expect(ro.statusCode).toBe(403);
    expect(ro.json().message).toMatch(/read-only API key reads only published content/);
    // a key without canPreview on post: its preview request for posts is refused
    expect((await get(t(), '/api/v1/content/post', keys.reader, true)).statusCode).toBe(403);
    // x-visibility: public wins over a preview header (Flotiq's Next.js add-on outside draft mode)
    const vis = await t().call('GET', '/api/v1/content/post', { key: rw, headers: { ...PREVIEW, 'x-visibility': 'public' } });
    expect(vis.json().data.map((o: { id: string }) => o.id)).not.toContain('d1');
  });

  it('publish, edit (modified), publish again: the world sees only what was published, on every surface', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'm1', title: 'Okapi original' } });
    expect(
      (await t().call('POST', '/api/v1/content/post/m1/publish', { key: rw, body: { id: 'm1', title: 'ignored' } })).statusCode,
    ).toBe(204);
    const published = (await get(t(), '/api/v1/content/post/m1', t().ro)).json();
    expect(published).toMatchObject({ title: 'Okapi original', internal: { status: 'public', publicVersion: 1 } });
    expect(published.internal.publishedAt).not.toBe('');
    const edit = await t().call('PATCH', '/api/v1/content/post/m1', { key: rw, body: { title: 'Zebra edited' } });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().internal).toMatchObject({ status: 'modified', latestVersion: 2, publicVersion: 1 });
    // REST
    expect((await get(t(), '/api/v1/content/post/m1', t().ro)).json().title).toBe('Okapi original');
    expect((await get(t(), '/api/v1/content/post/m1', rw, true)).json().title).toBe('Zebra edited');
    // lists and filters run in the view asked for
    const f = encodeURIComponent(JSON.stringify({ title: { type: 'contains', filter: 'zebra' } }));
    expect(await ids(`/api/v1/content/post?filters=${f}`, t().ro)).toEqual([]);
    expect(await ids(`/api/v1/content/post?filters=${f}`, rw, true)).toEqual(['m1']);
    // search: hits and counts
    const search = async (q: string, key: string, preview = false) => {
      const res = await get(t(), `/api/v1/search?q=${q}&content_type[]=post`, key, preview);
      expect(res.statusCode, res.body).toBe(200);
      return { total: res.json().total_count, ids: res.json().data.map((h: { item: { id: string } }) => h.item.id) };
    };
    expect(await search('zebra', t().ro)).toEqual({ total: 0, ids: [] });
    expect(await search('okapi', t().ro)).toEqual({ total: 1, ids: ['m1'] });
    expect(await search('zebra', rw, true)).toEqual({ total: 1, ids: ['m1'] });
    expect(await search('okapi', rw, true)).toEqual({ total: 0, ids: [] });
    expect((await search('*', t().ro)).ids).not.toContain('d1');
    // GraphQL
    const gql = async (key: string, preview = false) => {
      const res = await t().call('POST', '/api/v2/graphql', {
        key,
        headers: preview ? PREVIEW : {},
        body: {
          query: '{ one: post(id: "m1") { edges { node { title internal { status } } } } all: post(first: 100) { totalCount } }',
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().errors, res.body).toBeUndefined();
      return res.json().data;
    };
    const roView = await gql(t().ro);
    expect(roView.one.edges).toEqual([{ node: { title: 'Okapi original', internal: { status: 'public' } } }]);
    const preView = await gql(rw, true);
    expect(preView.one.edges).toEqual([{ node: { title: 'Zebra edited', internal: { status: 'modified' } } }]);
    expect(roView.all.totalCount).toBeLessThan(preView.all.totalCount);
    // versions: the public view lists only published versions
    const versions = async (key: string, preview = false) =>
      ((await get(t(), '/api/v1/content/post/m1/version', key, preview)).json().data as { version: number }[]).map(
        (v) => v.version,
      );
    expect(await versions(t().ro)).toEqual([1]);
    expect((await versions(rw, true)).sort()).toEqual([1, 2]);
    // publish again: the edit becomes public
    expect((await t().call('POST', '/api/v1/content/post/m1/publish', { key: rw })).statusCode).toBe(204);
    expect((await get(t(), '/api/v1/content/post/m1', t().ro)).json()).toMatchObject({
      title: 'Zebra edited',
      internal: { status: 'public', publicVersion: 2 },
    });
    expect(await search('okapi', t().ro)).toEqual({ total: 0, ids: [] });
  });

  it('hydration in the public view never inlines a draft; the reference stays as stored', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'hd', title: 'draft target' } });
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'hp', title: 'public target' } });
    await t().call('POST', '/api/v1/content/post/hp/publish', { key: rw });
    await t().call('POST', '/api/v1/content/page', {
      key: rw,
      body: { id: 'pg', title: 'page', posts: [ref('post', 'hd'), ref('post', 'hp')] },
    });
    const pub = (await get(t(), '/api/v1/content/page/pg?hydrate=1', t().ro)).json();
    expect(pub.posts[0]).toEqual(ref('post', 'hd'));
    expect(pub.posts[1]).toMatchObject({ id: 'hp', title: 'public target' });
    const pre = (await get(t(), '/api/v1/content/page/pg?hydrate=1', rw, true)).json();
    expect(pre.posts[0]).toMatchObject({ id: 'hd', title: 'draft target', internal: { status: 'draft' } });
  });

  it('unpublish and archive take an object out of the public view, and `removed` says so there', async () => {
    const rw = t().rw;
    const before = new Date(Date.now() - 1000).toISOString();
    for (const id of ['u1', 'a1']) {
      await t().call('POST', '/api/v1/content/post', { key: rw, body: { id, title: id } });
      await t().call('POST', `/api/v1/content/post/${id}/publish`, { key: rw });
    }
    expect(await ids('/api/v1/content/post', t().ro)).toEqual(expect.arrayContaining(['u1', 'a1']));
    expect((await t().call('POST', '/api/v1/content/post/u1/unpublish', { key: rw })).statusCode).toBe(204);
    expect((await t().call('POST', '/api/v1/content/post/a1/archive', { key: rw })).statusCode).toBe(204);
    expect(await ids('/api/v1/content/post', t().ro)).not.toEqual(expect.arrayContaining(['u1']));
    expect((await get(t(), '/api/v1/content/post/a1', t().ro)).statusCode).toBe(404);
    expect((await get(t(), '/api/v1/content/post/u1', rw, true)).json().internal.status).toBe('draft');
    expect((await get(t(), '/api/v1/content/post/a1', rw, true)).json().internal.status).toBe('archived');
    const removed = (await get(t(), `/api/v1/content/post/removed?deletedAfter=${before}`, t().ro)).json();
    expect(removed).toEqual(expect.arrayContaining(['u1', 'a1']));
    const removedPreview = (await get(t(), `/api/v1/content/post/removed?deletedAfter=${before}`, rw, true)).json();
    expect(removedPreview).not.toContain('u1');
  });

  it('grants: publishing needs canPublish; batch refuses unknown ids without changing anything; a cascade follows relations', async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/content/post', { key: keys.editor, body: { id: 'g1', title: 'by editor' } });
    expect((await t().call('POST', '/api/v1/content/post/g1/publish', { key: keys.editor })).statusCode).toBe(403);
    expect((await t().call('POST', '/api/v1/content/post/g1/publish', { key: t().ro })).statusCode).toBe(403);
    expect((await t().call('POST', '/api/v1/content/post/g1/publish', { key: keys.publisher })).statusCode).toBe(204);
    expect((await t().call('POST', '/api/v1/content/post/nope/publish', { key: rw })).statusCode).toBe(404);
    expect((await t().call('POST', '/api/v1/content/page/pg/publish', { key: rw })).statusCode).toBe(400);
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'b1', title: 'b1' } });
    const batch = await t().call('POST', '/api/v1/content/post/batch-publish', { key: rw, body: ['b1', 'missing'] });
    expect(batch.statusCode).toBe(404);
    expect((await get(t(), '/api/v1/content/post/b1', t().ro)).statusCode).toBe(404);
    expect((await t().call('POST', '/api/v1/content/post/batch-publish', { key: rw, body: ['b1'] })).statusCode).toBe(204);
    expect((await get(t(), '/api/v1/content/post/b1', t().ro)).statusCode).toBe(200);
    // ?hydrate=1: the related draft is published with it
    await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'c2', title: 'child' } });
    await t().call('POST', '/api/v1/content/post', {
      key: rw,
      body: { id: 'c1', title: 'parent', related: [ref('post', 'c2')] },
    });
    expect((await t().call('POST', '/api/v1/content/post/c1/publish?hydrate=1', { key: rw })).statusCode).toBe(204);
    expect((await get(t(), '/api/v1/content/post/c2', t().ro)).statusCode).toBe(200);
  });

  it('types without Draft & Public behave as before; switching it off makes every latest state public', async () => {
    const rw = t().rw;
    const page = (await get(t(), '/api/v1/content/page/pg', t().ro)).json();
    expect(page.internal).toMatchObject({ status: 'public', publicVersion: -1, publishedAt: '' });
    const def = (await get(t(), '/api/v1/internal/contenttype/post', rw)).json();
    const off = await t().call('PUT', '/api/v1/internal/contenttype/post', { key: rw, body: { ...def, draftPublic: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(await ids('/api/v1/content/post', t().ro)).toContain('d1');
    expect((await get(t(), '/api/v1/content/post/d1', t().ro)).json().internal.status).toBe('public');
    const on = await t().call('PUT', '/api/v1/internal/contenttype/post', { key: rw, body: { ...def, draftPublic: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(await ids('/api/v1/content/post', t().ro)).toContain('d1');
  });

  it('a planned publish runs once when due, and an edit made after planning cancels it', async () => {
    const rw = t().rw;
    // this test runs the due plans itself: the app's own poll would race it to them
    await t().app.services.publications.stop();
    const session = await panelLogin(t());
    for (const id of ['s1', 's2']) await t().call('POST', '/api/v1/content/post', { key: rw, body: { id, title: id } });
    const soon = await panelCall(t(), session, 'PUT', '/panel/api/content/post/s1/schedule', {
      action: 'publish',
      at: new Date(Date.now() + 5000).toISOString(),
    });
    expect(soon.statusCode).toBe(400);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const planned = await panelCall(t(), session, 'PUT', '/panel/api/content/post/s1/schedule', { action: 'publish', at: later });
    expect(planned.statusCode, planned.body).toBe(200);
    expect((await panelCall(t(), session, 'GET', '/panel/api/content/post/s1/schedule')).json().schedule).toMatchObject({
      action: 'publish',
      at: later,
    });
    // make both plans due (the clock is real: move the plans, not the time)
    const storage = t().app.storage;
    for (const id of ['s1', 's2'])
      await storage.scheduleObject({
        type: 'post',
        id,
        action: 'publish',
        atMs: Date.now() - 1,
        // made now, after the objects' last edits (a plan older than its object's last edit is void: with 10 ms back,
        // a fast machine created s1 within those 10 ms and the plan for it was void)
        createdMs: Date.now(),
        createdBy: 'system',
      });
    await new Promise((r) => setTimeout(r, 5));
    await t().call('PATCH', '/api/v1/content/post/s2', { key: rw, body: { title: 's2 edited after planning' } });
    await t().app.services.events.wake();
    expect(await storage.getSchedule('post', 's2')).toBeUndefined();
    await storage.scheduleObject({
      type: 'post',
      id: 's2',
      action: 'publish',
      atMs: Date.now() - 1,
      createdMs: Date.now() - 60_000,
      createdBy: 'system',
    });
    expect(await t().app.services.publications.runDue()).toBe(2);
    expect((await get(t(), '/api/v1/content/post/s1', t().ro)).statusCode).toBe(200);
    expect((await get(t(), '/api/v1/content/post/s2', t().ro)).statusCode).toBe(404);
    expect(await t().app.services.publications.runDue()).toBe(0);
  });
});
