import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { verifySignature } from '../../src/webhooks/signature.js';
import { PRUNE_EVERY } from '../../src/webhooks/webhook-delivery.js';
import { EXECUTIONS_KEPT } from '../../src/webhooks/webhooks.service.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, rule, text } from '../support/fixtures.js';
import { Receiver } from '../support/receiver.js';
import { panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

type Action = 'Create' | 'Update' | 'Delete' | 'Custom';

function webhookBody(
  url: string,
  o: {
    type?: string;
    types?: string[];
    actions?: Action[];
    enabled?: boolean;
    headers?: Record<string, string>;
    name?: string;
  } = {},
) {
  return {
    name: o.name ?? 'hook',
    type: o.type ?? 'async',
    url,
    enabled: o.enabled ?? true,
    content_type_definitions: (o.types ?? []).map((n) => ({ content_type_definition_name: n })),
    actions: (o.actions ?? ['Create', 'Update', 'Delete']).map((action) => ({ action })),
    headers: Object.entries(o.headers ?? {}).map(([header_name, header_value]) => ({ header_name, header_value })),
  };
}

describe.each(dialectsUnderTest())('webhooks on %s', (dialect) => {
  const t = useTestApp(dialect, {
    FLOTILLA_WEBHOOK_RETRY_BASE_MS: '50',
    FLOTILLA_WEBHOOK_TIMEOUT_MS: '1500',
    FLOTILLA_WEBHOOK_ATTEMPTS: '4',
  });
  const receiver = new Receiver();
  let session: { cookie: string; csrf: string };

  const poke = async () => {
    await t().app.services.events.wake();
    await t().app.services.webhooks.delivery.wake();
  };
  const create = async (app: TestApp, path: string, o: Parameters<typeof webhookBody>[1] = {}, key = app.rw) => {
    const res = await app.call('POST', '/api/v1/content/_webhooks', { key, body: webhookBody(receiver.url + path, o) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  };
  const executions = async (id: string) => {
    const res = await panelCall(t(), session, 'GET', `/panel/api/webhooks/${id}/executions`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      id: number;
      status: string;
      attempts: number;
      httpStatus: number | null;
      error: string | null;
      objectId: string | null;
      action: string;
    }[];
  };
  const settled = async (id: string, n: number) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await poke();
      const list = await executions(id);
      if (list.length >= n && list.every((e) => e.status !== 'pending')) return list;
      if (Date.now() > deadline) throw new Error(`executions of ${id} not settled: ${JSON.stringify(list)}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  };

  beforeAll(async () => {
    await receiver.start();
    session = await panelLogin(t());
    for (const name of ['post', 'secret']) {
      const res = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd(name, { title: text() }) });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('delivers Create, Update and Delete with Flotiq payloads, custom headers and a verifiable signature', async () => {
    const hook = await create(t(), '/crud', { types: ['post'], headers: { 'x-team': 'blue' } });
    const rw = t().rw;
    expect((await t().call('POST', '/api/v1/content/post', { key: rw, body: { id: 'p1', title: 'Hello' } })).statusCode).toBe(
      200,
    );
    expect((await t().call('PATCH', '/api/v1/content/post/p1', { key: rw, body: { title: 'Hello again' } })).statusCode).toBe(
      200,
    );
    expect((await t().call('DELETE', '/api/v1/content/post/p1', { key: rw })).statusCode).toBe(200);
    const got = await receiver.waitFor('/crud', 3, 15_000, poke);
    const bodies = got
      .map((r) => JSON.parse(r.body))
      .sort((a, b) => ['Create', 'Update', 'Delete'].indexOf(a.action) - ['Create', 'Update', 'Delete'].indexOf(b.action));
    expect(bodies[0]).toMatchObject({
      webhookId: hook,
      action: 'Create',
      contentTypeName: 'post',
      ref: '/api/v1/content/post/p1/version/1',
      payload: { id: 'p1', title: 'Hello', internal: { contentType: 'post', latestVersion: 1 } },
    });
    expect(bodies[1]).toMatchObject({
      action: 'Update',
      ref: '/api/v1/content/post/p1/version/2',
      payload: { id: 'p1', title: 'Hello again' },
    });
    expect(bodies[2]).toEqual({
      webhookId: hook,
      action: 'Delete',
      contentTypeName: 'post',
      ref: '/api/v1/content/post/p1',
      payload: { id: 'p1' },
    });
    const secret = await panelCall(t(), session, 'GET', `/panel/api/webhooks/${hook}/secret`);
    expect(secret.statusCode).toBe(200);
    expect(secret.headers['cache-control']).toBe('no-store');
    for (const r of got) {
      expect(r.headers['x-team']).toBe('blue');
      expect(r.headers['content-type']).toBe('application/json');
      const header = String(r.headers['x-flotilla-signature']);
      expect(verifySignature(secret.json().secret, header, r.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifySignature('whsec_wrong', header, r.body, Math.floor(Date.now() / 1000))).toBe(false);
    }
    const log = await settled(hook, 3);
    expect(log.map((e) => [e.action, e.status, e.httpStatus, e.attempts])).toEqual([
      ['Delete', 'done', 200, 1],
      ['Update', 'done', 200, 1],
      ['Create', 'done', 200, 1],
    ]);
    expect(Object.keys(log[0]).sort()).toEqual(
      [
        'action',
        'attempts',
        'contentTypeName',
        'createdAt',
        'durationMs',
        'error',
        'httpStatus',
        'id',
        'objectId',
        'status',
      ].sort(),
    );
  });

  it('a rotated secret signs from then on; the old one no longer verifies', async () => {
    const hook = await create(t(), '/rotate', { types: ['post'], actions: ['Create'] });
    const now = () => Math.floor(Date.now() / 1000);
    // a delivery under the first secret (the delivery now knows it), then a rotation, then another delivery
    const first = (await panelCall(t(), session, 'GET', `/panel/api/webhooks/${hook}/secret`)).json().secret as string;
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'rot0', title: 'r' } });
    const [before] = await receiver.waitFor('/rotate', 1, 15_000, poke);
    expect(verifySignature(first, String(before.headers['x-flotilla-signature']), before.body, now())).toBe(true);
    const rotated = await panelCall(t(), session, 'POST', `/panel/api/webhooks/${hook}/secret`);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json().secret as string;
    expect(second).not.toBe(first);
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'rot1', title: 'r' } });
    const [, r] = await receiver.waitFor('/rotate', 2, 15_000, poke);
    expect(verifySignature(second, String(r.headers['x-flotilla-signature']), r.body, now())).toBe(true);
    expect(verifySignature(first, String(r.headers['x-flotilla-signature']), r.body, now())).toBe(false);
  });

  it('a receiver failing the first N calls gets N+1, and the log shows the attempts; one failing always ends in error', async () => {
    receiver.on('/flaky', (n) => (n < 2 ? { status: 503, body: { down: true } } : { status: 200 }));
    receiver.on('/down', () => ({ status: 500 }));
    const flaky = await create(t(), '/flaky', { types: ['post'], actions: ['Create'] });
    const down = await create(t(), '/down', { types: ['post'], actions: ['Create'] });
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'retry1', title: 'r' } });
    await receiver.waitFor('/flaky', 3, 15_000, poke);
    const [flakyLog] = await settled(flaky, 1);
    expect(flakyLog).toMatchObject({ status: 'done', attempts: 3, httpStatus: 200, error: null });
    expect(receiver.at('/flaky')).toHaveLength(3);
    const [downLog] = await settled(down, 1);
    expect(downLog).toMatchObject({ status: 'error', attempts: 4, httpStatus: 500 });
    expect(downLog.error).toMatch(/500/);
    expect(receiver.at('/down')).toHaveLength(4);
  });

  it('a receiver that does not answer in time: the attempt ends at the timeout and is retried; a silent sync hook refuses the write', async () => {
    receiver.on('/silent', (n) => (n < 1 ? 'hang' : { status: 200 }));
    const silent = await create(t(), '/silent', { types: ['post'], actions: ['Create'] });
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'slow1', title: 's' } });
    await receiver.waitFor('/silent', 2, 15_000, poke);
    const [log] = await settled(silent, 1);
    expect(log).toMatchObject({ status: 'done', attempts: 2, httpStatus: 200, error: null });
    expect(
      (await t().call('PATCH', `/api/v1/content/_webhooks/${silent}`, { key: t().rw, body: { enabled: false } })).statusCode,
    ).toBe(200);
    // a sync hook that never answers: the write waits for the timeout (1 500 ms here), then is refused; nothing stored
    receiver.on('/silent-sync', () => 'hang');
    const hook = await create(t(), '/silent-sync', { type: 'sync', types: ['secret'], actions: ['Create'], name: 'Sleeper' });
    const started = Date.now();
    const res = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'slow2', title: 'x' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ __webhook: ['Error processing Sleeper webhook: No answer within 1500 ms'] });
    expect((await t().call('GET', '/api/v1/content/secret/slow2', { key: t().rw })).statusCode).toBe(404);
    expect(
      (await t().call('PATCH', `/api/v1/content/_webhooks/${hook}`, { key: t().rw, body: { enabled: false } })).statusCode,
    ).toBe(200);
  });

  it('the log keeps the last 300 executions of a webhook: older finished ones are trimmed as deliveries finish', async () => {
    const made = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('bulk', { title: text() }) });
    expect(made.statusCode, made.body).toBe(200);
    const hook = await create(t(), '/bulk', { types: ['bulk'], actions: ['Create'] });
    // more than the log keeps plus a trimming interval: without trimming, more would be stored than the bound below
    const ids = Array.from({ length: 510 }, (_, i) => `b${i}`);
    expect(ids.length).toBeGreaterThan(EXECUTIONS_KEPT + PRUNE_EVERY);
    for (let i = 0; i < ids.length; i += 85) {
      const body = ids.slice(i, i + 85).map((id) => ({ id, title: id }));
      const res = await t().call('POST', '/api/v1/content/bulk/batch', { key: t().rw, body });
      expect(res.statusCode, res.body).toBe(200);
    }
    await receiver.waitFor('/bulk', ids.length, 30_000, poke);
    const list = await settled(hook, 300);
    expect(list).toHaveLength(300);
    // trimmed every PRUNE_EVERY finished executions: never more than 300 + PRUNE_EVERY stored, the newest kept
    const stored = await t().app.storage.webhooks.listExecutions(hook, 10_000);
    expect(stored.length).toBeGreaterThanOrEqual(300);
    expect(stored.length).toBeLessThanOrEqual(EXECUTIONS_KEPT + PRUNE_EVERY);
    expect(list.map((e) => e.id)).toEqual(stored.slice(0, 300).map((e) => e.id));
  });

  it('filters by content type and action, skips disabled webhooks; CTD webhooks hear definitions', async () => {
    await create(t(), '/only-delete', { types: ['post'], actions: ['Delete'] });
    await create(t(), '/disabled', { types: ['post'], enabled: false });
    await create(t(), '/secret-only', { types: ['secret'] });
    const ctdHook = await create(t(), '/ctd', { type: 'ctd', actions: ['Create', 'Delete'] });
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'f1', title: 'f' } });
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('gizmo', { title: text() }) });
    const [def] = await receiver.waitFor('/ctd', 1, 15_000, poke);
    expect(JSON.parse(def.body)).toMatchObject({
      webhookId: ctdHook,
      action: 'Create',
      contentTypeName: 'gizmo',
      ref: '/api/v1/internal/contenttype/gizmo',
      payload: { name: 'gizmo', label: 'Gizmo' },
    });
    await poke();
    expect(receiver.at('/only-delete')).toHaveLength(0);
    expect(receiver.at('/disabled')).toHaveLength(0);
    expect(receiver.at('/secret-only')).toHaveLength(0);
  });

  it('sync hooks mutate a write, or reject it and nothing is stored; a malformed reply is Flotiq’s 400', async () => {
    receiver.on('/sync', (_n, raw) => {
      const req = JSON.parse(raw);
      if (req.payload.title === 'forbidden')
        return { status: 400, body: { type: 'response', response: { errors: ['titles may not say forbidden'] } } };
      if (req.payload.title === 'garbled') return { status: 200, body: 'not json at all' };
      return {
        status: 200,
        body: { type: 'response', response: {}, payload: { ...req.payload, title: `${req.payload.title} (checked)` } },
      };
    });
    const hook = await create(t(), '/sync', { type: 'sync', types: ['secret'], actions: ['Create', 'Update'], name: 'Checker' });
    const ok = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 's1', title: 'fine' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().title).toBe('fine (checked)');
    const [first] = receiver.at('/sync');
    expect(JSON.parse(first.body)).toMatchObject({
      type: 'request',
      subject: 'content-object',
      event: 'pre-create',
      contentTypeName: 'secret',
      payload: { id: 's1', title: 'fine' },
    });
    const rejected = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 's2', title: 'forbidden' } });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json()).toEqual({ __webhook: ['Error processing Checker webhook: titles may not say forbidden'] });
    const garbled = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 's3', title: 'garbled' } });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json()).toEqual({ __webhook: ['Error processing Checker webhook: the reply is not JSON'] });
    for (const id of ['s2', 's3'])
      expect((await t().call('GET', `/api/v1/content/secret/${id}`, { key: t().rw })).statusCode).toBe(404);
    // a mutation is validated like any body
    receiver.on('/sync', () => ({ status: 200, body: { type: 'response', payload: { title: 12 } } }));
    const invalid = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 's4', title: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toHaveProperty('title');
    // no longer in the way
    expect(
      (await t().call('PATCH', `/api/v1/content/_webhooks/${hook}`, { key: t().rw, body: { enabled: false } })).statusCode,
    ).toBe(200);
  });

  it('a batch asks sync hooks about each item: pre-update where it replaces a stored object, pre-create otherwise', async () => {
    const path = '/sync-batch';
    receiver.on(path, (_n, raw) => {
      const req = JSON.parse(raw);
      return {
        status: 200,
        body: { type: 'response', payload: { ...req.payload, title: `${req.payload.title} (${req.event})` } },
      };
    });
    expect((await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'b1', title: 'old' } })).statusCode).toBe(
      200,
    );
    const hook = await create(t(), path, { type: 'sync', types: ['secret'], actions: ['Create', 'Update'], name: 'Batch' });
    const res = await t().call('POST', '/api/v1/content/secret/batch?updateExisting=true', {
      key: t().rw,
      body: [
        { id: 'b1', title: 'one' },
        { id: 'b2', title: 'two' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(receiver.at(path).map((r) => [JSON.parse(r.body).event, JSON.parse(r.body).payload.id])).toEqual([
      ['pre-update', 'b1'],
      ['pre-create', 'b2'],
    ]);
    for (const [id, title] of [
      ['b1', 'one (pre-update)'],
      ['b2', 'two (pre-create)'],
    ]) {
      expect((await t().call('GET', `/api/v1/content/secret/${id}`, { key: t().rw })).json().title).toBe(title);
    }
    // a type no sync hook covers: the batch is not told apart into creates and updates (no lookup for it)
    const lookups = vi.spyOn(t().app.storage, 'getObjects');
    try {
      const other = await t().call('POST', '/api/v1/content/post/batch?updateExisting=true', {
        key: t().rw,
        body: [{ id: 'pb1', title: 'x' }],
      });
      expect(other.statusCode, other.body).toBe(200);
      expect(lookups.mock.calls.filter(([type]) => type === 'post')).toHaveLength(1);
    } finally {
      lookups.mockRestore();
    }
    expect(receiver.at(path)).toHaveLength(2);
    expect(
      (await t().call('PATCH', `/api/v1/content/_webhooks/${hook}`, { key: t().rw, body: { enabled: false } })).statusCode,
    ).toBe(200);
  });

  it('URLs: http(s) only, never metadata or link-local addresses', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'ftp://example.com/',
      'http://[fe80::1]/',
      'javascript:alert(1)',
    ]) {
      const res = await t().call('POST', '/api/v1/content/_webhooks', { key: t().rw, body: { ...webhookBody(''), url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toHaveProperty('url');
    }
  });

  it('a webhook is a read channel: saving needs read on what it covers, and deliveries stop when read is removed', async () => {
    const writerOnly = await t().app.services.keys.createUserDefined(SYSTEM, 'hooks only', [
      rule('_webhooks', { canCreate: true, canRead: true, canUpdate: true }),
    ]);
    for (const types of [['secret'], []]) {
      const res = await t().call('POST', '/api/v1/content/_webhooks', {
        key: writerOnly.key,
        body: webhookBody(`${receiver.url}/x`, { types }),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toHaveProperty('content_type_definitions');
    }
    const reader = await t().app.services.keys.createUserDefined(SYSTEM, 'hooks and secret', [
      rule('_webhooks', { canCreate: true, canRead: true }),
      rule('secret', { canRead: true }),
    ]);
    const hook = await create(t(), '/channel', { types: ['secret'], actions: ['Create'] }, reader.key);
    await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'c1', title: 'one' } });
    await receiver.waitFor('/channel', 1, 15_000, poke);
    // the saver loses read on `secret`: the next object is not sent, and the log says why
    const changed = await t().app.services.keys.update(SYSTEM, reader.id, {
      rules: [rule('_webhooks', { canCreate: true, canRead: true })],
    });
    expect(changed.view.rules).toHaveLength(1);
    await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'c2', title: 'two' } });
    const log = await settled(hook, 2);
    expect(log[0]).toMatchObject({ status: 'error', attempts: 0 });
    expect(log[0].error).toMatch(/can no longer read secret/);
    expect(receiver.at('/channel')).toHaveLength(1);
  });

  it('a webhook hears of changes from its creation on, not of older ones still waiting in the outbox', async () => {
    // commits are gathered for 50 ms before the outbox is read: the first object's event is still queued when the
    // webhook is created, and is read with the webhook already there
    const early = await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'early', title: 'before' } });
    expect(early.statusCode, early.body).toBe(200);
    const hook = await create(t(), '/late', { types: ['secret'], actions: ['Create'] });
    await t().call('POST', '/api/v1/content/secret', { key: t().rw, body: { id: 'late1', title: 'after' } });
    await receiver.waitFor('/late', 1, 15_000, poke);
    await poke();
    expect(receiver.at('/late').map((r) => JSON.parse(r.body).payload.id)).toEqual(['late1']);
    expect((await settled(hook, 1)).map((e) => e.objectId)).toEqual(['late1']);
  });

  it('"Send test event" and "Run webhook" (Custom) deliver from the Panel', async () => {
    const hook = await create(t(), '/panel', { types: ['post'], actions: ['Custom'] });
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'run1', title: 'run me' } });
    const test = await panelCall(t(), session, 'POST', `/panel/api/webhooks/${hook}/test`);
    expect(test.statusCode, test.body).toBe(200);
    const run = await panelCall(t(), session, 'POST', `/panel/api/webhooks/${hook}/run`, {
      contentTypeName: 'post',
      objectId: 'run1',
    });
    expect(run.statusCode, run.body).toBe(200);
    const got = await receiver.waitFor('/panel', 2, 15_000, poke);
    const actions = got.map((r) => JSON.parse(r.body)).map((b) => [b.action, b.payload?.id ?? null]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['Test', null],
        ['Custom', 'run1'],
      ]),
    );
    // the Custom run is a read: a missing object is a 404, and the API key cannot reach these routes
    expect(
      (await panelCall(t(), session, 'POST', `/panel/api/webhooks/${hook}/run`, { contentTypeName: 'post', objectId: 'nope' }))
        .statusCode,
    ).toBe(404);
    expect((await t().call('GET', `/panel/api/webhooks/${hook}/secret`, { key: t().rw })).statusCode).toBe(403);
  });
});
