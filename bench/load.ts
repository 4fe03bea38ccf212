import autocannon from 'autocannon';
import PipelinedRequestsQueue from 'autocannon/lib/pipelinedRequestsQueue.js';

/** One request shape of a scenario; `nextPath` makes every request address a different URL. */
export interface LoadTarget {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  nextPath?: () => string;
  /**
   * The response is binary (an image): autocannon would decode every body chunk into a string it never uses
   * (`req.body += chunk`), and decoding bytes that are not UTF-8 costs the client more CPU than the server spends
   * sending them (a 23 KB PNG capped both Flotilla and the bare route near 3 000 req/s, where 23 KB of JSON reaches
   * 25 000). For such targets the harness drops the chunks instead; the byte and latency counts are unaffected.
   */
  binaryResponse?: boolean;
}

// One load runs at a time in this process, so a flag is enough to switch the accumulation off for one run.
let dropBodies = false;
const addBody = PipelinedRequestsQueue.prototype.addBody;
PipelinedRequestsQueue.prototype.addBody = function (this: PipelinedRequestsQueue, data: Buffer) {
  if (!dropBodies) addBody.call(this, data);
};

export interface LoadResult {
  /** Mean of the per-second request counts (autocannon's "Req/Sec avg"), all statuses. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Completed responses whose status was not the expected one. */
  unexpected: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
}

export interface LoadOptions {
  port: number;
  connections: number;
  seconds: number;
  expectStatus: number;
}

/** Runs autocannon on 127.0.0.1:port for `seconds`, bounded by autocannon's own duration. */
export function load(target: LoadTarget, opts: LoadOptions): Promise<LoadResult> {
  const request: autocannon.Request = { method: target.method, path: target.path, headers: target.headers, body: target.body };
  if (target.nextPath) {
    const next = target.nextPath;
    request.setupRequest = (req) => ({ ...req, path: next() });
  }
  return new Promise((resolve, reject) => {
    dropBodies = target.binaryResponse === true;
    autocannon(
      {
        url: `http://127.0.0.1:${opts.port}`,
        connections: opts.connections,
        duration: opts.seconds,
        timeout: 30,
        requests: [request],
      },
      (err, r) => {
        dropBodies = false;
        if (err) return reject(err);
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(r.statusCodeStats)) statuses[code] = Number(s.count);
        const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
        resolve({
          reqPerSec: r.requests.average,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          completed,
          unexpected: completed - (statuses[String(opts.expectStatus)] ?? 0),
          statuses,
          errors: r.errors,
          timeouts: r.timeouts,
          seconds: r.duration,
        });
      },
    );
  });
}

/**
 * Waits until the server has worked off what autocannon left behind: when a run ends, autocannon drops its 32
 * connections, but the requests already received still execute (a slow list keeps a SQLite server busy for seconds),
 * and would slow down whatever is measured next in the same process. Done when three probes in a row answer quickly.
 */
export async function quiesce(
  port: number,
  probe: { path: string; headers: Record<string, string> },
  maxMs = 30_000,
): Promise<number> {
  const started = performance.now();
  let fast = 0;
  while (performance.now() - started < maxMs) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${probe.path}`, { headers: probe.headers });
    await res.arrayBuffer();
    fast = performance.now() - t < 25 ? fast + 1 : 0;
    if (fast >= 3) break;
  }
  return performance.now() - started;
}
