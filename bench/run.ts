// `npm run bench`: seeds N articles through the HTTP API, then measures each scenario against Flotilla and against a
// bare Fastify route replaying the same bytes, on SQLite and PostgreSQL. See bench/README.md.
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { budgetExhausted, cleanupAll, installExitHandlers, interruptedWith, onCleanup } from './cleanup.js';
import { createBenchDatabase, pgUnreachable, PG_ADMIN_URL, type Dialect } from './databases.js';
import { expectedFor, loadDataset, type Dataset, type Expected } from './dataset.js';
import { startHost, type ServerHost } from './host.js';
import { log, profileScenario, runScenario } from './measure.js';
import { readOptions, type BenchOptions } from './options.js';
import { loadPeers, type Peers } from './peers.js';
import {
  ratioOf,
  renderReport,
  table,
  verdict,
  writeReport,
  type DialectResult,
  type RunInfo,
  type ScenarioResult,
} from './report.js';
import { buildScenarios } from './scenarios.js';
import { seed } from './seed.js';

const mib = (bytes: number) => bytes / 1024 / 1024;

function wantProfile(o: BenchOptions, d: DialectResult, s: ScenarioResult): boolean {
  if (o.profile === 'off') return false;
  if (o.profile === 'auto') return d.dialect === 'sqlite' && s.key === 'list' && (ratioOf(s) ?? 100) < 50;
  return o.profile.includes(s.key);
}

async function runDialect(
  dialect: Dialect,
  ds: Dataset,
  exp: Expected,
  o: BenchOptions,
  peers: Peers,
  sqliteVersion: string,
): Promise<DialectResult> {
  const result: DialectResult = { dialect, scenarios: [], profiles: [], plannerStats: [] };
  if (dialect === 'postgres') {
    const why = await pgUnreachable();
    if (why) {
      result.skipped = `PostgreSQL unreachable at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')} (${why}); set BENCH_PG_URL to point elsewhere.`;
      log(`PostgreSQL skipped: ${result.skipped}`);
      return result;
    }
  }
  log(`\n== ${dialect}`);
  const db = await createBenchDatabase(dialect, sqliteVersion);
  const dropDb = onCleanup(`${dialect} database`, db.drop);
  result.version = db.version;
  let host: ServerHost | undefined;
  try {
    host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: o.logLevel }, o.mode);
    const stopHost = onCleanup(`${dialect} server`, host.stop);
    const h = host;
    try {
      const stats = async (when: string) =>
        result.plannerStats.push(
          `${when} (${new Date().toISOString().slice(11, 19)}Z): ${await db.plannerStats().catch((e: Error) => e.message)}`,
        );
      log(`server pid ${h.info.pid} on :${h.info.port}, bare route on :${h.info.barePort}; seeding ${o.n} articles…`);
      let shown = 0;
      result.seed = await seed(ds, {
        baseUrl: `http://127.0.0.1:${h.info.port}`,
        readWriteKey: h.info.readWriteKey,
        n: o.n,
        batchSize: 100,
        concurrency: o.seedConcurrency,
        shouldStop: budgetExhausted,
        // autovacuum would ANALYZE the growing table within a minute; without statistics PostgreSQL looks ids up
        // through a partial index of another field (a scan), and seeding slows down quadratically
        midway:
          dialect === 'postgres' && o.pgAnalyze
            ? {
                at: Math.min(2000, o.n),
                fn: async () => {
                  await db.analyze();
                  await stats('during seeding, after the harness ran ANALYZE');
                },
              }
            : undefined,
        onProgress: (done, total) => {
          if (done - shown >= total / 10 || done === total) {
            shown = done;
            log(`  seeded ${done}/${total}`);
          }
        },
      });
      log(
        `seeded ${result.seed.rows} rows in ${result.seed.seconds.toFixed(1)} s (${Math.round(result.seed.rowsPerSecond)} rows/s)`,
      );
      result.rssAfterSeedMiB = mib(await h.rssBytes());
      await stats('after seeding');
      if (dialect === 'postgres' && o.pgAnalyze) {
        const t = performance.now();
        await db.analyze();
        await stats(
          `after the harness's second ANALYZE (${Math.round(performance.now() - t)} ms; BENCH_PG_ANALYZE=0 skips both)`,
        );
      }
      result.rssMaxMiB = result.rssAfterSeedMiB;

      const all = buildScenarios(ds, exp, { ro: h.info.readOnlyKey, rw: h.info.readWriteKey }, dialect);
      const scenarios = o.scenarios ? all.filter((s) => o.scenarios!.includes(s.key)) : all;
      for (const s of scenarios) {
        if (budgetExhausted()) {
          result.error ??= `BENCH_MAX_SECONDS=${o.maxSeconds} reached: scenarios from "${s.name}" on were not run`;
          break;
        }
        const r = await runScenario(h, s, o, peers);
        result.scenarios.push(r);
        result.rssMaxMiB = Math.max(result.rssMaxMiB, mib(await h.rssBytes()));
      }

      await stats('after the scenarios');
      for (const r of result.scenarios) {
        if (!wantProfile(o, result, r) || budgetExhausted()) continue;
        const s = scenarios.find((x) => x.key === r.key)!;
        log(`  profiling ${s.key} for ${o.seconds} s…`);
        result.profiles.push(await profileScenario(h, s, o, dialect));
      }
    } catch (e) {
      const logs = await h.recentLogs().catch(() => []);
      result.error = `${(e as Error).stack ?? String(e)}${logs.length ? `\n\nlast server log lines:\n${logs.join('')}` : ''}`;
      log(`${dialect} failed: ${(e as Error).message}`);
    } finally {
      await stopHost();
    }
  } catch (e) {
    result.error = (e as Error).stack ?? String(e);
    log(`${dialect} failed: ${(e as Error).message}`);
  } finally {
    await dropDb();
  }
  return result;
}

