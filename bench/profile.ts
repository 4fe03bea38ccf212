import { Session } from 'node:inspector/promises';
import type { SqlStat } from './sql-trace.js';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Starts sampling this process; the returned function stops and returns the profile. */
export async function startProfiler(intervalUs = 200): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    session.disconnect();
    return profile as unknown as CpuProfile;
  };
}

export interface ProfileLine {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time only (excludes "(idle)"). */
  busyMs: number;
  groups: ProfileLine[];
  functions: ProfileLine[];
}

/** What the busiest native frames are, for readers of the report (names are V8's, not unique). */
const NATIVE_HINTS: Record<string, string> = {
  all: ' (better-sqlite3: SQLite running a query)',
  get: ' (better-sqlite3: SQLite running a query)',
  run: ' (better-sqlite3: SQLite running a statement)',
  Statement: ' (better-sqlite3: SQLite compiling a statement)',
  writev: ' (socket writes)',
  writeUtf8String: ' (socket writes)',
};

/** Which part of the stack a frame belongs to: a package, a project file, Node internals or V8. */
function groupOf(url: string, fn: string, root: string): string {
  if (fn === '(garbage collector)') return 'V8 garbage collector';
  if (fn === '(program)') return 'V8/native (program)';
  if (fn === '(idle)') return '(idle)';
  if (url === '') return `native: ${fn || '(anonymous)'}${NATIVE_HINTS[fn] ?? ''}`;
  if (url.startsWith('node:')) return 'node internals (http, net, streams)';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    return `npm: ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  // the compiled server child (bench/host.ts) keeps the sources' layout under bench/.work/build/
  const rel = path.relative(root, file).replace(/^bench\/\.work\/build\//, '').replace(/\.js$/, '.ts');
  return rel.startsWith('..') ? file : rel;
}

/** Self time per group (package, project file, Node, V8) and per function, the `top` largest of each. */
export function summarize(p: CpuProfile, root: string, top = 15): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    total += us;
    const g = groupOf(url, functionName, root);
    if (g === '(idle)') {
      idle += us;
      continue;
    }
    groups.set(g, (groups.get(g) ?? 0) + us);
    // no line numbers: tsx's transpiled sources do not map them back to the .ts files
    const where = url ? groupOf(url, functionName, root) : 'native';
    const key = `${functionName || '(anonymous)'} — ${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: busy > 0 ? (100 * us) / busy : 0 }));
  return { totalMs: total / 1000, busyMs: busy / 1000, groups: lines(groups), functions: lines(fns) };
}

const fmt = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A profile as report sections: self time by group and by function, then the slowest statements. */
export function renderProfile(what: string, p: { summary: ProfileSummary; sql: SqlStat[] }): string[] {
  const s = p.summary;
  return [
    `### Profile of ${what} (server process, busy ${fmt(s.busyMs)} ms of ${fmt(s.totalMs)} ms)`,
    '',
    '| where | ms | % of busy |',
    '|---|---|---|',
    ...s.groups.map((g) => `| ${g.name} | ${fmt(g.ms)} | ${fmt(g.percent, 1)} |`),
    '',
    '| function | ms | % of busy |',
    '|---|---|---|',
    ...s.functions.map((g) => `| ${g.name.replace(/\|/g, '\\|')} | ${fmt(g.ms)} | ${fmt(g.percent, 1)} |`),
    '',
    '| SQL | calls | total ms |',
    '|---|---|---|',
    ...p.sql.map(
      (q) => `| \`${q.sql.replace(/\s+/g, ' ').slice(0, 140).replace(/\|/g, '\\|')}\` | ${fmt(q.calls)} | ${fmt(q.totalMs)} |`,
    ),
    '',
  ];
}
