import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, startNode, stopNode, type Node } from '../support/nodes.js';
import { Receiver } from '../support/receiver.js';
import { startTestApp } from '../support/test-app.js';

/** A webhook receiver that answers each path after its delay, and records when each request came and was answered. */
async function slowReceiver(delays: Record<string, number>) {
  const seen: { path: string; answeredAt?: number }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const entry: { path: string; answeredAt?: number } = { path: req.url ?? '/' };
      seen.push(entry);
      setTimeout(() => {
        entry.answeredAt = Date.now();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, delays[entry.path] ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitFor = async (p: string) => {
    const deadline = Date.now() + 15_000;
    while (!seen.some((s) => s.path === p)) {
      if (Date.now() > deadline) throw new Error(`${p} never called`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { url, seen, waitFor, stop };
}

/** Whether a new TCP connection to the port is accepted now. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

function hook(name: string, type: 'sync' | 'async', url: string, contentType: string) {
  return {
    name,
    type,
    url,
    enabled: true,
    content_type_definitions: [{ content_type_definition_name: contentType }],
    actions: [{ action: 'Create' }],
    headers: [],
  };
}

/** The status of every async webhook execution, read from the database after the process has gone. */
async function asyncExecutions(db: TestDatabase, dataDir: string): Promise<{ status: string; http_status: number | null }[]> {
  const q = `SELECT status, http_status FROM webhook_executions WHERE event_seq IS NOT NULL`;
  if (!db.databaseUrl) {
    const raw = new BetterSqlite3(path.join(dataDir, 'flotilla.sqlite'), { readonly: true });
    try {
      return raw.prepare(q).all() as { status: string; http_status: number | null }[];
    } finally {
      raw.close();
    }
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  try {
    return (await c.query(q)).rows.map((r) => ({ status: r.status, http_status: r.http_status }));
  } finally {
    await c.end();
  }
}

/**
 * SIGTERM to a real process (src/main.ts) while a request waits on a slow sync webhook and an async delivery waits on
 * a slow receiver: new connections are refused at once, the request still completes with 200, the delivery's round
 * finishes and is recorded, and the process exits 0.
 */
describe.each(dialectsUnderTest())('graceful shutdown on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let node: Node | undefined;
  let receiver: Awaited<ReturnType<typeof slowReceiver>> | undefined;
  afterAll(async () => {
    await stopNode(node);
    await receiver?.stop();
    await db?.drop();
  });

  it('drains requests in flight and the delivery round, refuses new connections, exits 0', async () => {
    db = await createTestDatabase(dialect);
    receiver = await slowReceiver({ '/sync': 1500, '/async': 2500 });
    node = await startNode(db, randomBytes(32).toString('hex'), 'a', { FLOTILLA_SHUTDOWN_TIMEOUT_MS: '8000' });
    const port = Number(new URL(node.url).port);
    const session = await nodeLogin(node);
    const keys = (await (await nodePanel(node, session, 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[];
    const rw = keys.find((k) => k.kind === 'read-write')!.key;
    for (const name of ['gated', 'watched'])
      expect((await nodeCall(node, 'POST', '/api/v1/internal/contenttype', rw, ctd(name, { title: text() }))).status).toBe(200);
    for (const h of [
      hook('gate', 'sync', `${receiver.url}/sync`, 'gated'),
      hook('watch', 'async', `${receiver.url}/async`, 'watched'),
    ])
      expect((await nodeCall(node, 'POST', '/api/v1/content/_webhooks', rw, h)).status).toBe(200);

    // a delivery in flight: the receiver holds it for 2.5 s
    expect((await nodeCall(node, 'POST', '/api/v1/content/watched', rw, { id: 'w1', title: 'w' })).status).toBe(200);
    await receiver.waitFor('/async');
    // a request in flight: its sync webhook answers after 1.5 s
    let finishedAt: number | undefined;
    const inFlight = nodeCall(node, 'POST', '/api/v1/content/gated', rw, { id: 'g1', title: 'g' }).then(async (res) => {
      finishedAt = Date.now();
      return { status: res.status, body: (await res.json()) as { id?: string } };
    });
    await receiver.waitFor('/sync');

    const exited = new Promise<number | null>((r) => node!.proc.once('exit', (code) => r(code)));
    const signalledAt = Date.now();
    node.proc.kill('SIGTERM');
    // new connections are refused while the request is still being answered
    while (await accepts(port)) {
      expect(Date.now() - signalledAt, 'still accepting connections').toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(finishedAt, 'the request finished before new connections were refused').toBeUndefined();

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe('g1');
    expect(await exited).toBe(0);
    const asyncAnswered = receiver.seen.find((s) => s.path === '/async')!.answeredAt;
    expect(asyncAnswered, 'the delivery was answered before the process ended').toBeDefined();
    expect(node.output.join('')).toContain('shutting down');
    // the delivery's round was recorded before the database closed: sent once, done, not left pending
    expect(await asyncExecutions(db, path.join(db.dataDir, 'a'))).toEqual([{ status: 'done', http_status: 200 }]);
    expect(receiver.seen.filter((s) => s.path === '/async')).toHaveLength(1);
  }, 90_000);
});

describe('the drain is bounded by FLOTILLA_SHUTDOWN_TIMEOUT_MS', () => {
  it('a request that outlasts the bound loses its connection, and close() returns', async () => {
    const receiver = await new Receiver().start();
    receiver.on('/hang', () => 'hang');
    const t = await startTestApp('sqlite', { FLOTILLA_SHUTDOWN_TIMEOUT_MS: '300', FLOTILLA_WEBHOOK_TIMEOUT_MS: '4000' });
    try {
      expect(
        (await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd('gated', { title: text() }) })).statusCode,
      ).toBe(200);
      expect(
        (
          await t.call('POST', '/api/v1/content/_webhooks', {
            key: t.rw,
            body: hook('gate', 'sync', `${receiver.url}/hang`, 'gated'),
          })
        ).statusCode,
      ).toBe(200);
      await t.app.server.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(t.app.server.server.address() as AddressInfo).port}`;
      const inFlight = fetch(`${url}/api/v1/content/gated`, {
        method: 'POST',
        headers: { 'x-auth-token': t.rw, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'g' }),
      }).then(
        (res) => `answered ${res.status}`,
        () => 'connection lost',
      );
      await receiver.waitFor('/hang', 1);
      const started = Date.now();
      await t.app.close();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(250);
      // cut at the bound, not when the hook's own timeout (4 s) ends the request; the gap leaves room for a loaded machine
      expect(took).toBeLessThan(3000);
      expect(await inFlight).toBe('connection lost');
      // the abandoned handler ends on its own (its hook times out) without bringing anything down
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      await receiver.stop();
      await t.db.drop();
    }
  }, 30_000);
});
