// `npx tsx bench/webhooks.ts`: issue 10's bench line. Write throughput through the API with and without one async
// webhook (the goal: ≥ 90 % kept), and the time from a write's 200 to the receiver's arrival of its delivery at a
// steady rate (the goal: p99 < 1 s), on SQLite and PostgreSQL. bench/README.md ("Webhooks") describes it.
import http from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { ctd, text } from '../test/support/fixtures.js';
import { cleanupAll, installExitHandlers, onCleanup } from './cleanup.js';
import { keyRequest, runMain, writeReport } from './harness.js';
import { createBenchDatabase, pgUnreachable, type Dialect } from './databases.js';
import { repoRoot } from './dataset.js';
import { startHost, type ServerHost } from './host.js';
import { summarize } from './profile.js';
import { postgresCpuMs } from './sql-trace.js';
import { renderWebhooksReport, type LatencyRun, type ThroughputPhase, type WebhooksRun } from './webhooks-report.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  // many short rounds rather than few long ones: the shared machine's speed drifts within seconds (1030Z: 806 to
  // 1 316 creates/s between phases of the same code), phases close in time see more nearly the same machine, and
  // the rounds' spread (a calibration run: 78–144 %) needs about 40 of them for a ratio good to ±4 points
  seconds: num('BENCH_SECONDS', 2),
  rounds: num('BENCH_WEBHOOK_ROUNDS', 40),
  clients: num('BENCH_WEBHOOK_CLIENTS', 8),
  rate: num('BENCH_WEBHOOK_RATE', 100),
  latencySeconds: num('BENCH_WEBHOOK_LATENCY_SECONDS', 10),
  /** BENCH_PROFILE=1: the server's CPU profile of the last round's two phases, in the report. */
  profile: process.env.BENCH_PROFILE === '1',
  /** BENCH_PROFILE_DIR: where to keep those two profiles as `.cpuprofile` files (DevTools opens them). */
  profileDir: process.env.BENCH_PROFILE_DIR,
  /**
   * BENCH_WEBHOOK_AA=1: a calibration run whose "on" phases leave the webhook disabled, so both paths are the same
   * code and the ratio's distance from 100 % is the machine's noise.
   */
  sameBoth: process.env.BENCH_WEBHOOK_AA === '1',
};

const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').filter(Boolean) as Dialect[];
const DRAIN_MS = 120_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const request = (port: number, method: string, url: string, key: string, body?: unknown) =>
  keyRequest(agent, port, method, url, key, body === undefined ? undefined : JSON.stringify(body));

async function expectOk(p: Promise<{ status: number; text: string }>, what: string): Promise<{ id: string }> {
  const r = await p;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text) as { id: string };
}

/**
 * The receiving end: an HTTP server on its own thread (a receiver is another machine in real use; on the bench's
 * event loop its work would slow the clients and be counted against the server). It reports each arrival with an
 * absolute time, which this thread turns into its own `performance.now()` scale.
 */
const RECEIVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
let batch = [];
setInterval(() => { if (batch.length) { parentPort.postMessage(batch); batch = []; } }, 5).unref();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    let id;
    try { id = JSON.parse(Buffer.concat(chunks).toString()).payload?.id; } catch {}
    batch.push([id ?? null, at]);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

class DeliveryLog {
  private worker: Worker | undefined;
  readonly firstArrival = new Map<string, number>();
  total = 0;
  url = '';

  async start(): Promise<void> {
    this.worker = new Worker(RECEIVER, { eval: true });
    const port = await new Promise<number>((resolve, reject) => {
      this.worker!.once('error', reject);
      this.worker!.on('message', (m: { port: number } | [string | null, number][]) => {
        if (!Array.isArray(m)) return resolve(m.port);
        for (const [id, absolute] of m) {
          this.total++;
          const at = absolute - performance.timeOrigin;
          if (id && !this.firstArrival.has(id)) this.firstArrival.set(id, at);
        }
      });
    });
    this.url = `http://127.0.0.1:${port}/hook`;
  }

