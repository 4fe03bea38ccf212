// `npx tsx bench/draft-public.ts`: issue 11's bench line. Public-view list (limit 20) and get of a Draft & Public
// type against the same on a plain type holding the same objects, read-only key, on SQLite and PostgreSQL (the goal:
// D&P ≥ 90 % of plain). bench/README.md ("Draft & Public") describes it.
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { ctd, number, text } from '../test/support/fixtures.js';
import { cleanupAll, installExitHandlers, onCleanup } from './cleanup.js';
import { runMain, writeReport } from './harness.js';
import { createBenchDatabase, pgUnreachable, type Dialect } from './databases.js';
import { startHost } from './host.js';
import { load, quiesce, type LoadResult } from './load.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  n: num('BENCH_N', 1000),
  seconds: num('BENCH_SECONDS', 4),
  warmup: num('BENCH_WARMUP', 1),
  rounds: num('BENCH_ROUNDS', 2),
  connections: num('BENCH_CONNECTIONS', 32),
  modifiedShare: 0.1,
};
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').filter(Boolean) as Dialect[];
const TYPES = { plain: 'plainpost', dp: 'dppost' } as const;
type Kind = keyof typeof TYPES;
const SCENARIOS = ['list', 'get'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Measured {
  scenario: Scenario;
  kind: Kind;
  round: number;
  r: LoadResult;
}
interface DialectRun {
  dialect: Dialect;
  version: string;
  seedSeconds: number;
  runs: Measured[];
}

async function call(
  port: number,
  method: string,
  url: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { 'x-auth-token': key, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function ok(p: ReturnType<typeof call>, what: string, status = 200): Promise<string> {
  const r = await p;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.text;
}

const objectBody = (i: number) => ({
  id: `o${i}`,
  title: `Object number ${i} about ${['okapis', 'zebras', 'herons', 'lynxes'][i % 4]}`,
  body: `A body of moderate length for object ${i}. `.repeat(8),
  views: (i * 7919) % 10_000,
});
const modified = (i: number) => i % Math.round(1 / settings.modifiedShare) === 0;

/**
 * The same N objects in both types; every D&P object published, and one in ten then edited (status modified), so
 * the public view must skip their latest rows and serve the published ones: the answers are the same bytes' worth.
 */
async function seed(port: number, rw: string): Promise<void> {
  const fields = { title: text({ isTitlePart: true }), body: text(), views: number() };
  await ok(call(port, 'POST', '/api/v1/internal/contenttype', rw, ctd(TYPES.plain, fields)), 'plain CTD');
  await ok(call(port, 'POST', '/api/v1/internal/contenttype', rw, ctd(TYPES.dp, fields, { draftPublic: true })), 'D&P CTD');
  for (let from = 0; from < settings.n; from += 100) {
    const batch = Array.from({ length: Math.min(100, settings.n - from) }, (_, j) => objectBody(from + j));
    const ids = batch.map((o) => o.id);
    await Promise.all(
      Object.values(TYPES).map((type) => ok(call(port, 'POST', `/api/v1/content/${type}/batch`, rw, batch), `seed ${type}`)),
    );
    await ok(call(port, 'POST', `/api/v1/content/${TYPES.dp}/batch-publish`, rw, ids), 'publish', 204);
    const edits = batch.filter((_, j) => modified(from + j)).map((o) => ({ id: o.id, title: `${o.title} (edited, not public)` }));
    if (edits.length) await ok(call(port, 'PATCH', `/api/v1/content/${TYPES.dp}/batch`, rw, edits), 'edit');
  }
}

/** Each target checked once before it is measured: the D&P answers carry the published values, as the plain ones. */
async function check(port: number, ro: string, rw: string): Promise<void> {
  for (const url of ['?limit=20', '/o0', '/o1']) {
    const plain = JSON.parse(await ok(call(port, 'GET', `/api/v1/content/${TYPES.plain}${url}`, ro), 'plain')) as unknown;
    const dp = JSON.parse(await ok(call(port, 'GET', `/api/v1/content/${TYPES.dp}${url}`, ro), 'D&P')) as unknown;
    const strip = (v: unknown): unknown => {
      const one = (o: { id: string; title: string; views: number }) => [o.id, o.title, o.views];
      const d = v as { data?: { id: string; title: string; views: number }[] } & { id: string; title: string; views: number };
      return d.data ? d.data.map(one) : one(d);
    };
    if (JSON.stringify(strip(plain)) !== JSON.stringify(strip(dp))) {
      throw new Error(`D&P public view differs from plain for ${url}: ${JSON.stringify(strip(dp)).slice(0, 300)}`);
    }
  }
  // and the edits are there, for a preview
  const o0 = JSON.parse(
    await ok(call(port, 'GET', `/api/v1/content/${TYPES.dp}/o0`, rw, undefined, { 'x-mode': 'preview' }), 'o0'),
  ) as { title: string; internal: { status: string } };
  if (o0.internal.status !== 'modified' || !o0.title.includes('edited'))
    throw new Error(`o0 should be modified: ${JSON.stringify(o0)}`);
}

function target(scenario: Scenario, kind: Kind, ro: string) {
  const base = `/api/v1/content/${TYPES[kind]}`;
  if (scenario === 'list') return { method: 'GET' as const, path: `${base}?limit=20`, headers: { 'x-auth-token': ro } };
  let i = 0;
  const nextPath = () => `${base}/o${(i = (i + 7919) % settings.n)}`;
  return { method: 'GET' as const, path: `${base}/o1`, headers: { 'x-auth-token': ro }, nextPath };
}

async function runDialect(dialect: Dialect, sqliteVersion: string): Promise<DialectRun> {
  const db = await createBenchDatabase(dialect, sqliteVersion);
  const dropDb = onCleanup(`${dialect} database`, db.drop);
  const host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: 'warn' }, 'child');
  const stopHost = onCleanup(`${dialect} server`, host.stop);
  try {
    const { port, readWriteKey: rw, readOnlyKey: ro } = host.info;
    const t0 = performance.now();
    process.stderr.write(`${dialect}: seeding ${settings.n} objects into each type\n`);
    await seed(port, rw);
    const seedSeconds = (performance.now() - t0) / 1000;
    if (dialect === 'postgres') await db.analyze();
    await check(port, ro, rw);
    const runs: Measured[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const scenario of SCENARIOS) {
        // alternate which type goes first, so drift over the run hits both alike
        const order: Kind[] = round % 2 === 0 ? ['plain', 'dp'] : ['dp', 'plain'];
        for (const kind of order) {
          const tg = target(scenario, kind, ro);
          await quiesce(port, { path: tg.path, headers: tg.headers });
          process.stderr.write(`${dialect}: round ${round + 1} ${scenario} ${kind}\n`);
          const opts = { port, connections: settings.connections, expectStatus: 200 };
          await load(tg, { ...opts, seconds: settings.warmup });
          runs.push({ scenario, kind, round, r: await load(tg, { ...opts, seconds: settings.seconds }) });
        }
      }
    }
    return { dialect, version: db.version, seedSeconds, runs };
  } finally {
    await stopHost();
    await dropDb();
  }
}

