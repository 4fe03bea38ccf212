import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest, dumpDatabase, type DialectName } from '../support/databases.js';
import { ctd, rule, text } from '../support/fixtures.js';
import { Receiver } from '../support/receiver.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';

const hook = (url: string, types: string[] = [], extra: Record<string, unknown> = {}) => ({
  name: 'h',
  type: 'async',
  url,
  enabled: true,
  content_type_definitions: types.map((n) => ({ content_type_definition_name: n })),
  actions: [{ action: 'Create' }],
  headers: [],
  ...extra,
});

/** A server with these settings and content types, a real receiver, a Panel session, and a way to flush deliveries. */
function webhookBed(dialect: DialectName, env: Record<string, string>, types: string[]) {
  const t = useTestApp(dialect, env);
  const receiver = new Receiver();
  let current: { cookie: string; csrf: string } | undefined;
  beforeAll(async () => {
    await receiver.start();
    current = await panelLogin(t());
    for (const name of types) {
      const made = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd(name, { title: text() }) });
      expect(made.statusCode).toBe(200);
    }
  });
  afterAll(() => receiver.stop());
  const poke = async () => {
    await t().app.services.events.wake();
    await t().app.services.webhooks.delivery.wake();
  };
  return { t, receiver, session: () => current!, poke };
}

/** Webhooks are a way out of the server: every attack on them must end in a refusal, never in data. */
describe.each(dialectsUnderTest())('attacks on webhooks on %s', (dialect) => {
  const { t, receiver, session, poke } = webhookBed(
    dialect,
    { FLOTILLA_WEBHOOK_RETRY_BASE_MS: '50', FLOTILLA_WEBHOOK_ATTEMPTS: '2', FLOTILLA_WEBHOOK_TIMEOUT_MS: '1500' },
    ['vault', 'post'],
  );

  it('a key that may update webhooks cannot take over one that covers what it cannot read', async () => {
    const admins = await t().call('POST', '/api/v1/content/_webhooks', { key: t().rw, body: hook(`${receiver.url}/admin`) });
    expect(admins.statusCode, admins.body).toBe(200);
    const id = admins.json().id;
    const editor = await t().app.services.keys.createUserDefined(SYSTEM, 'hook editor', [
      rule('_webhooks', { canRead: true, canUpdate: true }),
      rule('post', { canRead: true }),
    ]);
    // pointing the admin's every-type webhook at the attacker, or narrowing it to `vault`, is refused
    for (const body of [
      { url: `${receiver.url}/attacker` },
      { content_type_definitions: [{ content_type_definition_name: 'vault' }] },
    ]) {
      const res = await t().call('PATCH', `/api/v1/content/_webhooks/${id}`, { key: editor.key, body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toHaveProperty('content_type_definitions');
    }
    await t().call('POST', '/api/v1/content/vault', { key: t().rw, body: { id: 'v1', title: 'secret plans' } });
    await receiver.waitFor('/admin', 1, 15_000, poke);
    expect(receiver.at('/attacker')).toHaveLength(0);
  });

  it('prototype names in webhook fields are refused as data, never a 5xx', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const body of [
        hook(`${receiver.url}/p`, [name]),
        hook(`${receiver.url}/p`, [], { actions: [{ action: name }] }),
        hook(`${receiver.url}/p`, [], { type: name }),
        hook(`${receiver.url}/p`, [], { headers: [{ header_name: name, header_value: name }] }),
      ]) {
        const res = await t().call('POST', '/api/v1/content/_webhooks', { key: t().rw, body });
        expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(500);
      }
      const panel = await panelCall(t(), session(), 'GET', `/panel/api/webhooks/${name}/executions`);
      expect(panel.statusCode, panel.body).toBe(404);
    }
  });

  it('a redirect to the metadata address is not followed', async () => {
    receiver.on('/redirect', () => ({ status: 302, body: '' }));
    const res = await t().call('POST', '/api/v1/content/_webhooks', {
      key: t().rw,
      body: hook(`${receiver.url}/redirect`, ['post']),
    });
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p-redirect', title: 'x' } });
    await receiver.waitFor('/redirect', 2, 15_000, poke);
    await poke();
    const log = (await panelCall(t(), session(), 'GET', `/panel/api/webhooks/${res.json().id}/executions`)).json();
    expect(log[0]).toMatchObject({ status: 'error', httpStatus: 302 });
  });

  it('webhook ids of spaces, quotes and braces name their deliveries in clean, distinct headers, the same on a retry', async () => {
    let calls = 0;
    receiver.on('/odd-id', () => (++calls === 1 ? { status: 503, body: '' } : { status: 200, body: { ok: true } }));
    const ids = ['odd "a" {b}', 'odd "a" {c}'];
    for (const id of ids) {
      const res = await t().call('POST', '/api/v1/content/_webhooks', {
        key: t().rw,
        body: { id, ...hook(`${receiver.url}/odd-id`, ['post']) },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p-odd', title: 'x' } });
    // one webhook's first call fails: three calls in all
    const got = await receiver.waitFor('/odd-id', 3, 15_000, poke);
    const byHook = new Map<string, string[]>();
    for (const r of got) {
      const delivery = String(r.headers['x-flotilla-delivery']);
      expect(delivery).toMatch(/^[\x21-\x7e]+$/);
      const of = String(r.headers['x-flotilla-webhook-id']);
      byHook.set(of, [...(byHook.get(of) ?? []), delivery]);
    }
    expect([...byHook.keys()].sort()).toEqual(ids);
    const [once, twice] = [...byHook.values()].sort((a, b) => a.length - b.length);
    expect(once).toHaveLength(1);
    expect(twice).toHaveLength(2);
    // the retry carries its first attempt's id; the other webhook's delivery of the same change has its own
    expect(twice[1]).toBe(twice[0]);
    expect(once[0]).not.toBe(twice[0]);
  });

  it('signing secrets: never with an API key, never in plaintext at rest, only in their own Panel answer', async () => {
    const res = await t().call('POST', '/api/v1/content/_webhooks', { key: t().rw, body: hook(`${receiver.url}/s`) });
    const id = res.json().id;
    const secret = (await panelCall(t(), session(), 'GET', `/panel/api/webhooks/${id}/secret`)).json().secret as string;
    expect(secret).toMatch(/^whsec_/);
    for (const key of [t().rw, t().ro]) {
      expect((await t().call('GET', `/panel/api/webhooks/${id}/secret`, { key })).statusCode).toBe(403);
      expect((await t().call('GET', `/panel/api/webhooks/${id}/secret?auth_token=${key}`)).statusCode).toBe(403);
      expect((await t().call('POST', `/panel/api/webhooks/${id}/secret`, { key })).statusCode).toBe(403);
    }
    // without the CSRF header a session cannot rotate it
    expect((await panelCall(t(), session(), 'POST', `/panel/api/webhooks/${id}/secret`, undefined, false)).statusCode).toBe(403);
    expect(await dumpDatabase(t().db)).not.toContain(secret);
    const elsewhere = t().responses.filter((r) => r.body.includes(secret) && !r.url.endsWith('/secret'));
    expect(elsewhere.map((r) => r.url)).toEqual([]);
  });

  it('a payload carries the object as stored, never as sent: hostile rich text arrives sanitized', async () => {
    const rich = ctd('rich', { title: text(), body: { type: 'string', inputType: 'richtext' } });
    expect((await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: rich })).statusCode).toBe(200);
    const made = await t().call('POST', '/api/v1/content/_webhooks', {
      key: t().rw,
      body: hook(`${receiver.url}/rich`, ['rich']),
    });
    expect(made.statusCode, made.body).toBe(200);
    const arrived = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (receiver.at('/rich').length < n && Date.now() < deadline) {
        await poke();
        await new Promise((r) => setTimeout(r, 20));
      }
      return receiver.at('/rich').map((r) => JSON.parse(r.body) as { payload: Record<string, unknown> });
    };
    // a first delivery: the fan-out has seen the webhook, so this node keeps what it writes of `rich` for payloads
    await t().call('POST', '/api/v1/content/rich', { key: t().rw, body: { id: 'r0', title: 'warm', body: '<p>ok</p>' } });
    expect(await arrived(1)).toHaveLength(1);
    const sent = '<p>Hi</p><script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">x</a>';
    const res = await t().call('POST', '/api/v1/content/rich', { key: t().rw, body: { id: 'r1', title: 't', body: sent } });
    expect(res.statusCode, res.body).toBe(200);
    const got = (await arrived(2)).find((d) => d.payload.id === 'r1')!;
    const stored = (await t().call('GET', '/api/v1/content/rich/r1', { key: t().rw })).json() as { body: string };
    expect(got.payload.body).toBe(stored.body);
    expect(got.payload.body).not.toMatch(/<script|\son[a-z]+\s*=|javascript:/i);
    expect(got.payload.body).toContain('<p>Hi</p>');
  });
});

