import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, useTwoNodes, type Node, type Session } from '../support/nodes.js';

/**
 * On PostgreSQL, concurrent requests of one node share their key and generation reads (src/core/shared-reads.ts,
 * decision 0019). The attack: keep a node busy with a stream of requests, so that a read is always under way, and
 * make a change through the other node. A request that starts after the change was answered must not be served by
 * a read sent before it — not with the old key value, not with the old page.
 */
const IN_FLIGHT = 16;

interface Sample {
  startedMs: number;
  doneMs: number;
  status: number;
  body: string;
}

/** Requests to `url` with `key`, IN_FLIGHT at a time, until `stop()`; every answer with the time its request left. */
function hammer(n: Node, path: string, key: () => string) {
  const samples: Sample[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const startedMs = Date.now();
      const res = await nodeCall(n, 'GET', path, key());
      const body = await res.text();
      samples.push({ startedMs, doneMs: Date.now(), status: res.status, body });
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** Waits (bounded) until `cond` holds: the load's pace depends on the machine, not on a fixed sleep. */
async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe.skipIf(!inject('pgAvailable'))(
  'reads shared by concurrent requests on two nodes of one PostgreSQL',
  { timeout: 180_000 },
  () => {
    // the refused old key must show as 401 on every request, not turn into the failed-auth limiter's 429
    const nodes = useTwoNodes({ b: { FLOTILLA_AUTH_FAILURES_PER_MINUTE: '1000000' } });
    let sa: Session;
    let rw: string;

    beforeAll(async () => {
      sa = await nodeLogin(nodes.a());
      const keys = (await (await nodePanel(nodes.a(), sa, 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[];
      rw = keys.find((k) => k.kind === 'read-write')!.key;
      expect((await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw, ctd('note', { title: text() }))).status).toBe(
        200,
      );
    });

    it('a key regenerated on one node is refused by the busy other node from the first request after the change', async () => {
      for (let round = 0; round < 5; round++) {
        const res = await nodePanel(nodes.a(), sa, 'POST', '/panel/api/keys', { name: `busy ${round}`, rules: [] });
        const k = (await res.json()) as { id: string; key: string };
        const load = hammer(nodes.b(), '/api/auth-context', () => k.key);
        await until(() => load.samples.length > 2 * IN_FLIGHT);
        const changingMs = Date.now();
        expect((await nodePanel(nodes.a(), sa, 'POST', `/panel/api/keys/${k.id}/regenerate`)).status).toBe(200);
        const changedMs = Date.now();
        await until(() => load.samples.filter((x) => x.startedMs > changedMs).length > 2 * IN_FLIGHT);
        await load.stop();
        const before = load.samples.filter((x) => x.doneMs < changingMs);
        const after = load.samples.filter((x) => x.startedMs > changedMs);
        expect(before.length).toBeGreaterThan(IN_FLIGHT);
        expect(before.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.body.slice(0, 100)}`)).toEqual([]);
        expect(after.length).toBeGreaterThan(IN_FLIGHT);
        expect(after.filter((x) => x.status !== 401)).toEqual([]);
      }
    });

    it('a write through one node is in every list the busy other node answers for requests after it', async () => {
      for (let round = 0; round < 5; round++) {
        const load = hammer(nodes.b(), '/api/v1/content/note?limit=100', () => rw);
        await until(() => load.samples.length > 2 * IN_FLIGHT);
        const writingMs = Date.now();
        const id = `n${round}`;
        expect((await nodeCall(nodes.a(), 'POST', '/api/v1/content/note', rw, { id, title: `round ${round}` })).status).toBe(200);
        const writtenMs = Date.now();
        await until(() => load.samples.filter((x) => x.startedMs > writtenMs).length > 2 * IN_FLIGHT);
        await load.stop();
        const has = (x: Sample) => (JSON.parse(x.body) as { data: { id: string }[] }).data.some((o) => o.id === id);
        const before = load.samples.filter((x) => x.doneMs < writingMs);
        expect(before.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.body.slice(0, 100)}`)).toEqual([]);
        const after = load.samples.filter((x) => x.startedMs > writtenMs);
        expect(before.length).toBeGreaterThan(IN_FLIGHT);
        expect(after.length).toBeGreaterThan(IN_FLIGHT);
        expect(after.filter((x) => x.status !== 200 || !has(x)).map((x) => x.body.slice(0, 120))).toEqual([]);
      }
    });
  },
);
