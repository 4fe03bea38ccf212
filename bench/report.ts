import { serverBuild } from './host.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './dataset.js';
import type { LoadResult } from './load.js';
import type { PeerFigure } from './peers.js';
import type { ProfileSummary } from './profile.js';
import type { CacheUse, ScenarioKey } from './scenarios.js';
import type { SqlStat } from './sql-trace.js';
import type { SeedResult } from './seed.js';

export interface ScenarioResult {
  key: ScenarioKey;
  name: string;
  /** The request path, with `filters` shown decoded for readability. */
  url: string;
  expectStatus: number;
  responseBytes: number;
  /** Measured seconds (BENCH_SECONDS, or less for a scenario that creates objects). */
  seconds: number;
  cache?: CacheUse;
  /** Server settings of the process that answered (absent: the defaults). */
  serverEnv?: Record<string, string>;
  real?: LoadResult;
  bare?: LoadResult;
  /** BENCH_NODES=2 on PostgreSQL: the same load spread over two server processes on the database. */
  twoNodes?: LoadResult;
  peer?: PeerFigure;
  /** Wrong data or statuses in the captured response or during the load. */
  problems: string[];
}

export interface ProfileResult {
  dialect: 'sqlite' | 'postgres';
  scenario: string;
  seconds: number;
  reqPerSec: number;
  /** Responses completed during the profiled pass. */
  requests: number;
  file: string;
  summary: ProfileSummary;
  /** The most expensive SQL statements of the pass, with their plans. */
  sql: SqlStat[];
  /** PostgreSQL: CPU ms its processes used during the pass (the server process's own is `summary.busyMs`). */
  databaseCpuMs?: number;
}

export interface DialectResult {
  dialect: 'sqlite' | 'postgres';
  version?: string;
  skipped?: string;
  error?: string;
  seed?: SeedResult;
  rssAfterSeedMiB?: number;
  /** The server's memory after seeding, as Node sees it. */
  memoryAfterSeed?: NodeJS.MemoryUsage;
  rssMaxMiB?: number;
  scenarios: ScenarioResult[];
  profiles: ProfileResult[];
  /** Whether the planner had table statistics, after seeding and after the scenarios. */
  plannerStats: string[];
}

export interface RunInfo {
  date: string;
  startedAt: string;
  n: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  seedConcurrency: number;
  /** 'cli': the data set was written as a flotiq-cli export folder and imported with `flotilla import`. */
  seedVia?: 'api' | 'cli';
  mode: string;
  logLevel: string;
  machine: { cpus: number; cpuModel: string; memGiB: number; os: string; node: string };
  /** 1-minute load averages at the start and the end: other work on the machine skews every figure. */
  loadAvg: { start: number; end?: number };
  peersSource: string;
  peersTarget: string | undefined;
  totalSeconds?: number;
}

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const pct = (x: number | undefined) => (x === undefined ? 'n/a' : x < 0.01 ? '< 0.01 %' : `${fmt(x, x < 1 ? 2 : 1)} %`);

export const ratioOf = (s: ScenarioResult) =>
  s.real && s.bare && s.bare.reqPerSec > 0 ? (100 * s.real.reqPerSec) / s.bare.reqPerSec : undefined;
export const peerFactorOf = (s: ScenarioResult) => (s.real && s.peer ? s.real.reqPerSec / s.peer.reqPerSec : undefined);

/** What the "cache" column means, one line per value used. */
const CACHE_LEGEND: Record<CacheUse, string> = {
  page: "page = the whole response comes from the page cache (`src/content/page-cache.ts`, hydrate=0 lists, validated by the type's write generation on both databases, decision 0019): the measured run repeats one query, as a production server answers a repeated query",
  response:
    "response = the whole response comes from the search-response cache (hydrate=0, the same query and scope), valid while the searched types' write generations are unchanged (decision 0019); the measured run repeats one query",
  file: 'file = the resized image was rendered once (the warm request) and is read from the file store on every request',
};

const envText = (env: Record<string, string> | undefined) =>
  env
    ? Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
    : '';

