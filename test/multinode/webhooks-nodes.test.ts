import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, startNode, stopNode, type Node, type Session } from '../support/nodes.js';
import { Receiver, type Received } from '../support/receiver.js';
import { verifySignature } from '../../src/webhooks/signature.js';

// Issue 10's acceptance with real processes: deliveries survive `kill -9`, and two PostgreSQL nodes send each once.

interface Execution {
  id: number;
  status: string;
  attempts: number;
  httpStatus: number | null;
  action: string;
  objectId: string | null;
}

interface Delivered {
  webhookId: string;
  action: string;
  contentTypeName: string;
  payload: { id: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bodyOf = (r: Received) => JSON.parse(r.body) as Delivered;

const webhookBody = (url: string, type: string) => ({
  name: `hook for ${type}`,
  type: 'async',
  url,
  enabled: true,
  content_type_definitions: [{ content_type_definition_name: type }],
  actions: [{ action: 'Create' }],
  headers: [],
});

async function readWriteKey(n: Node, s: Session): Promise<string> {
  const keys = (await (await nodePanel(n, s, 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[];
  return keys.find((k) => k.kind === 'read-write')!.key;
}

async function post(n: Node, key: string, p: string, body: unknown): Promise<{ id: string }> {
  const res = await nodeCall(n, 'POST', p, key, body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { id: string };
}

/** SIGKILL, and wait until the process is gone (bounded). */
async function kill9(n: Node): Promise<void> {
  if (n.proc.exitCode !== null || n.proc.signalCode !== null) return;
  const exited = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGKILL');
  await Promise.race([exited, sleep(10_000)]);
  expect(n.proc.signalCode).toBe('SIGKILL');
}

/** Polls the execution log until `done(list)` holds (bounded). */
async function executionsUntil(
  n: Node,
  s: Session,
  hook: string,
  done: (list: Execution[]) => boolean,
  timeoutMs = 30_000,
): Promise<Execution[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await nodePanel(n, s, 'GET', `/panel/api/webhooks/${hook}/executions`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as Execution[];
    if (done(list)) return list;
    if (Date.now() > deadline) throw new Error(`execution log of ${hook} never settled: ${JSON.stringify(list.slice(0, 5))}`);
    await sleep(200);
  }
}

describe('webhook deliveries survive kill -9 (SQLite, one real process)', () => {
  let db: TestDatabase;
  let node: Node | undefined;
  let session: Session;
  let rw: string;
  const secret = randomBytes(32).toString('base64url');
  const receiver = new Receiver();
  // the lease of an attempt is the timeout plus 15 s: a small timeout lets the restarted process take it over soon
  const env = { FLOTILLA_WEBHOOK_TIMEOUT_MS: '1500', FLOTILLA_WEBHOOK_RETRY_BASE_MS: '100' };

  const restart = async () => {
    node = await startNode(db, secret, 'n', env);
    session = await nodeLogin(node);
  };

  beforeAll(async () => {
    await receiver.start();
    db = await createTestDatabase('sqlite');
    await restart();
    rw = await readWriteKey(node!, session);
    for (const name of ['post', 'note']) await post(node!, rw, '/api/v1/internal/contenttype', ctd(name, { title: text() }));
  }, 120_000);

  afterAll(async () => {
    await stopNode(node);
    await receiver.stop();
    await db?.drop();
  });

  it('a delivery in flight when the process is killed is sent again after the restart, and the log ends done', async () => {
    let answering = false;
    receiver.on('/inflight', () => (answering ? { status: 200, body: { ok: true } } : 'hang'));
    const hook = (await post(node!, rw, '/api/v1/content/_webhooks', webhookBody(`${receiver.url}/inflight`, 'post'))).id;
    await post(node!, rw, '/api/v1/content/post', { id: 'k1', title: 'in flight' });
    // the receiver holds the first attempt open: the delivery is in flight when the process dies
    const [first] = await receiver.waitFor('/inflight', 1, 15_000);
    await kill9(node!);
    answering = true;
    await restart();

    const got = await receiver.waitFor('/inflight', 2, 60_000);
    expect(got).toHaveLength(2);
    const again = got[1];
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(bodyOf(again)).toMatchObject({ webhookId: hook, action: 'Create', contentTypeName: 'post', payload: { id: 'k1' } });
    expect(again.headers['x-flotilla-delivery']).toBe(first.headers['x-flotilla-delivery']);

    const log = await executionsUntil(node!, session, hook, (l) => l.length > 0 && l.every((e) => e.status !== 'pending'));
    expect(log.map((e) => [e.objectId, e.action, e.status, e.httpStatus, e.attempts])).toEqual([
      ['k1', 'Create', 'done', 200, 2],
    ]);
    await sleep(500);
    expect(receiver.at('/inflight')).toHaveLength(2);
  }, 120_000);

  it('events committed just before the kill, not yet sent, are delivered after the restart', async () => {
    // until the kill the receiver answers nothing, so whatever the process started sending before it died is
    // still unfinished; a batch of 50 is more than one round (32), so some events were certainly never attempted
    let answering = false;
    receiver.on('/early', () => (answering ? { status: 200, body: { ok: true } } : 'hang'));
    const hook = (await post(node!, rw, '/api/v1/content/_webhooks', webhookBody(`${receiver.url}/early`, 'note'))).id;
    const ids = Array.from({ length: 50 }, (_, i) => `early-${i}`);
    // killed the moment the write's 200 arrives, from the response event itself
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify(ids.map((id) => ({ id, title: id })));
      const req = http.request(
        `${node!.url}/api/v1/content/note/batch`,
        { method: 'POST', headers: { 'x-auth-token': rw, 'content-type': 'application/json' }, agent: false },
        (res) => {
          if (res.statusCode === 200) node!.proc.kill('SIGKILL');
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    await kill9(node!);
    // requests the process sent just before it died reach the receiver's handler a moment later
    await sleep(300);
    const sentBefore = receiver.at('/early').length;
    const beforeRestart = new Set(receiver.at('/early').map((r) => bodyOf(r).payload.id));
    expect(beforeRestart.size).toBe(sentBefore);
    answering = true;
    await restart();

    await receiver.waitFor('/early', ids.length + sentBefore, 60_000);
    const after = receiver.at('/early').slice(sentBefore).map(bodyOf);
    for (const b of after) expect(b).toMatchObject({ webhookId: hook, action: 'Create', contentTypeName: 'note' });
    expect(new Set(after.map((b) => b.payload.id))).toEqual(new Set(ids));
    // at most one round (the fan-out's or a claim) was under way when it died; the others were never attempted
    expect(beforeRestart.size).toBeLessThan(ids.length);

    const log = await executionsUntil(
      node!,
      session,
      hook,
      (l) => l.length === ids.length && l.every((e) => e.status !== 'pending'),
    );
    expect(log.filter((e) => e.status === 'done' && e.httpStatus === 200)).toHaveLength(ids.length);
    expect(new Set(log.map((e) => e.objectId))).toEqual(new Set(ids));
    // an attempt that reached the receiver before the kill counts, and one more finished it (a claim that died before
    // sending also counts as one attempt)
    for (const e of log) {
      if (beforeRestart.has(e.objectId!)) expect(e.attempts).toBe(2);
      else expect([1, 2]).toContain(e.attempts);
    }
    // one round takes at most 32: some events were never claimed before the kill and were sent once, after it
    expect(log.some((e) => e.attempts === 1)).toBe(true);
    await sleep(500);
    expect(receiver.at('/early')).toHaveLength(ids.length + sentBefore);
  }, 120_000);
});

describe.skipIf(!inject('pgAvailable'))('two Flotilla processes on one PostgreSQL deliver each event exactly once', () => {
  const WRITES = 500;
  const CONCURRENCY = 16;
  let db: TestDatabase;
  let a: Node | undefined;
  let b: Node | undefined;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('base64url');
    const env = { FLOTILLA_WEBHOOK_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' };
    // one after the other: the first start creates the built-in types (two first starts at once race on them)
    a = await startNode(db, secret, 'a', env);
    b = await startNode(db, secret, 'b', env);
  }, 120_000);

  afterAll(async () => {
    await stopNode(a);
    await stopNode(b);
    await receiver.stop();
    await db?.drop();
  });

  it(`${WRITES} creates spread over both nodes: ${WRITES} deliveries, one per object`, async () => {
    const s = await nodeLogin(a!);
    const rw = await readWriteKey(a!, s);
    await post(a!, rw, '/api/v1/internal/contenttype', ctd('item', { title: text() }));
    const hook = (await post(a!, rw, '/api/v1/content/_webhooks', webhookBody(`${receiver.url}/items`, 'item'))).id;
    // node B serves the type created on A before the load starts
    expect((await nodeCall(b!, 'GET', '/api/v1/content/item', rw)).status).toBe(200);

    const ids = Array.from({ length: WRITES }, (_, i) => `item-${String(i).padStart(3, '0')}`);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        await post(i % 2 === 0 ? a! : b!, rw, '/api/v1/content/item', { id: ids[i], title: `Item ${i}` });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    await receiver.waitFor('/items', WRITES, 90_000);
    // a duplicate sent by the other node (or after a lease ran out) would arrive later: give it the time
    await sleep(3000);
    const got = receiver.at('/items').map(bodyOf);
    expect(got).toHaveLength(WRITES);
    for (const d of got) expect(d).toMatchObject({ webhookId: hook, action: 'Create', contentTypeName: 'item' });
    const counts = new Map<string, number>();
    for (const d of got) counts.set(d.payload.id, (counts.get(d.payload.id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(counts.keys())).toEqual(new Set(ids));
    const deliveries = new Set(receiver.at('/items').map((r) => String(r.headers['x-flotilla-delivery'])));
    expect(deliveries.size).toBe(WRITES);
  }, 240_000);

  it('payloads are the objects as written, whichever node fans out; a webhook disabled through B stops at once on both', async () => {
    const s = await nodeLogin(a!);
    const rw = await readWriteKey(a!, s);
    await post(a!, rw, '/api/v1/internal/contenttype', ctd('gated', { title: text() }));
    const hook = (await post(a!, rw, '/api/v1/content/_webhooks', webhookBody(`${receiver.url}/gated`, 'gated'))).id;
    expect((await nodeCall(b!, 'GET', '/api/v1/content/gated', rw)).status).toBe(200);
    // a node's fan-out takes the payload of its own writes from memory and reads the other node's
    for (let i = 0; i < 20; i++) await post(i % 2 === 0 ? a! : b!, rw, '/api/v1/content/gated', { id: `g${i}`, title: `title ${i}` });
    const first = (await receiver.waitFor('/gated', 20, 60_000)).map(bodyOf);
    expect(new Set(first.map((d) => d.payload.id)).size).toBe(20);
    for (const d of first) expect(d.payload).toMatchObject({ title: `title ${d.payload.id.slice(1)}` });
    // disabled through B: A's next fan-out must see it (a change to any webhook moves _webhooks' generation)
    const off = await nodeCall(b!, 'PATCH', `/api/v1/content/_webhooks/${hook}`, rw, { enabled: false });
    expect(off.status).toBe(200);
    for (let i = 0; i < 20; i++) await post(i % 2 === 0 ? a! : b!, rw, '/api/v1/content/gated', { id: `late${i}`, title: 'x' });
    await sleep(3000);
    expect(receiver.at('/gated')).toHaveLength(20);
  }, 240_000);

  it('a secret rotated through node A signs every later delivery, whichever node sends it', async () => {
    const s = await nodeLogin(a!);
    const rw = await readWriteKey(a!, s);
    await post(a!, rw, '/api/v1/internal/contenttype', ctd('signed', { title: text() }));
    const hook = (await post(a!, rw, '/api/v1/content/_webhooks', webhookBody(`${receiver.url}/signed`, 'signed'))).id;
    expect((await nodeCall(b!, 'GET', '/api/v1/content/signed', rw)).status).toBe(200);
    const secretOf = async (res: Response) => ((await res.json()) as { secret: string }).secret;
    const first = await secretOf(await nodePanel(a!, s, 'GET', `/panel/api/webhooks/${hook}/secret`));
    const signedBy = (secret: string, r: Received) =>
      verifySignature(secret, String(r.headers['x-flotilla-signature']), r.body, Math.floor(Date.now() / 1000));
    const writeThroughBoth = async (prefix: string, n: number) => {
      for (let i = 0; i < n; i++)
        await post(i % 2 === 0 ? a! : b!, rw, '/api/v1/content/signed', { id: `${prefix}${i}`, title: 't' });
    };
    // both nodes deliver under the first secret (and so know it), then A rotates it
    await writeThroughBoth('before', 20);
    const before = await receiver.waitFor('/signed', 20, 60_000);
    expect(before.filter((r) => !signedBy(first, r))).toEqual([]);
    const second = await secretOf(await nodePanel(a!, s, 'POST', `/panel/api/webhooks/${hook}/secret`));
    expect(second).not.toBe(first);
    await writeThroughBoth('after', 20);
    const all = await receiver.waitFor('/signed', 40, 60_000);
    const after = all.filter((r) => bodyOf(r).payload.id.startsWith('after'));
    expect(after).toHaveLength(20);
    for (const r of after) {
      expect(signedBy(second, r)).toBe(true);
      expect(signedBy(first, r)).toBe(false);
    }
  }, 240_000);
});