function render(results: DialectRun[], date: Date, loadAtStart: number, skipped: string[]): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lines = [
    `# Draft & Public read bench — ${date.toISOString()}`,
    '',
    `Issue 11's bar: public-view list (limit 20) and get of a Draft & Public type ≥ 90 % of the same on a plain type.`,
    `${settings.n} objects in each type (same values); every D&P object published, ${settings.modifiedShare * 100} % then`,
    `edited (status modified: the public view serves the published row and skips the edit). Read-only key, no`,
    `X-MODE. ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.seconds} s per measurement,`,
    `${settings.rounds} rounds alternating which type goes first; server in a child process (default settings: on`,
    `SQLite the page cache answers the repeated list page for both types; PostgreSQL has no page cache). Gets rotate`,
    `over all ${settings.n} ids. ${os.cpus().length} CPUs, load average ${loadAtStart.toFixed(2)} at start.`,
    '',
    ...skipped.map((s) => `- ${s}`),
  ];
  for (const d of results) {
    lines.push(`## ${d.dialect} (${d.version})`, '', `Seeding (both types, publish, edits): ${d.seedSeconds.toFixed(1)} s.`, '');
    lines.push('| scenario | plain req/s | D&P req/s | D&P ÷ plain | plain p99 ms | D&P p99 ms | bar (≥ 90 %) |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const scenario of SCENARIOS) {
      const of = (kind: Kind) => d.runs.filter((m) => m.scenario === scenario && m.kind === kind);
      const rps = (kind: Kind) => mean(of(kind).map((m) => m.r.reqPerSec));
      const p99 = (kind: Kind) => Math.max(...of(kind).map((m) => m.r.p99Ms));
      const ratio = rps('dp') / rps('plain');
      lines.push(
        `| ${scenario} | ${rps('plain').toFixed(0)} | ${rps('dp').toFixed(0)} | ${(ratio * 100).toFixed(0)} % | ${p99('plain')} | ${p99('dp')} | ${ratio >= 0.9 ? 'met' : 'not met'} |`,
      );
    }
    lines.push('', 'Per measurement (req/s, statuses):', '');
    for (const m of d.runs) {
      const bad = m.r.unexpected || m.r.errors || m.r.timeouts ? ` ⚠ ${JSON.stringify(m.r.statuses)} errors ${m.r.errors}` : '';
      lines.push(`- round ${m.round + 1} ${m.scenario} ${m.kind}: ${m.r.reqPerSec.toFixed(0)} req/s, p50 ${m.r.p50Ms} ms${bad}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const disarm = installExitHandlers(Number(process.env.BENCH_MAX_SECONDS ?? 600));
  try {
    const mem = new BetterSqlite3(':memory:');
    const sv = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    mem.close();
    const started = new Date();
    const loadAtStart = os.loadavg()[0];
    const results: DialectRun[] = [];
    const skipped: string[] = [];
    for (const d of dialects) {
      const why = d === 'postgres' ? await pgUnreachable() : undefined;
      if (why) skipped.push(`postgres skipped: ${why}`);
      else results.push(await runDialect(d, sv));
    }
    writeReport('draft-public', started, render(results, started, loadAtStart, skipped));
    return 0;
  } finally {
    await cleanupAll();
    disarm();
  }
}

runMain(main);