/** The per-dialect table, in markdown (also what goes to stdout). */
export function table(d: DialectResult): string {
  const two = d.scenarios.some((s) => s.twoNodes);
  const rows = [
    `| scenario | URL | bytes | cache | req/s | p99 ms | bare req/s | bare p99 ms | ratio | best peer req/s | × best peer |${two ? ' two nodes req/s | two nodes p99 ms |' : ''}`,
    `|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|${two ? '--:|--:|' : ''}`,
  ];
  for (const s of d.scenarios) {
    const r = s.real;
    const b = s.bare;
    const f = peerFactorOf(s);
    const cache = s.cache ?? (s.serverEnv ? `off (${envText(s.serverEnv)})` : '–');
    rows.push(
      `| ${s.name}${s.problems.length ? ' ⚠' : ''} | \`${s.url.replace(/\|/g, '\\|')}\` | ${fmt(s.responseBytes)} | ${cache} | ${r ? fmt(r.reqPerSec) : '–'} | ${r ? fmt(r.p99Ms) : '–'} | ${b ? fmt(b.reqPerSec) : '–'} | ${
        b ? fmt(b.p99Ms) : '–'
      } | ${pct(ratioOf(s))} | ${s.peer ? `${fmt(s.peer.reqPerSec)} (${s.peer.peer})` : 'n/a'} | ${f === undefined ? 'n/a' : `${fmt(f, 1)}×`} |${
        two ? ` ${s.twoNodes ? fmt(s.twoNodes.reqPerSec) : '–'} | ${s.twoNodes ? fmt(s.twoNodes.p99Ms) : '–'} |` : ''
      }`,
    );
  }
  return rows.join('\n');
}

/** The legend of the "cache" column for the values a table uses. */
function cacheLegend(d: DialectResult): string {
  const used = [...new Set(d.scenarios.map((s) => s.cache).filter((c) => c !== undefined))];
  const lines = used.map((c) => `- ${CACHE_LEGEND[c]}.`);
  if (d.scenarios.some((s) => !s.cache))
    lines.push(
      "- – = the response is built anew for every request (a list's count, here and in GraphQL, is remembered until the next write to the type).",
    );
  if (d.scenarios.some((s) => s.serverEnv))
    lines.push(`- off (…) = measured in a second server process started with these settings on the same database.`);
  if (d.scenarios.some((s) => s.twoNodes))
    lines.push(
      '- two nodes = the same load (the same connections in all) split evenly over two server processes on this database, measured at once; req/s is their sum, p99 the higher of the two.',
    );
  const longest = Math.max(...d.scenarios.map((s) => s.seconds));
  const short = d.scenarios.filter((s) => s.seconds < longest);
  for (const s of short) lines.push(`- ${s.name}: measured for ${s.seconds} s (it creates an object per request).`);
  return ['Cache column:', '', ...lines].join('\n');
}

function dialectSection(d: DialectResult, run: RunInfo): string {
  const out: string[] = [`## ${d.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${d.version ? ` (${d.version})` : ''}`, ''];
  if (d.skipped) return [...out, `**Skipped:** ${d.skipped}`, ''].join('\n');
  if (d.seed) {
    out.push(
      `Seeding: ${fmt(d.seed.rows)} rows (20 categories + ${fmt(run.n)} articles) in ${fmt(d.seed.seconds, 1)} s = **${fmt(d.seed.rowsPerSecond)} rows/s** ` +
        (run.seedVia === 'cli'
          ? '(through `flotilla import` from a flotiq-cli export folder: types, objects without relations, then their relations, in batches of 100 over HTTP; writing the folder not counted). '
          : `(${fmt(d.seed.requests)} batch requests of ≤ 100, ${run.seedConcurrency} in flight). `) +
        `Server RSS after seeding ${fmt(d.rssAfterSeedMiB ?? NaN)} MiB${memoryParts(d.memoryAfterSeed)}, highest after a scenario ${fmt(d.rssMaxMiB ?? NaN)} MiB.`,
      '',
    );
  }
  if (d.plannerStats.length) out.push(`Planner statistics: ${d.plannerStats.join('; ')}.`, '');
  if (d.error) {
    out.push(`**Failed:** \`${d.error.split('\n')[0]}\``, '');
    if (d.error.includes('\n')) out.push('```', d.error, '```', '');
  }
  if (d.scenarios.length) out.push(table(d), '', cacheLegend(d), '');
  const problems = d.scenarios.filter((s) => s.problems.length);
  if (problems.length) {
    out.push('Problems seen (⚠):', '');
    for (const s of problems) for (const p of s.problems) out.push(`- ${s.name}: ${p}`);
    out.push('');
  }
  const statuses = d.scenarios.filter((s) => s.real && Object.keys(s.real.statuses).length > 0);
  if (statuses.length) {
    out.push(
      `Responses during the load (status: count): ` +
        statuses
          .map(
            (s) =>
              `${s.key} ${Object.entries(s.real!.statuses)
                .map(([k, v]) => `${k}: ${fmt(v)}`)
                .join(', ')}`,
          )
          .join('; ') +
        '.',
      '',
    );
  }
  for (const p of d.profiles) out.push(profileSection(p), '');
  return out.join('\n');
}

