// Measuring one scenario: capture and check a real response, load Flotilla, load the bare route, optionally profile.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dialect } from './databases.js';
import { articleId, repoRoot } from './dataset.js';
import type { ServerHost } from './host.js';
import { load, quiesce, type LoadOptions, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import { bestPeer, type Peers } from './peers.js';
import { summarize } from './profile.js';
import { postgresCpuMs } from './sql-trace.js';
import { ratioOf, type ProfileResult, type ScenarioResult } from './report.js';
import type { Scenario } from './scenarios.js';

export const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Captured {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** One real response of the scenario: what the bare route will replay, and what the checks look at. */
async function capture(port: number, s: Scenario): Promise<Captured> {
  const t = s.target;
  // fetch takes bytes as a Uint8Array (a Buffer is one, but not to the DOM typings)
  const body = typeof t.body === 'string' || t.body === undefined ? t.body : new Uint8Array(t.body);
  const res = await fetch(`http://127.0.0.1:${port}${t.path}`, { method: t.method, headers: t.headers, body });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    headers: Object.fromEntries(res.headers),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** The measured seconds of a scenario: BENCH_SECONDS, or less for one that creates objects. */
export const secondsOf = (s: Scenario, o: BenchOptions) => Math.min(o.seconds, s.maxSeconds ?? o.seconds);

/** A cheap request through Flotilla's whole path (auth, policy, one indexed read), used to wait for a drained server. */
const probeOf = (h: ServerHost) => ({
  path: `/api/v1/content/article/${articleId(0)}`,
  headers: { 'x-auth-token': h.info.readOnlyKey },
});

/** Warm-up (not counted), then the measured run; the server is drained before each and after the last. */
async function measure(s: Scenario, h: ServerHost, port: number, o: BenchOptions): Promise<LoadResult> {
  const opts: LoadOptions = { port, connections: o.connections, seconds: secondsOf(s, o), expectStatus: s.expectStatus };
  const drain = async (after: string) => {
    const ms = await quiesce(h.info.port, probeOf(h));
    if (ms > 1000) log(`    waited ${(ms / 1000).toFixed(1)} s for the server to finish the requests left by ${after}`);
  };
  if (o.warmupSeconds > 0) {
    await load(s.target, { ...opts, seconds: o.warmupSeconds });
    await drain('the warm-up');
  }
  const r = await load(s.target, opts);
  await drain('the measured run');
  return r;
}

function loadProblems(label: string, r: LoadResult): string[] {
  const out: string[] = [];
  if (r.unexpected > 0)
    out.push(`${label}: ${r.unexpected} of ${r.completed} responses had an unexpected status (${JSON.stringify(r.statuses)})`);
  if (r.errors > 0) out.push(`${label}: ${r.errors} connection errors (${r.timeouts} timeouts)`);
  return out;
}

/** The load split over two nodes at once (half the connections each): req/s summed, p99 the higher. */
async function measureTwo(s: Scenario, a: ServerHost, b: ServerHost, o: BenchOptions): Promise<LoadResult> {
  const half = { ...o, connections: Math.max(1, Math.floor(o.connections / 2)) };
  const [x, y] = await Promise.all([measure(s, a, a.info.port, half), measure(s, b, b.info.port, half)]);
  const statuses = { ...x.statuses };
  for (const [k, v] of Object.entries(y.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    reqPerSec: x.reqPerSec + y.reqPerSec,
    p50Ms: Math.max(x.p50Ms, y.p50Ms),
    p99Ms: Math.max(x.p99Ms, y.p99Ms),
    completed: x.completed + y.completed,
    unexpected: x.unexpected + y.unexpected,
    statuses,
    errors: x.errors + y.errors,
    timeouts: x.timeouts + y.timeouts,
    seconds: Math.max(x.seconds, y.seconds),
  };
}

/**
 * Captures and checks one real response, then measures Flotilla and the bare route replaying it (and, given a second
 * node on the same database, the load spread over both).
 */
export async function runScenario(
  host: ServerHost,
  s: Scenario,
  o: BenchOptions,
  peers: Peers,
  second?: ServerHost,
): Promise<ScenarioResult> {
  const result: ScenarioResult = {
    key: s.key,
    name: s.name,
    url: decodeURIComponent(s.target.method === 'GET' ? s.target.path : `${s.target.method} ${s.target.path}`),
    expectStatus: s.expectStatus,
    responseBytes: 0,
    seconds: secondsOf(s, o),
    cache: s.cache,
    serverEnv: s.serverEnv,
    peer: s.peerLabel ? bestPeer(peers, s.peerLabel) : undefined,
    problems: [],
  };
  for (let i = 0; i < (s.warmRequests ?? 0); i++) {
    const w = await capture(host.info.port, s);
    if (w.status !== s.expectStatus) log(`  ${s.key}: the warm request answered ${w.status}`);
  }
  const c = await capture(host.info.port, s);
  result.responseBytes = c.body.length;
  result.problems.push(...s.check(c.status, c.body.toString('utf8'), { headers: c.headers, bytes: c.body }));
  if (c.status !== s.expectStatus) {
    result.problems.push(`not measured: the captured response was ${c.status}: ${c.body.toString('utf8').slice(0, 300)}`);
    return result;
  }
  log(`  ${s.key}: ${c.status}, ${c.body.length} bytes — measuring Flotilla…`);
  result.real = await measure(s, host, host.info.port, o);
  result.problems.push(...loadProblems('Flotilla', result.real));
  await host.setBare(c);
  log(`  ${s.key}: ${Math.round(result.real.reqPerSec)} req/s — measuring the bare route…`);
  result.bare = await measure(s, host, host.info.barePort, o);
  result.problems.push(...loadProblems('bare', result.bare));
  log(`  ${s.key}: bare ${Math.round(result.bare.reqPerSec)} req/s, ratio ${(ratioOf(result) ?? 0).toFixed(1)} %`);
  if (second) {
    result.twoNodes = await measureTwo(s, host, second, o);
    result.problems.push(...loadProblems('two nodes', result.twoNodes));
    log(`  ${s.key}: two nodes ${Math.round(result.twoNodes.reqPerSec)} req/s`);
  }
  return result;
}

/** An extra pass of one scenario with the CPU profiler and SQL timing on in the server process. */
export async function profileScenario(h: ServerHost, s: Scenario, o: BenchOptions, dialect: Dialect): Promise<ProfileResult> {
  await quiesce(h.info.port, probeOf(h));
  const dbCpuBefore = dialect === 'postgres' ? postgresCpuMs() : 0;
  await h.profileStart();
  const loaded = await load(s.target, {
    port: h.info.port,
    connections: o.connections,
    seconds: secondsOf(s, o),
    expectStatus: s.expectStatus,
  }).catch((e: Error) => e);
  await quiesce(h.info.port, probeOf(h));
  const databaseCpuMs = dialect === 'postgres' ? postgresCpuMs() - dbCpuBefore : undefined;
  const profiled = await h.profileStop();
  if (loaded instanceof Error) throw loaded;
  const r = loaded;
  const file = path.join(os.tmpdir(), `flotilla-bench-${dialect}-${s.key}-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profiled.cpu));
  return {
    dialect,
    scenario: s.name,
    seconds: secondsOf(s, o),
    reqPerSec: r.reqPerSec,
    requests: r.completed,
    file,
    summary: summarize(profiled.cpu, repoRoot),
    sql: profiled.sql.slice(0, 6),
    databaseCpuMs,
  };
}
