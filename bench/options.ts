import path from 'node:path';
import type { Dialect } from './databases.js';
import type { HostMode } from './host.js';
import { repoRoot } from './dataset.js';
import { SCENARIO_KEYS, type ScenarioKey } from './scenarios.js';

/** Every knob of `npm run bench`, read once from the environment (bench/README.md lists them). */
export interface BenchOptions {
  n: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** BENCH_NODES=2: on PostgreSQL, a second server process on the same database, and a third load of every scenario
   * spread over both (issue 14's two-node figure). SQLite has one writing process: one node there. */
  nodes: 1 | 2;
  dialects: Dialect[];
  mode: HostMode;
  logLevel: string;
  seedConcurrency: number;
  /** How the data set gets in: the batch endpoint directly ('api'), or a flotiq-cli export folder and `flotilla import` ('cli'). */
  seedVia: 'api' | 'cli';
  /** Run ANALYZE on the PostgreSQL database after seeding (as autoanalyze would; it may be off or not yet due). */
  pgAnalyze: boolean;
  /** 'auto': profile every scenario that misses its target (and SQLite's list-of-20 below 50 % of bare); 'off'; or scenario keys to profile everywhere. */
  profile: 'auto' | 'off' | ScenarioKey[];
  scenarios: ScenarioKey[] | undefined;
  outDir: string;
  maxSeconds: number;
}

const KEYS: readonly string[] = SCENARIO_KEYS;

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${raw}`);
  return v;
}

function keys(raw: string, name: string): ScenarioKey[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const k of list) if (!KEYS.includes(k)) throw new Error(`${name}: unknown scenario ${k} (known: ${KEYS.join(', ')})`);
  return list as ScenarioKey[];
}

function seedVia(raw: string | undefined): 'api' | 'cli' {
  if (raw === undefined || raw === '' || raw === 'api') return 'api';
  if (raw === 'cli') return 'cli';
  throw new Error(`BENCH_SEED must be api or cli, got ${raw}`);
}

export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const dialects = (env.BENCH_DIALECTS ?? 'sqlite,postgres')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const d of dialects) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`BENCH_DIALECTS: unknown dialect ${d}`);
  const mode = env.BENCH_MODE ?? 'child';
  if (mode !== 'child' && mode !== 'in-process') throw new Error(`BENCH_MODE must be child or in-process, got ${mode}`);
  const profileRaw = env.BENCH_PROFILE ?? 'auto';
  return {
    n: int(env, 'BENCH_N', 100_000, 20, 2_000_000),
    // 16 scenarios × 2 routes × (4 s + 1 s warm-up) per dialect, plus seeding 100 000 articles twice: ~10 minutes
    seconds: int(env, 'BENCH_SECONDS', 4, 1, 120),
    warmupSeconds: int(env, 'BENCH_WARMUP', 1, 0, 60),
    connections: int(env, 'BENCH_CONNECTIONS', 32, 1, 1000),
    nodes: int(env, 'BENCH_NODES', 1, 1, 2) === 2 ? 2 : 1,
    dialects: dialects as Dialect[],
    mode,
    logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
    seedConcurrency: int(env, 'BENCH_SEED_CONCURRENCY', 8, 1, 64),
    seedVia: seedVia(env.BENCH_SEED),
    pgAnalyze: int(env, 'BENCH_PG_ANALYZE', 1, 0, 1) === 1,
    profile: profileRaw === 'auto' || profileRaw === 'off' ? profileRaw : keys(profileRaw, 'BENCH_PROFILE'),
    scenarios: env.BENCH_SCENARIOS ? keys(env.BENCH_SCENARIOS, 'BENCH_SCENARIOS') : undefined,
    outDir: path.resolve(repoRoot, env.BENCH_OUT ?? 'bench/results'),
    maxSeconds: int(env, 'BENCH_MAX_SECONDS', 1200, 10, 24 * 3600),
  };
}