/** What the RSS holds, as far as Node can tell: its heap, buffers outside it, and the rest (native code, SQLite). */
function memoryParts(m: NodeJS.MemoryUsage | undefined): string {
  if (!m) return '';
  const mb = (b: number) => fmt(b / 1024 / 1024);
  const rest = m.rss - m.heapTotal - m.external;
  return ` (V8 heap ${mb(m.heapTotal)} MiB, ${mb(m.heapUsed)} in use; buffers and other memory outside it that V8 tracks ${mb(m.external)}; the rest — code, thread stacks, native libraries, SQLite's page cache — ${mb(rest)})`;
}

function profileSection(p: ProfileResult): string {
  const s = p.summary;
  const lines = [
    `### Where the server's CPU goes: ${p.scenario}`,
    '',
    `An extra ${fmt(p.seconds)} s pass of this scenario with the V8 sampling profiler on in the server process ` +
      `(${fmt(p.reqPerSec)} req/s while profiling; busy ${fmt(s.busyMs)} ms of ${fmt(s.totalMs)} ms sampled). ` +
      `Self time, grouped by where the code lives (profile: \`${p.file}\`):`,
    '',
    '| group | self ms | % of busy |',
    '|---|--:|--:|',
    ...s.groups.map((g) => `| ${g.name} | ${fmt(g.ms)} | ${fmt(g.percent, 1)} |`),
    '',
    'Top functions by self time:',
    '',
    '| function — location | self ms | % of busy |',
    '|---|--:|--:|',
    ...s.functions.map((g) => `| \`${g.name}\` | ${fmt(g.ms)} | ${fmt(g.percent, 1)} |`),
  ];
  const top = p.sql[0];
  const group = s.groups[0];
  const summary: string[] = [];
  if (group) summary.push(`the largest share of the server's CPU is \`${group.name}\` (${fmt(group.percent, 1)} % of busy time)`);
  if (top) {
    const mean = top.calls > 0 ? top.totalMs / top.calls : NaN;
    const share =
      p.dialect === 'sqlite' && s.busyMs > 0
        ? ` = ${fmt((100 * top.totalMs) / s.busyMs, 1)} % of the server process's busy CPU time (SQLite runs inside it)`
        : " (time waiting for PostgreSQL, not the server's CPU)";
    summary.push(
      `the costliest SQL statement is \`${top.sql.replace(/\s+/g, ' ').slice(0, 100)}…\` — ${fmt(top.calls)} calls, ` +
        `${fmt(mean, 2)} ms each, ${fmt(top.totalMs)} ms in all${share}`,
    );
  }
  if (p.databaseCpuMs !== undefined && p.requests > 0) {
    summary.push(
      `PostgreSQL's processes used ${fmt(p.databaseCpuMs)} ms of CPU during the pass (${fmt(p.databaseCpuMs / p.requests, 3)} ms per ` +
        `response) beside the server process's ${fmt(s.busyMs)} ms (${fmt(s.busyMs / p.requests, 3)} ms per response), on 2 cores shared ` +
        `with the load generator`,
    );
  }
  if (summary.length) lines.splice(2, 0, `**In short:** ${summary.join('; ')}.`, '');
  if (p.sql.length) {
    lines.push(
      '',
      `SQL during the pass, including the requests autocannon left in flight at its end (time from the driver call to ` +
        `its result; ${fmt(p.requests)} HTTP responses counted by autocannon):`,
      '',
      '| statement | calls | total ms | mean ms per call |',
      '|---|--:|--:|--:|',
      ...p.sql.map(
        (q) =>
          `| \`${q.sql.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300)}\` | ${fmt(q.calls)} | ${fmt(q.totalMs)} | ${fmt(q.calls > 0 ? q.totalMs / q.calls : NaN, 3)} |`,
      ),
    );
    for (const q of p.sql.filter((x) => x.plan?.length).slice(0, 2)) {
      lines.push('', `Plan of \`${q.sql.replace(/\s+/g, ' ').slice(0, 120)}…\`:`, '', '```', ...(q.plan ?? []), '```');
    }
  }
  return lines.join('\n');
}

