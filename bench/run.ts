// `npm run bench`: seeds N articles through the HTTP API, then measures each scenario against Flotilla and against a
// bare Fastify route replaying the same bytes, on SQLite and PostgreSQL. See bench/README.md.
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { budgetExhausted, cleanupAll, installExitHandlers, interruptedWith, onCleanup } from './cleanup.js';
import { createBenchDatabase, pgUnreachable, PG_ADMIN_URL, type Dialect } from './databases.js';
import { expectedFor, loadDataset, type Dataset, type Expected } from './dataset.js';
import { RANK_POOL } from '../src/storage/search-query.js';
import { startHost, type ServerHost } from './host.js';
import { log, profileScenario, runScenario } from './measure.js';
import { makePng, seedMedia, type SeededMedia } from './media.js';
import { readOptions, type BenchOptions } from './options.js';
import { loadPeers, type Peers } from './peers.js';
import {
  missesTarget,
  ratioOf,
  renderReport,
  table,
  verdict,
  writeReport,
  type DialectResult,
  type RunInfo,
  type ScenarioResult,
} from './report.js';
import { buildScenarios, runOrder, SCENARIO_KEYS, type Scenario } from './scenarios.js';
import { measureSearchTerms, type SearchTerm, type SearchTerms } from './search-terms.js';
import { seedThroughCli } from './seed-cli.js';
import { seed } from './seed.js';

const mib = (bytes: number) => bytes / 1024 / 1024;

function wantProfile(o: BenchOptions, d: DialectResult, s: ScenarioResult): boolean {
  if (o.profile === 'off') return false;
  if (o.profile === 'auto')
    return (
      missesTarget(d.dialect, s) ||
      (d.dialect === 'sqlite' && (s.key === 'list' || s.key === 'list-uncached') && (ratioOf(s) ?? 100) < 50)
    );
  return o.profile.includes(s.key);
}

/** Inputs every dialect shares: the data set, what it implies, the search terms and the PNGs. */
interface Shared {
  ds: Dataset;
  exp: Expected;
  terms: SearchTerms;
  mediaPng: Buffer;
  uploadPng: Buffer;
}

const envKey = (env: Record<string, string> | undefined) => JSON.stringify(env ?? {});