  /** Waits (bounded) until every id has arrived; how long that took. */
  async waitFor(ids: string[], timeoutMs = DRAIN_MS): Promise<number> {
    const started = performance.now();
    while (ids.some((id) => !this.firstArrival.has(id))) {
      if (performance.now() - started > timeoutMs) break;
      await sleep(20);
    }
    return performance.now() - started;
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
  }
}

/**
 * CPU seconds used so far by the server's request-serving thread and by its whole process (Linux /proc, clock
 * ticks of 10 ms): what a write costs the server, whatever else shares the machine.
 */
function serverCpu(pid: number): { main: number; all: number } {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime
  };
  return {
    main: ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
    all: ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
  };
}

/** `clients` loops creating one object each, back to back, for `seconds`: the ids created (all answered 200). */
async function closedLoop(
  port: number,
  rw: string,
  prefix: string,
  seconds: number,
): Promise<{ ids: string[]; seconds: number }> {
  const ids: string[] = [];
  let n = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const id = `${prefix}-${n++}`;
      await expectOk(request(port, 'POST', '/api/v1/content/event', rw, { id, title: id }), 'create');
      ids.push(id);
    }
  };
  await Promise.all(Array.from({ length: settings.clients }, client));
  return { ids, seconds: (performance.now() - started) / 1000 };
}

async function setWebhook(port: number, rw: string, hook: string, enabled: boolean): Promise<void> {
  await expectOk(request(port, 'PATCH', `/api/v1/content/_webhooks/${hook}`, rw, { enabled }), 'toggle webhook');
}

/** Alternating phases without and with the webhook, so drift over the run (a growing table) hits both alike. */
async function throughput(
  host: ServerHost,
  port: number,
  rw: string,
  hook: string,
  deliveries: DeliveryLog,
  dialect: string,
): Promise<ThroughputPhase[]> {
  // warm-up of both paths (compiled schemas, prepared statements, connections; the fan-out, the sending thread and
  // its connections), so the first measured phase of either is not the one that pays for starting them
  await setWebhook(port, rw, hook, true);
  const warm = await closedLoop(port, rw, 'warmon', 1);
  await deliveries.waitFor(warm.ids);
  await setWebhook(port, rw, hook, false);
  await closedLoop(port, rw, 'warm', 1);
  const phases: ThroughputPhase[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    // off-on, then on-off (ABBA): a drift that runs one way through a pair of rounds weighs on both paths alike
    for (const webhook of round % 2 === 0 ? [false, true] : [true, false]) {
      await setWebhook(port, rw, hook, webhook && !settings.sameBoth);
      process.stderr.write(`${dialect}: ${settings.seconds} s of creates, webhook ${webhook ? 'on' : 'off'}\n`);
      const profiled = settings.profile && round === settings.rounds - 1;
      if (profiled) await host.profileStart();
      const cpuBefore = serverCpu(host.pid);
      const dbBefore = dialect === 'postgres' ? postgresCpuMs() : 0;
      const benchBefore = process.cpuUsage();
      const r = await closedLoop(port, rw, `t${round}${webhook ? 'on' : 'off'}`, settings.seconds);
      const cpuAfter = serverCpu(host.pid);
      const bench = process.cpuUsage(benchBefore);
      const phase: ThroughputPhase = {
        webhook,
        writes: r.ids.length,
        seconds: r.seconds,
        mainCpuSeconds: cpuAfter.main - cpuBefore.main,
        processCpuSeconds: cpuAfter.all - cpuBefore.all,
        databaseCpuSeconds: dialect === 'postgres' ? (postgresCpuMs() - dbBefore) / 1000 : undefined,
        benchCpuSeconds: (bench.user + bench.system) / 1e6,
      };
      if (profiled) {
        const p = await host.profileStop();
        if (settings.profileDir) {
          mkdirSync(settings.profileDir, { recursive: true });
          const file = path.join(settings.profileDir, `${dialect}-${webhook ? 'on' : 'off'}.cpuprofile`);
          writeFileSync(file, JSON.stringify(p.cpu));
        }
        phase.profile = {
          summary: summarize(p.cpu, repoRoot, 30),
          sql: p.sql.sort((a, b) => b.totalMs - a.totalMs).slice(0, 15),
        };
      }
      if (webhook && !settings.sameBoth) {
        phase.deliveredAtEnd = r.ids.filter((id) => deliveries.firstArrival.has(id)).length;
        phase.drainMs = await deliveries.waitFor(r.ids);
        phase.delivered = r.ids.filter((id) => deliveries.firstArrival.has(id)).length;
      }
      phases.push(phase);
    }
  }
  return phases;
}

