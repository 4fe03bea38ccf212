import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sender } from './sender.js';
import { verifySignature } from './signature.js';
import { WebhookUrlPolicy } from './webhook-url.js';

describe('the sending thread', () => {
  let server: http.Server;
  let base = '';
  const hanging: http.ServerResponse[] = [];
  const seen: {
    path: string;
    body: string;
    signature: string | undefined;
    signed: string | undefined;
    delivery: string | undefined;
  }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          path: req.url!,
          body: Buffer.concat(chunks).toString(),
          signature: req.headers['x-sig'] as string,
          signed: req.headers['x-flotilla-signature'] as string | undefined,
          delivery: req.headers['x-flotilla-delivery'] as string | undefined,
        });
        if (req.url === '/hang') return void hanging.push(res);
        if (req.url === '/late') return void setTimeout(() => res.writeHead(200).end('{}'), 600);
        res.writeHead(req.url === '/fail' ? 503 : 200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  // the niceness of each of this process's threads (Linux /proc; field 19 of a task's stat)
  const niceThreads = (nice: number) =>
    readdirSync('/proc/self/task').filter((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) === nice;
    }).length;

  it('runs at a lower priority than the threads that serve requests', async () => {
    const before = niceThreads(10);
    const sender = new Sender(new WebhookUrlPolicy([], []));
    try {
      const [r] = await sender.send([{ route: { url: `${base}/nice`, headers: {}, timeoutMs: 5000 }, body: '{}' }]);
      expect(r.status).toBe(200);
      expect(niceThreads(10)).toBe(before + 1);
      // this thread is untouched
      const own = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
      expect(Number(own.slice(own.lastIndexOf(')') + 2).split(' ')[16])).toBe(0);
    } finally {
      await sender.stop();
    }
  });

  it('sends a batch with its headers and answers each result in the order asked, under the address policy', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], ['127.0.0.2/32']));
    try {
      const results = await sender.send([
        { route: { url: `${base}/ok`, headers: { 'x-sig': 'a' }, timeoutMs: 2000 }, body: '{"n":1}' },
        { route: { url: `${base}/fail`, headers: {}, timeoutMs: 2000 }, body: '{"n":2}' },
        { route: { url: 'http://127.0.0.2:9/denied', headers: {}, timeoutMs: 2000 }, body: '{}' },
      ]);
      expect(results.map((r) => [r.status, r.error])).toEqual([
        [200, null],
        [503, 'The receiver answered 503'],
        [null, expect.stringMatching(/127\.0\.0\.2 is not allowed/)],
      ]);
      expect(seen.find((s) => s.path === '/ok')).toMatchObject({ body: '{"n":1}', signature: 'a' });
    } finally {
      await sender.stop();
    }
  });

  it('requests sharing a route each carry the route’s headers and their own delivery id', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    try {
      const route = { url: `${base}/shared`, headers: { 'x-sig': 'route' }, timeoutMs: 2000 };
      const results = await sender.send([
        { route, body: '{"n":"s1"}', delivery: '1' },
        { route, body: '{"n":"s2"}', delivery: '2' },
        { route, body: '{"n":"s3"}' },
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      const got = seen.filter((s) => s.path === '/shared').sort((a, b) => (a.body < b.body ? -1 : 1));
      expect(got.map((s) => [s.body, s.signature, s.delivery])).toEqual([
        ['{"n":"s1"}', 'route', '1'],
        ['{"n":"s2"}', 'route', '2'],
        ['{"n":"s3"}', 'route', undefined],
      ]);
    } finally {
      await sender.stop();
    }
  });

  it('signs a request given its secret and timestamp (the HMAC over the body as sent), and only then', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    try {
      const t = Math.floor(Date.now() / 1000);
      const sign = { secret: 'whsec_test', t };
      const results = await sender.send([
        { route: { url: `${base}/signed`, headers: {}, timeoutMs: 2000, sign }, body: '{"n":"signed"}' },
        { route: { url: `${base}/unsigned`, headers: {}, timeoutMs: 2000 }, body: '{}' },
      ]);
      expect(results.map((r) => r.error)).toEqual([null, null]);
      const signed = seen.find((s) => s.path === '/signed')!;
      expect(signed.signed).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
      expect(verifySignature('whsec_test', signed.signed!, signed.body, t)).toBe(true);
      expect(verifySignature('whsec_other', signed.signed!, signed.body, t)).toBe(false);
      expect(seen.find((s) => s.path === '/unsigned')!.signed).toBeUndefined();
    } finally {
      await sender.stop();
    }
  });

  it('a route header named like one the request sets (its signature, its delivery id) is not sent: one of each, ours', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    const raw: string[][] = [];
    const spy = (req: http.IncomingMessage) => {
      if (req.url === '/spoof') raw.push(req.rawHeaders);
    };
    server.on('request', spy);
    try {
      const t = Math.floor(Date.now() / 1000);
      const route = {
        url: `${base}/spoof`,
        headers: { 'x-flotilla-signature': 't=1,v1=forged', 'X-Flotilla-Delivery': 'forged', 'x-sig': 'kept' },
        timeoutMs: 2000,
        sign: { secret: 'whsec_test', t },
      };
      const [r] = await sender.send([{ route, body: '{"n":"spoof"}', delivery: '7' }]);
      expect(r.error).toBeNull();
      const pairs = (raw[0] ?? []).flatMap((v, i, all) => (i % 2 === 0 ? [[v.toLowerCase(), all[i + 1]]] : []));
      const values = (name: string) => pairs.filter(([n]) => n === name).map(([, v]) => v);
      expect(values('x-flotilla-delivery')).toEqual(['7']);
      expect(values('x-sig')).toEqual(['kept']);
      expect(values('x-flotilla-signature')).toHaveLength(1);
      expect(verifySignature('whsec_test', values('x-flotilla-signature')[0], '{"n":"spoof"}', t)).toBe(true);
    } finally {
      server.off('request', spy);
      await sender.stop();
    }
  });

  it('a thread that dies fails the batches it held, and the next batch gets a new thread', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    try {
      const held = sender.send([{ route: { url: `${base}/hang`, headers: {}, timeoutMs: 30_000 }, body: '{}' }]);
      while (hanging.length === 0) await new Promise((r) => setTimeout(r, 10));
      await (sender as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      expect(await held).toEqual([{ status: null, durationMs: 0, error: 'The sending thread stopped' }]);
      const again = await sender.send([{ route: { url: `${base}/ok`, headers: {}, timeoutMs: 2000 }, body: '{}' }]);
      expect(again[0]).toMatchObject({ status: 200, error: null });
    } finally {
      await sender.stop();
    }
  });

  it('stopping fails what is in flight at once instead of waiting for its timeout', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    const held = sender.send([{ route: { url: `${base}/hang`, headers: {}, timeoutMs: 30_000 }, body: '{}' }]);
    while (hanging.length < 2) await new Promise((r) => setTimeout(r, 10));
    await sender.stop();
    expect(await held).toEqual([{ status: null, durationMs: 0, error: 'The server is stopping' }]);
  });
  // The other route answers after the slow route's deadline has passed, under a deadline of its own: sharing one
  // deadline across routes would fail it, and a loaded machine (a CI run once took over 400 ms to answer /ok) cannot.
  it('requests of one route share its deadline: both end at its timeout, while another route of the batch is answered', async () => {
    const sender = new Sender(new WebhookUrlPolicy([], []));
    try {
      const slow = { url: `${base}/hang`, headers: {}, timeoutMs: 400 };
      const started = performance.now();
      const results = await sender.send([
        { route: slow, body: '{"n":"h1"}' },
        { route: { url: `${base}/late`, headers: {}, timeoutMs: 5000 }, body: '{}' },
        { route: slow, body: '{"n":"h2"}' },
      ]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(350);
      expect(results.map((r) => [r.status, r.error])).toEqual([
        [null, 'No answer within 400 ms'],
        [200, null],
        [null, 'No answer within 400 ms'],
      ]);
    } finally {
      await sender.stop();
    }
  });
});