async function runDialect(
  dialect: Dialect,
  sh: Shared,
  o: BenchOptions,
  peers: Peers,
  sqliteVersion: string,
): Promise<DialectResult> {
  const { ds } = sh;
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
  // Scenarios needing other server settings run in a server process started with them, on the same database: the
  // first server also seeds, the others start after the previous one stopped (SQLite has one writer process).
  const wanted = (s: Scenario) => !o.scenarios || o.scenarios.includes(s.key);
  const plan = (keys: { ro: string; rw: string }, media: SeededMedia | undefined) =>
    runOrder(buildScenarios({ ...sh, keys, dialect, media, uploadPng: sh.uploadPng }).filter(wanted));
  const firstEnv = plan({ ro: '', rw: '' }, undefined)[0]?.serverEnv;
  let host: ServerHost | undefined;
  let hostEnv = firstEnv;
  let stopHost = async () => undefined as void;
  const start = async (env: Record<string, string> | undefined) => {
    host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: o.logLevel, env }, o.mode);
    hostEnv = env;
    stopHost = onCleanup(`${dialect} server`, host.stop);
    if (env) log(`server pid ${host.info.pid} on :${host.info.port} with ${envKey(env)}`);
  };
  // BENCH_NODES=2 on PostgreSQL: a second process on the same database (and data directory: the same master secret),
  // with the same settings as the first, started once seeding is done
  let second: ServerHost | undefined;
  let stopSecond = async () => undefined as void;
  const startSecond = async (env: Record<string, string> | undefined) => {
    if (o.nodes !== 2 || dialect !== 'postgres') return;
    await stopSecond();
    second = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: o.logLevel, env }, o.mode);
    stopSecond = onCleanup(`${dialect} second server`, second.stop);
    log(`second node pid ${second.info.pid} on :${second.info.port}`);
  };
  try {
    await start(firstEnv);
    try {
      const h0 = host!;
      const stats = async (when: string) =>
        result.plannerStats.push(
          `${when} (${new Date().toISOString().slice(11, 19)}Z): ${await db.plannerStats().catch((e: Error) => e.message)}`,
        );
      log(`server pid ${h0.info.pid} on :${h0.info.port}, bare route on :${h0.info.barePort}; seeding ${o.n} articles…`);
      let shown = 0;
      if (o.seedVia === 'cli') {
        result.seed = await seedThroughCli(ds, {
          baseUrl: `http://127.0.0.1:${h0.info.port}`,
          readWriteKey: h0.info.readWriteKey,
          n: o.n,
          log,
        });
        if (dialect === 'postgres' && o.pgAnalyze) await db.analyze();
      } else {
        result.seed = await seed(ds, {
          baseUrl: `http://127.0.0.1:${h0.info.port}`,
          readWriteKey: h0.info.readWriteKey,
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
      }
      log(
        `seeded ${result.seed.rows} rows in ${result.seed.seconds.toFixed(1)} s (${Math.round(result.seed.rowsPerSecond)} rows/s)`,
      );
      const memory = await h0.memory();
      result.rssAfterSeedMiB = mib(memory.rss);
      result.memoryAfterSeed = memory;
      await stats('after seeding');
      if (dialect === 'postgres' && o.pgAnalyze) {
        const t = performance.now();
        await db.analyze();
        await stats(
          `after the harness's second ANALYZE (${Math.round(performance.now() - t)} ms; BENCH_PG_ANALYZE=0 skips both)`,
        );
      }
      result.rssMaxMiB = result.rssAfterSeedMiB;
      // the image scenario's object: one PNG through the real upload endpoint (not timed)
      const media = await seedMedia(`http://127.0.0.1:${h0.info.port}`, h0.info.readWriteKey, sh.mediaPng);
      log(`uploaded ${media.id} (${media.width}×${media.height}, ${media.bytes} bytes)`);

      await startSecond(hostEnv);
      let scenarios = plan({ ro: h0.info.readOnlyKey, rw: h0.info.readWriteKey }, media);
      for (let i = 0; i < scenarios.length; i++) {
        let s = scenarios[i];
        if (budgetExhausted()) {
          result.error ??= `BENCH_MAX_SECONDS=${o.maxSeconds} reached: scenarios from "${s.name}" on were not run`;
          break;
        }
        if (envKey(s.serverEnv) !== envKey(hostEnv)) {
          log(`  restarting the server ${s.serverEnv ? `with ${envKey(s.serverEnv)}` : 'with the default settings'}…`);
          await stopHost();
          await start(s.serverEnv);
          await startSecond(s.serverEnv);
          // the same stored keys, but take them from the new process rather than assume it
          scenarios = plan({ ro: host!.info.readOnlyKey, rw: host!.info.readWriteKey }, media);
          s = scenarios[i];
        }
        const r = await runScenario(host!, s, o, peers, second);
        result.scenarios.push(r);
        result.rssMaxMiB = Math.max(result.rssMaxMiB, mib(await host!.rssBytes()));
        // profiled at once, while the server with its settings still runs
        if (wantProfile(o, result, r) && !budgetExhausted()) {
          log(`  profiling ${s.key} for ${o.seconds} s…`);
          result.profiles.push(await profileScenario(host!, s, o, dialect));
        }
      }
      // the tables list scenarios in one fixed order, whatever order they ran in
      result.scenarios.sort((a, b) => SCENARIO_KEYS.indexOf(a.key) - SCENARIO_KEYS.indexOf(b.key));
      await stats('after the scenarios');
    } catch (e) {
      const logs = (await host?.recentLogs().catch(() => [])) ?? [];
      result.error = `${(e as Error).stack ?? String(e)}${logs.length ? `\n\nlast server log lines:\n${logs.join('')}` : ''}`;
      log(`${dialect} failed: ${(e as Error).message}`);
    } finally {
      await stopSecond();
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

const pctText = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} %`;

function describeTerm(t: SearchTerm): string {
  return `"${t.word}" in ${t.fields === 'title' ? 'titles' : 'title or body'}: ${t.docs} articles (${pctText(t.percent)}); fuzzy "${t.typo}" → {${t.expansion.join(', ')}}: ${t.fuzzyDocs}`;
}

/** How the search terms were chosen, and what they match, for the Notes. */
function searchNotes(terms: SearchTerms, n: number): string[] {
  const r = terms.range;
  return [
    `Search terms were chosen by measuring document frequency over the ${n} generated articles before seeding (the data set draws its ${terms.vocabulary} words uniformly). ` +
      `A vocabulary word occurs in ${pctText(r.all.min)}–${pctText(r.all.max)} of the articles counting title and body, and in ${pctText(r.title.min)}–${pctText(r.title.max)} of the titles: no single word is near 1 % or 30 %. ` +
      `Each term is the one-word query (all text fields, or \`fields[]=title\`) whose frequency is nearest the target on a log scale, "${terms.quantum.word}" excluded.`,
    `"1 %" term: \`q=${terms.rare.word}&content_type[]=article${terms.rare.fields === 'title' ? '&fields[]=title' : ''}\` — measured ${terms.rare.docs} of ${n} articles = ${pctText(terms.rare.percent)} (the rarest a single word gets here). Fuzzy: \`q=${terms.rare.typo}&query_mode=fuzzy\` (one letter changed), which expands to {${terms.rare.expansion.join(', ')}}: ${terms.rare.fuzzyDocs} articles.`,
    `"30 %" term: \`q=${terms.common.word}&content_type[]=article${terms.common.fields === 'title' ? '&fields[]=title' : ''}\` — measured ${terms.common.docs} of ${n} articles = ${pctText(terms.common.percent)}. Fuzzy: \`q=${terms.common.typo}&query_mode=fuzzy\`, expanding to {${terms.common.expansion.join(', ')}}: ${terms.common.fuzzyDocs} articles.`,
    `"${terms.quantum.word}" (title or body, the peers' search): ${terms.quantum.docs} articles = ${pctText(terms.quantum.percent)}. Every captured search response is checked against these counts (\`total_count\`) and each hit must contain the term (or an expansion) in the searched fields.`,
  ];
}

/** Under the Targets table: what the search figures stand for, and why the common term is bounded. */
function targetNotes(terms: SearchTerms, n: number): string[] {
  const pool = Math.min(RANK_POOL, n);
  return [
    `The "1 %" row uses the rarest single-word query the data set has: "${terms.rare.word}" in titles, ${pctText(terms.rare.percent)} of the articles (${terms.rare.docs} matches${terms.rare.docs > RANK_POOL ? `, more than the ${RANK_POOL} a 1 % term has at N = 100 000` : ''}); see Notes.`,
    `The "30 %" row ("${terms.common.word}", ${pctText(terms.common.percent)} of the articles, ${terms.common.docs} matches) is bounded by design: the search engine ranks only the RANK_POOL = ${RANK_POOL} newest matches of a query (SQLite's FTS5 walks the doclist newest-first and stops after ${RANK_POOL} rows, so bm25 runs at most ${pool} times whatever the term's frequency) and counts the rest without ranking, remembering that count until the next write (docs/decisions/0003-search-engine.md, src/storage/sql/search-runner.ts) — so its cost per request is capped near that of a term with ${RANK_POOL} matches rather than growing with the ${terms.common.docs} matches.`,
    `"met" compares each dialect's figure with its own bar (issue 14's table); "uncached" rows run in a server process with FLOTILLA_PAGE_CACHE_MB=0, so no page, count or search-response cache answers them.`,
  ];
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
    const t0 = performance.now();
    const terms = measureSearchTerms(ds, o.n);
    log(
      `search terms (document frequency over ${o.n} articles, ${Math.round(performance.now() - t0)} ms): ` +
        `rare ${describeTerm(terms.rare)}; common ${describeTerm(terms.common)}; quantum ${describeTerm(terms.quantum)}`,
    );
    const sh: Shared = { ds, exp, terms, mediaPng: await makePng(1200, 800), uploadPng: await makePng(64, 48) };
    const cpus = os.cpus();
    const run: RunInfo = {
      date: new Date(started).toISOString().slice(0, 10),
      startedAt: new Date(started).toISOString().replace(/\.\d+Z$/, 'Z'),
      n: o.n,
      seconds: o.seconds,
      warmupSeconds: o.warmupSeconds,
      connections: o.connections,
      seedConcurrency: o.seedConcurrency,
      seedVia: o.seedVia,
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
      results.push(await runDialect(d, sh, o, peers, sv));
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
      `The get-by-id scenarios (plain and \`hydrate=2\`) rotate over all ${o.n} ids (a stride of a prime ≥ 7 901); their bare route replays one captured object for every id.`,
      `The peers filter by category *name* through a join; Flotiq filters by the relation's \`dataUrl\` (the Science category's id), which is what this scenario does.`,
      ...searchNotes(terms, o.n),
      `Media: one ${sh.mediaPng.length}-byte 1200×800 PNG (generated with sharp) is uploaded through \`POST /api/media\` after seeding; the image scenario asks once for \`/image/400x0/{id}.png\` before capturing (the rendition is made and kept), then measures. The upload scenario sends one fixed multipart body (a ${sh.uploadPng.length}-byte 64×48 PNG) with the read-write key; every request creates a \`_media\` object and its file, so it runs last and short. Its bare route reads the whole multipart body into a buffer (no part parsing) and replays the captured JSON.`,
      `The uncached list runs in a second server process (\`FLOTILLA_PAGE_CACHE_MB=0\`) on the same database, started after seeding; the other scenarios run in a server with the default settings (page cache 64 MB).`,
    ];
    const text = renderReport(run, results, notes, targetNotes(terms, o.n));
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
