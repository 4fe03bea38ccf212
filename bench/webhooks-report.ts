import { serverBuild } from './host.js';
import os from 'node:os';
import { renderProfile, type ProfileSummary } from './profile.js';
import type { SqlStat } from './sql-trace.js';

export interface ThroughputPhase {
  webhook: boolean;
  writes: number;
  seconds: number;
  /** With the webhook: deliveries of this phase's writes that had arrived when the phase ended, and at the end. */
  deliveredAtEnd?: number;
  delivered?: number;
  /** With the webhook: from the phase's end until every delivery of its writes had arrived (bounded at 120 s). */
  drainMs?: number;
  /** CPU seconds of the server's request-serving thread, and of its whole process, during the phase. */
  mainCpuSeconds: number;
  processCpuSeconds: number;
  /** CPU seconds of every PostgreSQL process (PostgreSQL runs only), and of this bench process (clients, receiver). */
  databaseCpuSeconds?: number;
  benchCpuSeconds: number;
  /** BENCH_PROFILE=1: the server's CPU profile over this phase. */
  profile?: { summary: ProfileSummary; sql: SqlStat[] };
}

export interface LatencyRun {
  /** Writes asked for per second. */
  rate: number;
  writes: number;
  failed: number;
  sendSeconds: number;
  /** Each write's request-to-200 time. */
  writeMs: number[];
  /** Each delivered write's time from its 200 (read by the client) to its delivery's arrival at the receiver. */
  delays: number[];
  /** Writes answered 200 whose delivery never arrived within the bound. */
  missing: number;
}

export interface WebhooksRun {
  dialect: string;
  version: string;
  phases: ThroughputPhase[];
  latency: LatencyRun;
  /** Deliveries the receiver got over the whole run, and distinct objects among them. */
  received: number;
  distinct: number;
  rss: number;
}

