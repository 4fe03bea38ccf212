import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { ctd, relation, text } from '../support/fixtures.js';
import { ADMIN, useTestApp } from '../support/test-app.js';

/**
 * The per-key OpenAPI document is a read channel for the shape of the space: it must never name a type, a field or
 * an operation the key cannot use, follow rule changes on the next request, and refuse odd input with a 4xx.
 */
describe('hostile: the per-key OpenAPI document', () => {
  const t = useTestApp('sqlite');
  let post: string;
  let postId: string;

  beforeAll(async () => {
    const rw = t().rw;
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('secret', { launchcode: text() }) });
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: rw,
      body: ctd('post', { title: text(), related: relation('secret') }),
    });
    const k = await t().app.services.keys.createUserDefined(SYSTEM, 'posts', [{ ctdName: 'post', canRead: true } as KeyRule]);
    post = k.key;
    postId = k.id;
  });

  const doc = async (key: string, qs = '') => t().call('GET', `/api/v1/open-api-schema.json${qs}`, { key });

  it('never names an unreadable type or its fields, even through a relation, with or without hydrate', async () => {
    for (const qs of ['', '?hydrate=1', '?version=3.1&hydrate=1', '?user_only=0']) {
      const res = await doc(post, qs);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/launchcode/);
      expect(res.body).not.toMatch(/\/content\/secret|schemas\/secret|"secret"/);
    }
  });

  it('follows the key: widened, narrowed and removed take effect on the next request', async () => {
    await t().app.services.keys.update(SYSTEM, postId, {
      rules: [
        { ctdName: 'post', canRead: true },
        { ctdName: 'secret', canRead: true },
      ],
    });
    expect((await doc(post)).body).toMatch(/\/api\/v1\/content\/secret/);
    await t().app.services.keys.update(SYSTEM, postId, { rules: [{ ctdName: 'post', canRead: true }] });
    expect((await doc(post)).body).not.toMatch(/\/api\/v1\/content\/secret/);
    const other = await t().app.services.keys.createUserDefined(SYSTEM, 'gone', [{ ctdName: 'post', canRead: true } as KeyRule]);
    await t().app.services.keys.remove(SYSTEM, other.id);
    expect((await doc(other.key)).statusCode).toBe(401);
  });

  it('bad parameters are 4xx JSON, never a 5xx; two different keys in one request are refused', async () => {
    for (const qs of ['?version=2', '?version=__proto__', '?hydrate=constructor', '?user_only=maybe', '?version=3&version=3.1']) {
      const res = await doc(post, qs);
      expect(res.statusCode, qs).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, qs).toBeLessThan(500);
      expect(() => res.json()).not.toThrow();
    }
    const both = await t().call('GET', `/api/v1/open-api-schema.json?auth_token=${encodeURIComponent(t().rw)}`, { key: post });
    expect(both.statusCode).toBe(400);
  });

  it('the Panel route: prototype names and unknown ids are 404, keys are refused, no session is 401', async () => {
    const login = await t().call('POST', '/panel/api/session', { body: ADMIN });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    for (const id of ['__proto__', 'constructor', 'prototype', 'toString', '%2e%2e']) {
      const res = await t().call('GET', `/panel/api/keys/${id}/open-api-schema.json`, { headers: { cookie } });
      expect(res.statusCode, id).toBe(404);
    }
    expect((await t().call('GET', `/panel/api/keys/${postId}/open-api-schema.json`)).statusCode).toBe(401);
    expect((await t().call('GET', `/panel/api/keys/${postId}/open-api-schema.json`, { key: t().rw })).statusCode).toBe(403);
  });
});