/** Writes at a steady rate (one every 1000/rate ms, not waiting for answers): write's 200 → delivery arrival. */
async function latency(port: number, rw: string, deliveries: DeliveryLog): Promise<LatencyRun> {
  const total = Math.round(settings.rate * settings.latencySeconds);
  const answered = new Map<string, number>();
  const writeMs: number[] = [];
  let failed = 0;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / settings.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `lat-${i}`;
    const sent = performance.now();
    sends.push(
      request(port, 'POST', '/api/v1/content/event', rw, { id, title: id }).then(
        (r) => {
          const at = performance.now();
          if (r.status !== 200) failed++;
          else {
            answered.set(id, at);
            writeMs.push(at - sent);
          }
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(sends);
  const sendSeconds = (performance.now() - started) / 1000;
  const ids = [...answered.keys()];
  await deliveries.waitFor(ids);
  const delays = ids
    .filter((id) => deliveries.firstArrival.has(id))
    .map((id) => deliveries.firstArrival.get(id)! - answered.get(id)!);
  return { rate: settings.rate, writes: total, failed, sendSeconds, writeMs, delays, missing: ids.length - delays.length };
}

async function runDialect(dialect: Dialect, sqliteVersion: string): Promise<WebhooksRun> {
  const db = await createBenchDatabase(dialect, sqliteVersion);
  const dropDb = onCleanup(`${dialect} database`, db.drop);
  const host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: 'warn' }, 'child');
  const stopHost = onCleanup(`${dialect} server`, host.stop);
  const deliveries = new DeliveryLog();
  await deliveries.start();
  const stopReceiver = onCleanup('receiver', () => deliveries.stop());
  try {
    const { port, readWriteKey: rw } = host.info;
    await expectOk(request(port, 'POST', '/api/v1/internal/contenttype', rw, ctd('event', { title: text() })), 'CTD');
    const hook = (
      await expectOk(
        request(port, 'POST', '/api/v1/content/_webhooks', rw, {
          name: 'bench',
          type: 'async',
          url: deliveries.url,
          enabled: false,
          content_type_definitions: [{ content_type_definition_name: 'event' }],
          actions: [{ action: 'Create' }],
          headers: [],
        }),
        'webhook',
      )
    ).id;
    const phases = await throughput(host, port, rw, hook, deliveries, dialect);
    await setWebhook(port, rw, hook, true);
    process.stderr.write(`${dialect}: ${settings.latencySeconds} s at ${settings.rate} writes/s\n`);
    const lat = await latency(port, rw, deliveries);
    const received = deliveries.total;
    const distinct = deliveries.firstArrival.size;
    return { dialect, version: db.version, phases, latency: lat, received, distinct, rss: await host.rssBytes() };
  } finally {
    await stopReceiver();
    await stopHost();
    await dropDb();
  }
}

async function main(): Promise<number> {
  const disarm = installExitHandlers(Number(process.env.BENCH_MAX_SECONDS ?? 1500));
  try {
    const mem = new BetterSqlite3(':memory:');
    const sv = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    mem.close();
    const started = new Date();
    const loadAtStart = os.loadavg()[0];
    const runs: WebhooksRun[] = [];
    const skipped: string[] = [];
    for (const d of dialects) {
      if (d === 'postgres') {
        const why = await pgUnreachable();
        if (why) {
          skipped.push(`postgres skipped: ${why}`);
          continue;
        }
      }
      runs.push(await runDialect(d, sv));
    }
    writeReport('webhooks', started, renderWebhooksReport(runs, { ...settings, date: started, loadAtStart, skipped }));
    return 0;
  } finally {
    agent.destroy();
    await cleanupAll();
    disarm();
  }
}

runMain(main);