/** The plain verdict the issue asks for: does list-of-20 on SQLite reach half of the bare route? */
export function verdict(results: DialectResult[]): string {
  const sqlite = results.find((d) => d.dialect === 'sqlite')?.scenarios ?? [];
  const list = sqlite.find((s) => s.key === 'list');
  const ratio = list ? ratioOf(list) : undefined;
  if (!list || ratio === undefined) return '**List of 20 on SQLite vs the bare route: not measured.**';
  const yes = ratio >= 50;
  const off = sqlite.find((s) => s.key === 'list-uncached');
  const offRatio = off ? ratioOf(off) : undefined;
  const uncached =
    offRatio === undefined
      ? ''
      : ` With the page cache off it reaches ${pct(offRatio)} (${fmt(off!.real!.reqPerSec)} vs ${fmt(off!.bare!.reqPerSec)} req/s): it ${offRatio >= 50 ? 'meets' : 'does NOT meet'} the bar without the cache.`;
  return `**List of 20 ordered by title on SQLite reaches ${pct(ratio)} of the bare route (${fmt(list.real!.reqPerSec)} vs ${fmt(
    list.bare!.reqPerSec,
  )} req/s${list.cache === 'page' ? ', from the page cache' : ''}): it ${yes ? 'meets' : 'does NOT meet'} the ≥ 50 % bar.${uncached}**`;
}

/**
 * The targets, as shares of the bare route, per dialect (issue 14's table supersedes issues #2/#4's, whose search rows
 * measured the response cache); a target without a bar is reported, not judged.
 */
const TARGETS: { key: ScenarioKey; issue: string; what: string; sqlite?: number; postgres?: number }[] = [
  { key: 'list', issue: '14', what: 'list 20 (cache on)', sqlite: 60, postgres: 40 },
  { key: 'list-uncached', issue: '14', what: 'list 20 (cache off)', sqlite: 30, postgres: 15 },
  { key: 'get', issue: '14', what: 'get one', sqlite: 50, postgres: 25 },
  { key: 'get-hydrate2', issue: '14', what: '`hydrate=2` get', sqlite: 35, postgres: 15 },
  { key: 'graphql', issue: '14', what: 'GraphQL 20 with relation', sqlite: 30, postgres: 10 },
  { key: 'search-rare-uncached', issue: '14', what: 'search, rare term, uncached', sqlite: 10, postgres: 5 },
  { key: 'contains-uncached', issue: '14', what: 'title contains (uncached)', sqlite: 20, postgres: 10 },
  { key: 'search-rare', issue: '#4', what: 'search, "1 %" term (response cache)' },
  { key: 'search-common', issue: '#4', what: 'search, "30 %" term' },
];

/** Whether a scenario misses its target on this dialect (a report explains each miss with a profile). */
export function missesTarget(dialect: 'sqlite' | 'postgres', s: ScenarioResult): boolean {
  const bar = TARGETS.find((t) => t.key === s.key)?.[dialect];
  const ratio = ratioOf(s);
  return bar !== undefined && ratio !== undefined && ratio < bar;
}

