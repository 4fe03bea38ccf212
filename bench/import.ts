// `npx tsx bench/import.ts`: issue 13's import bar. Objects/s written through the batch endpoint with 100-object
// batches from one client (one request in flight) on a fresh server, SQLite and PostgreSQL; the goal is ≥ 20 000/s
// on SQLite and ≥ 10 000/s on PostgreSQL. bench/README.md ("Import") describes it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { cleanupAll, installExitHandlers, onCleanup } from './cleanup.js';
import { keyRequest, runMain, writeReport } from './harness.js';
import { createBenchDatabase, pgUnreachable, type Dialect } from './databases.js';
import { articleId, loadDataset, repoRoot, type Dataset } from './dataset.js';
import { serverBuild, startHost } from './host.js';
import { renderProfile, summarize, type ProfileSummary } from './profile.js';
import { articleBody, articleCtd, categoryCtd } from './seed.js';
import type { SqlStat } from './sql-trace.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  n: num('BENCH_N', 20_000),
  batch: num('BENCH_BATCH', 100),
  rounds: num('BENCH_ROUNDS', 2),
  upsert: process.env.BENCH_IMPORT_UPSERT !== '0',
  profile: process.env.BENCH_PROFILE === '1',
};
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').filter(Boolean) as Dialect[];
/** Issue 13's bars, objects per second. */
const TARGET: Record<Dialect, number> = { sqlite: 20_000, postgres: 10_000 };

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

const request = (port: number, method: string, url: string, key: string, payload?: string) =>
  keyRequest(agent, port, method, url, key, payload);

async function expectOk(p: Promise<{ status: number; text: string }>, what: string): Promise<string> {
  const r = await p;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.text;
}

interface Round {
  type: string;
  objects: number;
  seconds: number;
  /** Each batch request's time, ms. */
  batchMs: number[];
  /** CPU time the server process (all its threads) used during the round, ms; undefined where /proc is missing. */
  serverCpuMs: number | undefined;
}