describe.each(dialectsUnderTest())('denied addresses behind host names on %s', (dialect) => {
  const { t, receiver, session, poke } = webhookBed(
    dialect,
    { FLOTILLA_WEBHOOK_ATTEMPTS: '1', FLOTILLA_WEBHOOK_TIMEOUT_MS: '1500', FLOTILLA_WEBHOOK_DENY: '127.0.0.0/8,::1/128' },
    ['post'],
  );

  it('a denied literal address is refused on save', async () => {
    const res = await t().call('POST', '/api/v1/content/_webhooks', {
      key: t().rw,
      body: hook(`${receiver.url}/literal`, ['post']),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().url[0]).toMatch(/not allowed/);
  });

  it('a host name that resolves to a denied address is not called (the address is checked on the connection made)', async () => {
    const port = new URL(receiver.url).port;
    const res = await t().call('POST', '/api/v1/content/_webhooks', {
      key: t().rw,
      body: hook(`http://localhost:${port}/rebound`, ['post']),
    });
    expect(res.statusCode, res.body).toBe(200);
    await t().call('POST', '/api/v1/content/post', { key: t().rw, body: { id: 'p-dns', title: 'x' } });
    const deadline = Date.now() + 10_000;
    let log: { status: string; error: string | null }[] = [];
    while (Date.now() < deadline) {
      await poke();
      log = (await panelCall(t(), session(), 'GET', `/panel/api/webhooks/${res.json().id}/executions`)).json();
      if (log.length > 0 && log[0].status === 'error') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(log[0]?.status).toBe('error');
    expect(log[0]?.error).toMatch(/not allowed/);
    expect(receiver.at('/rebound')).toHaveLength(0);
  });
});
