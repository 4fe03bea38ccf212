// `npm run bench:read-budget` (tsx bench/read-budget.ts): finding 12 of the first hostile review, measured.
// 5 000 posts each relating to 20 others; eight clients send the heaviest reads the read budgets allow (and then the
// review's refused reads) while one client sends one-row requests. Reports the worst latency of every kind of read and
// the one-row latency during the load, on SQLite and PostgreSQL. bench/README.md ("Read budgets") describes it.
import http from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import { ctd, relation, text } from '../test/support/fixtures.js';
import { cleanupAll, installExitHandlers, onCleanup } from './cleanup.js';
import { runMain, writeReport } from './harness.js';
import { createBenchDatabase, pgUnreachable, type Dialect } from './databases.js';
import { startHost } from './host.js';
import { renderReadBudgetReport, type DialectRun, type Phase, type Sample } from './read-budget-report.js';

const POSTS = 5000;
const FANOUT = 20;
const CLIENTS = 8;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').filter(Boolean) as Dialect[];
const postId = (i: number) => `bp-${String(i).padStart(4, '0')}`;
const BODY = Array.from({ length: 300 }, (_, k) => ['word', 'lorem', 'ipsum', 'dolor', 'sit', 'amet'][k % 6]).join(' ');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; the body is kept only when small (a budget error), large bodies are only counted. */
function request(
  port: number,
  method: string,
  url: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; bytes: number; ms: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: { 'x-auth-token': key, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let bytes = 0;
        const kept: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes <= 64 * 1024) kept.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - started,
            text: bytes <= 64 * 1024 ? Buffer.concat(kept).toString() : '',
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function seed(port: number, rw: string): Promise<number> {
  const started = performance.now();
  const def = ctd('blogpost', { title: text(), body: text(), related: relation('blogpost') });
  const made = await request(port, 'POST', '/api/v1/internal/contenttype', rw, def);
  if (made.status !== 200) throw new Error(`CTD: ${made.status} ${made.text}`);
  // two passes: every target must exist before a relation to it is stored
  const batches = (make: (i: number) => unknown) =>
    Array.from({ length: POSTS / 100 }, (_, b) => Array.from({ length: 100 }, (_, k) => make(b * 100 + k)));
  const send = async (method: string, all: unknown[][]) => {
    for (let i = 0; i < all.length; i += 4) {
      const results = await Promise.all(
        all.slice(i, i + 4).map((items) => request(port, method, '/api/v1/content/blogpost/batch', rw, items)),
      );
      for (const r of results) if (r.status !== 200) throw new Error(`batch ${method}: ${r.status} ${r.text.slice(0, 300)}`);
    }
  };
  await send(
    'POST',
    batches((i) => ({ id: postId(i), title: `Post ${i}`, body: `${BODY} ${i}`, related: [] })),
  );
  await send(
    'PATCH',
    batches((i) => ({
      id: postId(i),
      related: Array.from({ length: FANOUT }, (_, k) => ({
        dataUrl: `/api/v1/content/blogpost/${postId((i + 7 * (k + 1)) % POSTS)}`,
        type: 'internal',
      })),
    })),
  );
  return (performance.now() - started) / 1000;
}

/** The largest `limit` (1…max) for which `url(limit)` answers 200: the heaviest read the budgets allow. */
async function heaviestLimit(port: number, ro: string, url: (limit: number) => string, max: number): Promise<number> {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const r = await request(port, 'GET', url(mid), ro);
    if (r.status === 200) lo = mid;
    else if (r.status === 400) hi = mid - 1;
    else throw new Error(`${url(mid)}: ${r.status} ${r.text.slice(0, 300)}`);
  }
  return lo;
}

/** CLIENTS loops over `urls` for `seconds` while one more client sends one-row requests, one after the other. */
async function phase(name: string, port: number, ro: string, urls: string[]): Promise<Phase> {
  const heavy: Sample[] = [];
  const oneRow: Sample[] = [];
  const until = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    for (let n = w; performance.now() < until; n++) {
      const url = urls[n % urls.length];
      const r = await request(port, 'GET', url, ro);
      heavy.push({ url, status: r.status, ms: r.ms, bytes: r.bytes });
    }
  };
  const probe = async () => {
    // starts once the heavy clients are under way
    await new Promise((r) => setTimeout(r, 200));
    while (performance.now() < until) {
      const url = '/api/v1/content/blogpost/bp-0042';
      const r = await request(port, 'GET', url, ro);
      oneRow.push({ url, status: r.status, ms: r.ms, bytes: r.bytes });
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, (_, w) => worker(w)), probe()]);
  return { name, urls, heavy, oneRow };
}

async function runDialect(dialect: Dialect, sqliteVersion: string): Promise<DialectRun> {
  const db = await createBenchDatabase(dialect, sqliteVersion);
  const dropDb = onCleanup(`${dialect} database`, db.drop);
  const host = await startHost({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: 'warn' }, 'child');
  const stopHost = onCleanup(`${dialect} server`, host.stop);
  try {
    const { port, readOnlyKey: ro, readWriteKey: rw } = host.info;
    process.stderr.write(`${dialect}: seeding ${POSTS} posts × ${FANOUT} relations\n`);
    const seedSeconds = await seed(port, rw);
    if (dialect === 'postgres') await db.analyze();
    const list = (h: number) => (limit: number) => `/api/v1/content/blogpost?limit=${limit}&hydrate=${h}&order_by=id`;
    const search = (h: number) => (limit: number) => `/api/v1/search?q=word&limit=${limit}&hydrate=${h}`;
    const l1 = await heaviestLimit(port, ro, list(1), 1000);
    const l2 = await heaviestLimit(port, ro, list(2), 1000);
    const s2 = await heaviestLimit(port, ro, search(2), 1000);
    process.stderr.write(`${dialect}: heaviest allowed limits: list hydrate=1 ${l1}, hydrate=2 ${l2}; search hydrate=2 ${s2}\n`);
    const allowed = [list(0)(1000), list(1)(l1), list(2)(l2), search(2)(s2)];
    const refused = [
      list(2)(1000),
      list(1)(1000),
      '/api/v1/search?q=word&limit=100&hydrate=2',
      '/api/v1/search?q=word&limit=1000&hydrate=1',
    ];
    process.stderr.write(`${dialect}: ${seconds} s of the heaviest allowed reads\n`);
    const a = await phase('heaviest allowed reads', port, ro, allowed);
    process.stderr.write(`${dialect}: ${seconds} s of the review's reads (refused by the budgets)\n`);
    const r = await phase("the review's reads", port, ro, refused);
    return { dialect, version: db.version, seedSeconds, phases: [a, r], peakRss: await host.rssBytes() };
  } finally {
    await stopHost();
    await dropDb();
  }
}

async function main(): Promise<number> {
  const disarm = installExitHandlers(Number(process.env.BENCH_MAX_SECONDS ?? 600));
  try {
    const mem = new BetterSqlite3(':memory:');
    const sv = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    mem.close();
    const runs: DialectRun[] = [];
    for (const d of dialects) {
      if (d === 'postgres') {
        const why = await pgUnreachable();
        if (why) {
          process.stderr.write(`postgres skipped: ${why}\n`);
          continue;
        }
      }
      runs.push(await runDialect(d, sv));
    }
    const started = new Date();
    const report = renderReadBudgetReport(runs, { seconds, clients: CLIENTS, posts: POSTS, fanout: FANOUT, date: started });
    writeReport('read-budget', started, report);
    return 0;
  } finally {
    agent.destroy();
    await cleanupAll();
    disarm();
  }
}

runMain(main);
