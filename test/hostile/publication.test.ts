import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, rule, text } from '../support/fixtures.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';

const PROTO = Object.getOwnPropertyNames(Object.prototype);

/** Draft & Public endpoints under attack: prototype names, keys without the grant, publishing racing edits. */
describe.each(dialectsUnderTest())('attacks on publication on %s', (dialect) => {
  const t = useTestApp(dialect);
  let noPublish = '';

  beforeAll(async () => {
    const made = await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('post', { title: text() }, { draftPublic: true }),
    });
    expect(made.statusCode).toBe(200);
    noPublish = (
      await t().app.services.keys.createUserDefined(SYSTEM, 'editor', [rule('post', { canRead: true, canUpdate: true })])
    ).key;
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p1', title: 'draft' } });
  });

  it('prototype names as type, id, action body or schedule are refused as data, never a 5xx', async () => {
    const session = await panelLogin(t());
    for (const name of PROTO) {
      for (const url of [
        `/api/v1/content/${name}/p1/publish`,
        `/api/v1/content/post/${name}/publish`,
        `/api/v1/content/post/${name}/archive`,
      ]) {
        const res = await t().call('POST', url, { key: t().rw });
        expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
        expect(res.statusCode).not.toBe(204);
      }
      const batch = await t().call('POST', '/api/v1/content/post/batch-publish', { key: t().rw, body: [name] });
      expect([400, 404]).toContain(batch.statusCode);
      const plan = await panelCall(t(), session, 'PUT', '/panel/api/content/post/p1/schedule', { action: name, at: name });
      expect(plan.statusCode, plan.body).toBe(400);
    }
    expect((await t().call('GET', '/api/v1/content/post/p1', { key: t().ro })).statusCode).toBe(404);
  });

  it('without canPublish, nothing is published however it is asked (single, batch, cascade, the Panel mount)', async () => {
    for (const [url, body] of [
      ['/api/v1/content/post/p1/publish', undefined],
      ['/api/v1/content/post/p1/publish?hydrate=1', { id: 'p1' }],
      ['/api/v1/content/post/batch-publish', ['p1']],
      ['/panel/api/v1/content/post/p1/publish', undefined],
    ] as const) {
      const res = await t().call('POST', url, { key: noPublish, body });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await t().call('GET', '/api/v1/content/post/p1', { key: t().ro })).statusCode).toBe(404);
  });

  it('publishing racing edits never serves an unpublished edit to the public view', async () => {
    await t().call('POST', '/api/v1/content/post/p1/publish', { key: t().rw });
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all([
        t().call('PATCH', '/api/v1/content/post/p1', { key: t().rw, body: { title: `edit ${round}` } }),
        t().call('POST', '/api/v1/content/post/p1/publish', { key: t().rw }),
        t().call('POST', '/api/v1/content/post/p1/unpublish', { key: t().rw }),
        t().call('POST', '/api/v1/content/post/p1/publish', { key: t().rw }),
      ]);
      for (const a of answers) expect(a.statusCode, a.body).toBeLessThan(500);
      const latest = (await t().call('GET', '/api/v1/content/post/p1', { key: t().rw, headers: { 'x-mode': 'preview' } })).json();
      const world = await t().call('GET', '/api/v1/content/post/p1', { key: t().ro });
      if (latest.internal.status === 'draft' || latest.internal.status === 'archived') expect(world.statusCode).toBe(404);
      else {
        expect(world.statusCode).toBe(200);
        // what the world sees is a version that was published: the latest one when public, an older one when modified
        if (latest.internal.status === 'public') expect(world.json().title).toBe(latest.title);
        else expect(world.json().internal.latestVersion).toBe(latest.internal.publicVersion);
      }
    }
  });
});