function sqliteVersion(): string {
  const mem = new BetterSqlite3(':memory:');
  try {
    return (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    mem.close();
  }
}

async function main(): Promise<number> {
  const o = readOptions();
  const disarm = installExitHandlers(o.maxSeconds);
  const started = Date.now();
  try {
    const ds = await loadDataset();
    const peers = loadPeers();
    log(
      `N=${o.n}, ${o.seconds} s per measurement (+${o.warmupSeconds} s warm-up), ${o.connections} connections, server in ${o.mode}`,
    );
    const exp = expectedFor(ds, o.n);
    const cpus = os.cpus();
    const run: RunInfo = {
      date: new Date(started).toISOString().slice(0, 10),
      startedAt: new Date(started).toISOString().replace(/\.\d+Z$/, 'Z'),
      n: o.n,
      seconds: o.seconds,
      warmupSeconds: o.warmupSeconds,
      connections: o.connections,
      seedConcurrency: o.seedConcurrency,
      mode: o.mode,
      logLevel: o.logLevel,
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? '?',
        memGiB: os.totalmem() / 1024 ** 3,
        os: `${os.type()} ${os.release()}`,
        node: process.version,
      },
      loadAvg: { start: os.loadavg()[0] },
      peersSource: peers.source,
      peersTarget: peers.target,
    };
    const sv = sqliteVersion();
    const results: DialectResult[] = [];
    for (const d of o.dialects) {
      if (interruptedWith() !== undefined) break;
      if (budgetExhausted()) {
        results.push({
          dialect: d,
          skipped: `BENCH_MAX_SECONDS=${o.maxSeconds} reached before it started`,
          scenarios: [],
          profiles: [],
          plannerStats: [],
        });
        continue;
      }
      results.push(await runDialect(d, ds, exp, o, peers, sv));
    }
    run.totalSeconds = (Date.now() - started) / 1000;
    run.loadAvg.end = os.loadavg()[0];
    const interrupted = interruptedWith();
    if (interrupted !== undefined) {
      log('interrupted: no report written');
      return interrupted;
    }

    const notes = [
      `Expected from the data set for N = ${o.n}: ${exp.filtered} articles match the filtered list, ${exp.contains} titles contain "${ds.SEARCH_WORD}"; every captured response is checked against these.`,
      `The get-by-id scenario rotates over all ${o.n} ids (a stride of a prime ≥ 7 901); its bare route replays one captured object for every id.`,
      `The peers filter by category *name* through a join; Flotiq filters by the relation's \`dataUrl\` (the Science category's id), which is what this scenario does.`,
    ];
    const text = renderReport(run, results, notes);
    const file = writeReport(o.outDir, run, o.dialects.length > 1 ? 'all' : o.dialects[0], text);
    for (const d of results) {
      process.stdout.write(
        `\n${d.dialect}${d.skipped ? `: skipped — ${d.skipped}` : d.error ? `: FAILED — ${d.error.split('\n')[0]}` : ''}\n`,
      );
      if (d.seed) process.stdout.write(`seeding: ${Math.round(d.seed.rowsPerSecond)} rows/s\n`);
      if (d.scenarios.length) process.stdout.write(`${table(d)}\n`);
    }
    process.stdout.write(
      `\n${verdict(results).replace(/\*\*/g, '')}\nreport: ${path.relative(process.cwd(), file)} (${Math.round(run.totalSeconds)} s)\n`,
    );
    return results.some((d) => d.error) ? 1 : 0;
  } finally {
    disarm();
    await cleanupAll();
  }
}

main().then(
  (code) => process.exit(code),
  async (e: Error) => {
    log(`bench failed: ${e.stack ?? e.message}`);
    await cleanupAll();
    process.exit(1);
  },
);