/** CPU time (user + system, every thread) a process has used so far, ms, from Linux's /proc; undefined elsewhere. */
function cpuMsOf(pid: number): number | undefined {
  try {
    // fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

export interface ImportRun {
  dialect: Dialect;
  version: string;
  rounds: Round[];
  checks: string[];
  rss: number;
  profile?: { summary: ProfileSummary; sql: SqlStat[] };
}

/** The request bodies of one round, made before the clock starts so the client costs the server as little as possible. */
function bodies(ds: Dataset, type: string): string[] {
  const out: string[] = [];
  for (let from = 0; from < settings.n; from += settings.batch) {
    const items = [];
    for (let i = from; i < Math.min(settings.n, from + settings.batch); i++) {
      items.push({ ...articleBody(ds, i), id: `${type}-${articleId(i)}` });
    }
    out.push(JSON.stringify(items));
  }
  return out;
}

/** One client, one batch in flight: the import's shape (the CLI sends its batches one after the other). */
async function importRound(port: number, pid: number, rw: string, type: string, payloads: string[]): Promise<Round> {
  const url = `/api/v1/content/${type}/batch${settings.upsert ? '?updateExisting=true' : ''}`;
  const batchMs: number[] = [];
  const cpuAtStart = cpuMsOf(pid);
  const started = performance.now();
  for (const payload of payloads) {
    const t = performance.now();
    const text = await expectOk(request(port, 'POST', url, rw, payload), `batch into ${type}`);
    batchMs.push(performance.now() - t);
    if (!text.includes('"batch_error_count":0')) throw new Error(`batch into ${type} reported errors: ${text.slice(0, 300)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuAtEnd = cpuMsOf(pid);
  const serverCpuMs = cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart;
  return { type, objects: settings.n, seconds, batchMs, serverCpuMs };
}

/** What a reader sees afterwards: every object, at version 1, findable, one event each. */
async function verify(port: number, ro: string, rw: string, ds: Dataset, type: string): Promise<string> {
  const list = JSON.parse(await expectOk(request(port, 'GET', `/api/v1/content/${type}?limit=1`, ro), 'list')) as {
    total_count: number;
  };
  if (list.total_count !== settings.n) throw new Error(`${type}: ${list.total_count} objects listed, ${settings.n} imported`);
  const last = settings.n - 1;
  const one = JSON.parse(
    await expectOk(request(port, 'GET', `/api/v1/content/${type}/${type}-${articleId(last)}`, ro), 'get'),
  ) as {
    title: string;
    internal: { latestVersion: number };
  };
  if (one.title !== ds.article(last).title || one.internal.latestVersion !== 1) throw new Error(`${type}: last object differs`);
  const title = ds.article(last).title;
  const found = JSON.parse(
    await expectOk(
      request(port, 'GET', `/api/v1/search?q=${encodeURIComponent(`"${title}"`)}&content_type[]=${type}`, rw),
      'search',
    ),
  ) as { data: { item: { id: string } }[] };
  if (!found.data.some((h) => h.item.id === `${type}-${articleId(last)}`)) {
    throw new Error(`${type}: a search for the last object's title found ${JSON.stringify(found.data.map((h) => h.item.id))}`);
  }
  return `${type}: ${list.total_count} objects listed; the last one at version 1 and found by a search for its title`;
}

async function runDialect(dialect: Dialect, sqliteVersion: string, ds: Dataset): Promise<ImportRun> {
  const db = await createBenchDatabase(dialect, sqliteVersion);
  const dropDb = onCleanup(`${dialect} database`, db.drop);
  const host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: 'warn' }, 'child');
  const stopHost = onCleanup(`${dialect} server`, host.stop);
  try {
    const { port, readWriteKey: rw, readOnlyKey: ro } = host.info;
    await expectOk(request(port, 'POST', '/api/v1/internal/contenttype', rw, JSON.stringify(categoryCtd())), 'category CTD');
    const cats = ds.categories().map((c, i) => ({ id: `category-${i + 1}`, name: c.name }));
    await expectOk(request(port, 'POST', '/api/v1/content/category/batch', rw, JSON.stringify(cats)), 'categories');
    const rounds: Round[] = [];
    const checks: string[] = [];
    let profile: ImportRun['profile'];
    for (let r = 0; r < settings.rounds; r++) {
      // each round imports into a type of its own, so every round starts from an empty type as an import does
      const type = `article${'abcdefghij'[r]}`;
      await expectOk(
        request(port, 'POST', '/api/v1/internal/contenttype', rw, JSON.stringify({ ...articleCtd(), name: type, label: type })),
        'CTD',
      );
      const payloads = bodies(ds, type);
      const profiled = settings.profile && r === settings.rounds - 1;
      if (profiled) await host.profileStart();
      process.stderr.write(`${dialect}: importing ${settings.n} objects into ${type}\n`);
      rounds.push(await importRound(port, host.pid, rw, type, payloads));
      if (profiled) {
        const p = await host.profileStop();
        profile = { summary: summarize(p.cpu, repoRoot, 25), sql: p.sql.sort((a, b) => b.totalMs - a.totalMs).slice(0, 12) };
      }
      checks.push(await verify(port, ro, rw, ds, type));
    }
    return { dialect, version: db.version, rounds, checks, rss: await host.rssBytes(), profile };
  } finally {
    await stopHost();
    await dropDb();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const fmt = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rateOf = (r: Round) => r.objects / r.seconds;

function render(runs: ImportRun[], meta: { date: Date; loadAtStart: number; loadAtEnd: number; skipped: string[] }): string {
  const cpu = os.cpus();
  const out = [
    `# Import: objects/s through the batch endpoint (issue 13) — ${meta.date.toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}; ` +
      `1-minute load average ${fmt(meta.loadAtStart, 2)} at the start, ${fmt(meta.loadAtEnd, 2)} at the end (other work shares the machine). ` +
      `Started ${meta.date.toISOString()}.`,
    '',
    `Server: \`createApp\` with the default settings in a child process (${serverBuild()}) on a fresh database. One client in the parent ` +
      `process sends \`POST /api/v1/content/{type}/batch${settings.upsert ? '?updateExisting=true' : ''}\` (as \`flotilla import\` does) ` +
      `with ${settings.batch} objects per request, one request in flight, the request bodies made before the clock starts. ` +
      `The objects are the bench data set's articles (title, ~1 KB of richtext body, number, date, a relation to one of 20 ` +
      `categories imported first): each is validated, its relation checked, stored with its search entry and its event. ` +
      `${settings.rounds} rounds of ${fmt(settings.n)} objects, each into a new empty type; after each round a reader checks ` +
      `the count, the last object and a search for it.`,
    '',
  ];
  for (const run of runs) {
    const all = run.rounds.reduce((a, r) => ({ n: a.n + r.objects, s: a.s + r.seconds }), { n: 0, s: 0 });
    const rate = all.n / all.s;
    const target = TARGET[run.dialect];
    out.push(
      `## ${run.dialect} (${run.version})`,
      '',
      `- ≥ ${fmt(target)} objects/s: ${fmt(rate)} objects/s over all rounds — **${rate >= target ? 'met' : 'not met'}**`,
      `- server RSS at the end: ${fmt(run.rss / 2 ** 20)} MB`,
      '',
      '| round | type | objects | seconds | objects/s | server CPU µs/object | batch p50 ms | batch p99 ms | batch max ms |',
      '|---|---|---|---|---|---|---|---|---|',
      ...run.rounds.map(
        (r, i) =>
          `| ${i + 1} | ${r.type} | ${fmt(r.objects)} | ${fmt(r.seconds, 1)} | ${fmt(rateOf(r))} | ${r.serverCpuMs === undefined ? '–' : fmt((r.serverCpuMs * 1000) / r.objects)} | ${fmt(pct(r.batchMs, 50), 1)} | ${fmt(pct(r.batchMs, 99), 1)} | ${fmt(Math.max(...r.batchMs), 1)} |`,
      ),
      '',
      ...run.checks.map((c) => `- checked: ${c}`),
      '',
    );
    if (run.profile) out.push(...renderProfile('the last round', run.profile));
  }
  for (const s of meta.skipped) out.push(`- ${s}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const disarm = installExitHandlers(Number(process.env.BENCH_MAX_SECONDS ?? 900));
  try {
    const mem = new BetterSqlite3(':memory:');
    const sv = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    mem.close();
    const ds = await loadDataset();
    const started = new Date();
    const loadAtStart = os.loadavg()[0];
    const runs: ImportRun[] = [];
    const skipped: string[] = [];
    for (const d of dialects) {
      if (d === 'postgres') {
        const why = await pgUnreachable();
        if (why) {
          skipped.push(`postgres skipped: ${why}`);
          continue;
        }
      }
      runs.push(await runDialect(d, sv, ds));
    }
    const report = render(runs, { date: started, loadAtStart, loadAtEnd: os.loadavg()[0], skipped });
    writeReport('import', started, report);
    return 0;
  } finally {
    agent.destroy();
    await cleanupAll();
    disarm();
  }
}

runMain(main);
