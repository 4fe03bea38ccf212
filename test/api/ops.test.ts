import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest, type TestDatabase } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { PG_ADMIN_URL } from '../support/global-setup.js';
import { parseProm, sampleValue } from '../support/prometheus.js';
import { Receiver } from '../support/receiver.js';
import { useTestApp } from '../support/test-app.js';

const TOKEN = 'scrape-token-for-the-ops-suite-0123456789';

/** Runs SQL on the app's database from outside the app (a second connection, as an operator would). */
async function onDatabase(db: TestDatabase, statement: string, params: unknown[] = []): Promise<void> {
  if (!db.databaseUrl) {
    const raw = new BetterSqlite3(path.join(db.dataDir, 'flotilla.sqlite'));
    try {
      raw.prepare(statement).run(...params);
    } finally {
      raw.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  try {
    await c.query(
      statement.replace(/\?/g, (_m, i: number) => `$${statement.slice(0, i).split('?').length}`),
      params,
    );
  } finally {
    await c.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(dialectsUnderTest())('health, readiness and metrics on %s', (dialect) => {
  const t = useTestApp(dialect, {
    FLOTILLA_METRICS: 'on',
    FLOTILLA_METRICS_TOKEN: TOKEN,
    // a failed delivery waits an hour for its retry: it stays in the queue while the test looks
    FLOTILLA_WEBHOOK_RETRY_BASE_MS: '3600000',
  });
  const receiver = new Receiver();
  const scrape = async () => {
    const res = await t().call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseProm(res.body);
  };

  beforeAll(async () => {
    await receiver.start();
    receiver.on('/fail', () => ({ status: 500 }));
    const made = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('alpha', { title: text() }) });
    expect(made.statusCode, made.body).toBe(200);
    expect((await t().call('POST', '/api/v1/content/alpha', { key: t().rw, body: { id: 'o1', title: 'one' } })).statusCode).toBe(
      200,
    );
  });
  afterAll(() => receiver.stop());

  it('GET /health answers without a key and without asking the database', async () => {
    const res = await t().call('GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /ready is 200 with the database up and every migration applied', async () => {
    const res = await t().call('GET', '/ready');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('/metrics exposes every family, and a request made shows up under its route pattern', async () => {
    const before = await scrape();
    const route = { method: 'GET', route: '/api/v1/content/:type/:id', status: '200' };
    const n0 = sampleValue(before.samples, 'flotilla_http_requests_total', route) ?? 0;
    expect((await t().call('GET', '/api/v1/content/alpha/o1', { key: t().ro })).statusCode).toBe(200);
    // the same page twice (a miss, then a hit of the page cache), then the next page: its total is the count cache's hit
    for (const page of [1, 1, 2])
      expect((await t().call('GET', `/api/v1/content/alpha?limit=7&page=${page}`, { key: t().ro })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await t().call('GET', '/api/v1/search?q=one', { key: t().ro })).statusCode).toBe(200);
    // an async webhook whose receiver fails: its execution stays queued (the retry is an hour away)
    const hook = await t().call('POST', '/api/v1/content/_webhooks', {
      key: t().rw,
      body: {
        name: 'failing',
        type: 'async',
        url: `${receiver.url}/fail`,
        enabled: true,
        content_type_definitions: [{ content_type_definition_name: 'alpha' }],
        actions: [{ action: 'Create' }],
        headers: [],
      },
    });
    expect(hook.statusCode, hook.body).toBe(200);
    expect((await t().call('POST', '/api/v1/content/alpha', { key: t().rw, body: { id: 'o2', title: 'two' } })).statusCode).toBe(
      200,
    );
    // the event is fanned out, and its first attempt made and written (failed: queued for the retry)
    await t().app.services.events.wake();
    await t().app.services.webhooks.delivery.wake();

    const { families, samples } = await scrape();
    for (const [name, type] of [
      ['flotilla_http_requests_total', 'counter'],
      ['flotilla_http_request_duration_seconds', 'histogram'],
      ['flotilla_cache_lookups_total', 'counter'],
      ['flotilla_cache_hit_ratio', 'gauge'],
      ['flotilla_webhook_queue_depth', 'gauge'],
      ['flotilla_events_pending', 'gauge'],
      ['flotilla_db_pool_connections', 'gauge'],
      ['process_cpu_user_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ])
      expect(families.get(name), name).toBe(type);

    expect(sampleValue(samples, 'flotilla_http_requests_total', route)).toBe(n0 + 1);
    const count = sampleValue(samples, 'flotilla_http_request_duration_seconds_count', { method: 'GET', route: route.route });
    expect(count).toBeGreaterThanOrEqual(n0 + 1);
    const inf = sampleValue(samples, 'flotilla_http_request_duration_seconds_bucket', {
      method: 'GET',
      route: route.route,
      le: '+Inf',
    });
    expect(inf).toBe(count);
    // the raw URL is nowhere: not the object id, not the query
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes('/alpha') || v.includes('limit=7')))).toBe(false);

    for (const cache of ['page', 'count', 'search']) {
      expect(sampleValue(samples, 'flotilla_cache_lookups_total', { cache, result: 'hit' }), cache).toBeGreaterThanOrEqual(1);
      expect(sampleValue(samples, 'flotilla_cache_lookups_total', { cache, result: 'miss' }), cache).toBeGreaterThanOrEqual(1);
      const ratio = sampleValue(samples, 'flotilla_cache_hit_ratio', { cache })!;
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThan(1);
    }
    expect(
      sampleValue(samples, 'flotilla_cache_lookups_total', { cache: 'search_total', result: 'miss' }),
    ).toBeGreaterThanOrEqual(1);

    expect(sampleValue(samples, 'flotilla_webhook_queue_depth')).toBe(1);
    expect(sampleValue(samples, 'flotilla_events_pending')).toBe(0);
    expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    if (dialect === 'postgres') {
      expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'max' })).toBe(10);
      // present (connections are opened on demand, so queries may wait while one opens), and within the pool's bound
      expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
      expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'total' })).toBeLessThanOrEqual(10);
    } else {
      expect(sampleValue(samples, 'flotilla_db_pool_connections', { state: 'max' })).toBe(1);
      expect(sampleValue(samples, 'flotilla_db_file_bytes')).toBeGreaterThan(0);
    }
  });

  it('/ready is 503 while migrations are missing, and 200 once they are back', async () => {
    const latest = dialect === 'postgres' ? 'postgres' : 'sqlite';
    const { postgresMigrations } = await import('../../src/storage/postgres/postgres.migrations.js');
    const { sqliteMigrations } = await import('../../src/storage/sqlite/sqlite.migrations.js');
    const version = (latest === 'postgres' ? postgresMigrations : sqliteMigrations).length;
    await onDatabase(t().db, 'DELETE FROM schema_migrations WHERE version = ?', [version]);
    try {
      const res = await t().call('GET', '/ready');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'unavailable',
        reason: `migrations pending (database at ${version - 1} of ${version})`,
      });
    } finally {
      await onDatabase(t().db, 'INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)', [version, Date.now()]);
    }
    expect((await t().call('GET', '/ready')).statusCode).toBe(200);
  });

  it.runIf(dialect === 'postgres')('/ready fails while the database is down and recovers when it returns', async () => {
    const name = new URL(t().db.databaseUrl!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const ready = async () => {
      const res = await t().call('GET', '/ready');
      return { status: res.statusCode, body: res.json() as unknown };
    };
    try {
      // the database refuses new connections and every connection the app holds is cut
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        name,
      ]);
      const down = await until('readiness while down', ready, (r) => r.status === 503);
      expect(down.body).toEqual({ status: 'unavailable', reason: 'database unreachable' });
      // liveness does not depend on the database, and a scrape still answers (without the database's gauges)
      expect((await t().call('GET', '/health')).statusCode).toBe(200);
      const { samples } = await scrape();
      expect(sampleValue(samples, 'flotilla_webhook_queue_depth')).toBeNaN();
      expect((await ready()).status).toBe(503);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const up = await until('readiness after the database returned', ready, (r) => r.status === 200);
    expect(up.body).toEqual({ status: 'ready' });
    // and the app serves again
    expect((await t().call('GET', '/api/v1/content/alpha/o1', { key: t().ro })).statusCode).toBe(200);
  });
});
