import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest, dumpDatabase } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { capturedLogs, useTestApp } from '../support/test-app.js';

describe.each(dialectsUnderTest())('application keys on %s', (dialect) => {
  const t = useTestApp(dialect);
  const seen: string[] = [];

  beforeAll(async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('doc', { title: text() }) });
    await t().call('POST', '/api/v1/content/doc', { key: t().rw, body: { id: 'd1', title: 'x' } });
  });

  it('issues prefixed application keys', () => {
    expect(t().ro).toMatch(/^fla_ro_[0-9A-Za-z]{40}$/);
    expect(t().rw).toMatch(/^fla_rw_[0-9A-Za-z]{40}$/);
  });

  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    for (const key of [undefined, 'nope', 'fla_ro_' + 'A'.repeat(40), t().ro.slice(0, -1) + (t().ro.endsWith('A') ? 'B' : 'A')]) {
      const res = await t().call('GET', '/api/v1/content/doc', { key });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 401, message: 'Unauthorized' });
    }
    expect((await t().call('GET', '/api/v1/internal/contenttype')).statusCode).toBe(401);
  });

  it('accepts the key in X-AUTH-TOKEN (any case), auth_token and Bearer; two different keys are a 400', async () => {
    const s = t().app.server;
    expect((await s.inject({ url: '/api/v1/content/doc', headers: { 'X-Auth-Token': t().ro } })).statusCode).toBe(200);
    expect((await s.inject({ url: `/api/v1/content/doc?auth_token=${t().ro}` })).statusCode).toBe(200);
    expect((await s.inject({ url: '/api/v1/content/doc', headers: { authorization: `Bearer ${t().ro}` } })).statusCode).toBe(200);
    const two = await s.inject({ url: `/api/v1/content/doc?auth_token=${t().rw}`, headers: { 'x-auth-token': t().ro } });
    expect(two.statusCode).toBe(400);
    expect(two.body).not.toMatch(KEY_PATTERN);
  });

  it('the read-only key gets 403 on every write and reads everything', async () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/content/doc', { title: 'y' }],
      ['PUT', '/api/v1/content/doc/d1', { title: 'y' }],
      ['PATCH', '/api/v1/content/doc/d1', { title: 'y' }],
      ['DELETE', '/api/v1/content/doc/d1', undefined],
      ['POST', '/api/v1/content/doc/batch', [{ title: 'y' }]],
      ['PATCH', '/api/v1/content/doc/batch', [{ id: 'd1', title: 'y' }]],
      ['POST', '/api/v1/content/doc/batch-delete', ['d1']],
      ['POST', '/api/v1/internal/contenttype', ctd('other', { a: text() })],
    ];
    for (const [method, url, body] of writes) {
      const res = await t().call(method as 'POST', url, { key: t().ro, body });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
    }
    expect((await t().call('GET', '/api/v1/content/doc/d1', { key: t().ro })).json().title).toBe('x');
    expect((await t().call('GET', '/api/v1/content/doc/d1/version', { key: t().ro })).statusCode).toBe(200);
    expect((await t().call('GET', '/api/v1/content/doc/removed', { key: t().ro })).statusCode).toBe(200);
  });

  it('tells a key what it is at /api/auth-context, without the key', async () => {
    const res = await t().call('GET', '/api/auth-context', { key: t().ro });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'read-only' });
    expect(res.body).not.toMatch(KEY_PATTERN);
    seen.push(t().ro, t().rw);
  });

  it('stores no key in plaintext: a dump of the whole database holds no key value', async () => {
    const user = await t().app.services.keys.createUserDefined(SYSTEM, 'dumped', [
      { ctdName: 'doc', canRead: true, canCreate: false, canUpdate: false, canDelete: false },
    ]);
    const dump = await dumpDatabase(t().db);
    // the dump is real: it holds the key rows (their names and lookup hashes), just not the values
    expect(dump).toContain('dumped');
    expect(dump.length).toBeGreaterThan(1000);
    for (const key of [t().ro, t().rw, user.key]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(-40));
    }
  });

  afterAll(() => {
    const logs = capturedLogs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const key of seen) expect(logs).not.toContain(key);
    expect(logs).not.toMatch(KEY_PATTERN);
  });
});