/** The Targets section: each target met or not, on each dialect against its own bar. */
export function targetsSection(results: DialectResult[], notes: string[]): string {
  const find = (dialect: string, key: ScenarioKey) =>
    results.find((d) => d.dialect === dialect)?.scenarios.find((s) => s.key === key);
  const cell = (s: ScenarioResult | undefined, bar: number | undefined) => {
    const r = s ? ratioOf(s) : undefined;
    if (!s || r === undefined) return ['not measured', '–'];
    const figure = `${pct(r)} (${fmt(s.real!.reqPerSec)} req/s)${s.problems.length ? ' ⚠' : ''}`;
    if (bar === undefined) return [figure, 'reported'];
    return [figure, r >= bar ? 'met' : '**not met**'];
  };
  const bar = (b: number | undefined) => (b === undefined ? '–' : `≥ ${b} %`);
  const rows = [
    '| target | issue | scenario (row of the tables below) | SQLite bar | SQLite | SQLite: met? | PostgreSQL bar | PostgreSQL | PostgreSQL: met? |',
    '|---|---|---|--:|--:|---|--:|--:|---|',
  ];
  for (const t of TARGETS) {
    const sq = find('sqlite', t.key);
    const pg = find('postgres', t.key);
    if (!sq && !pg) continue;
    const name = (sq ?? pg)!.name;
    rows.push(
      `| ${t.what} | ${t.issue} | ${name} | ${bar(t.sqlite)} | ${cell(sq, t.sqlite).join(' | ')} | ${bar(t.postgres)} | ${cell(pg, t.postgres).join(' | ')} |`,
    );
  }
  return ['## Targets', '', rows.join('\n'), '', ...notes.map((n) => `- ${n}`), ''].join('\n');
}

export function renderReport(run: RunInfo, results: DialectResult[], notes: string[], targetNotes: string[] = []): string {
  const m = run.machine;
  const head = [
    `# Flotilla benchmark — ${run.date}`,
    '',
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${fmt(m.memGiB, 1)} GiB RAM, ${m.os}, Node ${m.node}. ` +
      `Started ${run.startedAt}${run.totalSeconds !== undefined ? `, took ${fmt(run.totalSeconds)} s` : ''}; ` +
      `1-minute load average ${fmt(run.loadAvg.start, 2)} at the start${run.loadAvg.end !== undefined ? `, ${fmt(run.loadAvg.end, 2)} at the end` : ''}.`,
    '',
    `N = ${fmt(run.n)} articles + 20 categories; autocannon ${run.connections} connections, ${run.seconds} s per measurement ` +
      `(after ${run.warmupSeconds} s of warm-up, not counted), on 127.0.0.1. Server: \`createApp\` in a ${run.mode === 'child' ? `child process (${serverBuild()}; autocannon and the seeding client run in the parent)` : 'the same process as autocannon'}, LOG_LEVEL=${run.logLevel}. ` +
      `The bare route is a minimal Fastify instance in the same process as the server, replaying one captured response of the scenario (same bytes, status and content-type).`,
    '',
    `Columns: req/s = mean requests per second over the run; p99 = 99th percentile latency; ratio = Flotilla req/s ÷ bare req/s; ` +
      `× best peer = Flotilla req/s ÷ the faster of Strapi/Directus in \`${path.relative(path.resolve(repoRoot, '..'), run.peersSource)}\` (10 020 rows there, ${fmt(run.n)} here).` +
      (run.peersTarget ? ` ${run.peersTarget}` : ''),
    '',
    verdict(results),
    '',
  ];
  return [
    ...head,
    targetsSection(results, targetNotes),
    ...results.map((d) => dialectSection(d, run)),
    ...(notes.length ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

export function writeReport(dir: string, run: RunInfo, dialects: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  // the start time in the name: several runs a day each keep their report
  const file = path.join(dir, `${run.date}-${run.startedAt.slice(11, 16).replace(':', '')}Z-${dialects}.md`);
  writeFileSync(file, text);
  return file;
}
