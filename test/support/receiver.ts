import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver answers for one request: status and body, or `hang` (never answers). */
export type Reply = { status: number; body?: unknown } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: records every request and answers as `reply` says (per path,
 * given the number of earlier calls to that path).
 */
export class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private readonly replies = new Map<string, (n: number, body: string) => Reply>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        const n = this.received.filter((r) => r.path === path).length;
        this.received.push({ path, headers: req.headers, body, at: Date.now() });
        const reply = this.replies.get(path)?.(n, body) ?? { status: 200, body: { ok: true } };
        if (reply === 'hang') return;
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  on(path: string, reply: (n: number, body: string) => Reply): void {
    this.replies.set(path, reply);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits (bounded) until `path` received at least `count` requests. */
  async waitFor(path: string, count: number, timeoutMs = 15_000, poke?: () => Promise<unknown>): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.at(path).length < count) {
      if (Date.now() > deadline) throw new Error(`${path}: ${this.at(path).length} of ${count} requests within ${timeoutMs} ms`);
      await poke?.();
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.at(path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