/** The issue's bars (issue 10, acceptance: bench). */
const MIN_RATIO = 90;
const MAX_P99_MS = 1000;

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const ms = (v: number) => (Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const rate = (writes: number, seconds: number) => (seconds > 0 ? writes / seconds : 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cpuPerWrite = (seconds: number, writes: number) => ((seconds * 1000) / Math.max(1, writes)).toFixed(2);
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');

/** Creates/s over all phases without, and with, the webhook; their ratio in %. */
export function throughputRatio(phases: ThroughputPhase[]): { off: number; on: number; ratio: number } {
  const of = (w: boolean) => {
    const ps = phases.filter((p) => p.webhook === w);
    return rate(sum(ps.map((p) => p.writes)), sum(ps.map((p) => p.seconds)));
  };
  const off = of(false);
  const on = of(true);
  return { off, on, ratio: off > 0 ? (on / off) * 100 : NaN };
}

/**
 * Each round's creates/s with the webhook ÷ without, in %: the spread between rounds shows how much of the aggregate
 * is the machine's drift (a round's two phases run back to back).
 */
export function roundRatios(phases: ThroughputPhase[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < phases.length; i += 2) {
    const [a, b] = [phases[i], phases[i + 1]];
    const [on, off] = a.webhook ? [a, b] : [b, a];
    if (on.webhook === off.webhook) continue;
    out.push((rate(on.writes, on.seconds) / rate(off.writes, off.seconds)) * 100);
  }
  return out;
}

/** CPU per create without the webhook ÷ with it, in % (100 %: the webhook costs the server nothing). */
function cpuRatio(
  phases: ThroughputPhase[],
  field: 'mainCpuSeconds' | 'processCpuSeconds' | 'databaseCpuSeconds' | 'benchCpuSeconds',
): string {
  const per = (w: boolean) => {
    const ps = phases.filter((p) => p.webhook === w);
    return sum(ps.map((p) => p[field] ?? 0)) / Math.max(1, sum(ps.map((p) => p.writes)));
  };
  return ((per(false) / per(true)) * 100).toFixed(0);
}

/**
 * The rounds' ratios as an estimate with its uncertainty: their geometric mean and an approximate 95 % interval
 * (± two standard errors of the mean log ratio). The machine's speed swings between phases (a calibration run with
 * the webhook never enabled, 1101Z, had rounds from 78 % to 144 %), so one run's aggregate is only as good as this.
 */
export function roundsEstimate(ratios: number[]): { mean: number; low: number; high: number } | undefined {
  if (ratios.length < 2) return undefined;
  const logs = ratios.map((r) => Math.log(r / 100));
  const m = sum(logs) / logs.length;
  const sd = Math.sqrt(sum(logs.map((x) => (x - m) ** 2)) / (logs.length - 1));
  const se = sd / Math.sqrt(logs.length);
  return { mean: Math.exp(m) * 100, low: Math.exp(m - 2 * se) * 100, high: Math.exp(m + 2 * se) * 100 };
}

function roundsLine(ratios: number[]): string {
  if (ratios.length === 0) return '- no complete round';
  const s = [...ratios].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const est = roundsEstimate(ratios);
  const interval = est
    ? `; their geometric mean ${est.mean.toFixed(1)} %, 95 % interval ${est.low.toFixed(1)}–${est.high.toFixed(1)} %`
    : '';
  return `  - per round (its two phases back to back): median ${median.toFixed(0)} %, from ${s[0].toFixed(0)} % to ${s[s.length - 1].toFixed(0)} %, ${ratios.filter((r) => r >= MIN_RATIO).length} of ${ratios.length} rounds at or above ${MIN_RATIO} %${interval} (the verdict is the aggregate above)`;
}

function dialectSection(run: WebhooksRun): string[] {
  const t = throughputRatio(run.phases);
  const l = run.latency;
  const p99 = pct(l.delays, 99);
  const out = [
    `## ${run.dialect} (${run.version})`,
    '',
    `- write throughput with one async webhook ≥ ${MIN_RATIO} % of that without: ${t.on.toFixed(0)} ÷ ${t.off.toFixed(0)} creates/s = ${t.ratio.toFixed(0)} % — ${met(t.ratio >= MIN_RATIO)}`,
    roundsLine(roundRatios(run.phases)),
    `- p99 from a write's 200 to its delivery < ${MAX_P99_MS} ms at ${(l.writes / l.sendSeconds).toFixed(0)} writes/s: ${ms(p99)} ms — ${met(p99 < MAX_P99_MS && l.missing === 0)}`,
    `- server CPU per create, all phases without ÷ with the webhook: request-serving thread ${cpuRatio(run.phases, 'mainCpuSeconds')} %, whole process (with the sending thread, GC and I/O threads) ${cpuRatio(run.phases, 'processCpuSeconds')} % ${run.phases[0]?.databaseCpuSeconds !== undefined ? `, PostgreSQL's processes ${cpuRatio(run.phases, 'databaseCpuSeconds')} %` : ''}, this bench's clients and receiver ${cpuRatio(run.phases, 'benchCpuSeconds')} % (from /proc, 10 ms ticks; the share of throughput kept where that thread, or all cores, are the limit)`,
    `- deliveries received over the run: ${run.received.toLocaleString('en-US')} for ${run.distinct.toLocaleString('en-US')} objects (${run.received - run.distinct} repeated). Server RSS at the end: ${(run.rss / 1024 / 1024).toFixed(0)} MB.`,
    ...(l.writes / l.sendSeconds < 0.95 * l.rate
      ? [
          `- the schedule asked for ${l.rate.toFixed(0)} writes/s; the server kept up with only ${(l.writes / l.sendSeconds).toFixed(0)}/s, so the writes queued and the figures above measure an overloaded server, not the issue's load`,
        ]
      : []),
    '',
    '### Write throughput',
    '',
    '| phase | webhook | creates | seconds | creates/s | server main-thread CPU ms per create | server process CPU ms per create | PostgreSQL CPU ms per create | bench clients + receiver CPU ms per create | delivered when the phase ended | all delivered after | delivered |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  run.phases.forEach((p, i) => {
    const tail = p.webhook
      ? `${p.deliveredAtEnd} (${((p.deliveredAtEnd! / Math.max(1, p.writes)) * 100).toFixed(0)} %) | ${ms(p.drainMs!)} ms | ${p.delivered} of ${p.writes}`
      : '– | – | –';
    out.push(
      `| ${i + 1} | ${p.webhook ? 'on' : 'off'} | ${p.writes} | ${p.seconds.toFixed(1)} | ${rate(p.writes, p.seconds).toFixed(0)} | ${cpuPerWrite(p.mainCpuSeconds, p.writes)} | ${cpuPerWrite(p.processCpuSeconds, p.writes)} | ${p.databaseCpuSeconds === undefined ? '–' : cpuPerWrite(p.databaseCpuSeconds, p.writes)} | ${cpuPerWrite(p.benchCpuSeconds, p.writes)} | ${tail} |`,
    );
  });
  run.phases.forEach((p, i) => {
    if (!p.profile) return;
    const perWrite = p.profile.summary.busyMs / Math.max(1, p.writes);
    out.push(
      '',
      ...renderProfile(
        `phase ${i + 1}, webhook ${p.webhook ? 'on' : 'off'} (${perWrite.toFixed(2)} ms busy per create)`,
        p.profile,
      ),
    );
  });
  const early = l.delays.filter((d) => d < 0).length;
  out.push(
    '',
    '### Commit to delivery',
    '',
    `${l.writes} creates sent at a steady ${(l.writes / l.sendSeconds).toFixed(0)}/s (${l.sendSeconds.toFixed(1)} s), ${l.failed} failed, ${l.missing} answered 200 but never delivered within 120 s. ${early} deliveries arrived before the client had read their write's answer (counted as negative times).`,
    '',
    '| measure | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    `| write's 200 → delivery arrives | ${ms(pct(l.delays, 50))} | ${ms(pct(l.delays, 95))} | ${ms(p99)} | ${ms(Math.max(...l.delays))} |`,
    `| write request → 200 | ${ms(pct(l.writeMs, 50))} | ${ms(pct(l.writeMs, 95))} | ${ms(pct(l.writeMs, 99))} | ${ms(Math.max(...l.writeMs))} |`,
    '',
  );
  return out;
}

export function renderWebhooksReport(
  runs: WebhooksRun[],
  o: {
    seconds: number;
    rounds: number;
    clients: number;
    rate: number;
    latencySeconds: number;
    date: Date;
    loadAtStart: number;
    /** A calibration run: the webhook stays disabled in the phases marked "on". */
    sameBoth?: boolean;
    skipped: string[];
  },
): string {
  const cpu = os.cpus();
  const out = [
    `# Webhooks: write throughput and commit-to-delivery latency (issue 10) — ${o.date.toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}; 1-minute load average ${o.loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (other work shares the machine: compare figures within one report). Started ${o.date.toISOString()}.`,
    '',
    `Server: \`createApp\` with the default settings in a child process (${serverBuild()}) on a fresh database; the clients run in the parent process and the webhook receiver (answers 200 at once) on a worker thread of it, all on the same cores, over 127.0.0.1. One content type (\`event\`, one text field); every write is a single \`POST /api/v1/content/event\` with the read-write key. The webhook is one \`async\` webhook on \`event\`, action Create.`,
    '',
    `**Write throughput**: ${o.clients} clients create objects back to back for ${o.seconds} s per phase, after a warm-up of 1 s with the webhook and 1 s without (each path started and compiled before it is measured); ${o.rounds} rounds alternating (webhook off, webhook on) and (on, off), the webhook toggled by its \`enabled\` field (disabled, it queues nothing), so a table that grows during the run weighs on both alike. After each phase with the webhook the run waits until every delivery of that phase has arrived, so a backlog never spills into the next phase. The server’s sending thread runs at niceness 10 (decision 0012, addendum of session 6), as in production. The ratio is all creates/s with the webhook ÷ all creates/s without.`,
    '',
    `**Commit to delivery**: one create every ${(1000 / o.rate).toFixed(0)} ms for ${o.latencySeconds} s, sent on schedule whether or not earlier ones were answered; for each, the time from the client reading its 200 to the receiver getting its delivery (the receiver's arrival times taken on its thread as absolute times and put on the parent's clock).`,
    '',
    ...(o.sameBoth
      ? [
          '**Calibration run (`BENCH_WEBHOOK_AA=1`)**: the webhook stays disabled in the phases marked "on", so both paths run the same code; the ratios below are the machine\'s noise, not a webhook\'s cost, and their verdicts mean nothing.',
          '',
        ]
      : []),
    ...o.skipped.map((s) => `_${s}_\n`),
  ];
  for (const run of runs) out.push(...dialectSection(run));
  return out.join('\n');
}
