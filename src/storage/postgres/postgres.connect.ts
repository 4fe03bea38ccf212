import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Channel, Storage } from '../port.js';
import type { Database } from '../sql/schema.js';
import { SqlStorage } from '../sql/sql-storage.js';
import { PlannerStatistics } from '../sql/statistics.js';
import { LocalSignals } from '../sql/signals.js';
import { postgresMigrations } from './postgres.migrations.js';
import { postgresOps } from './postgres.ops.js';

const NOTIFY_CHANNEL = 'flotilla_signals';
// BIGINT columns hold epoch milliseconds, which fit a JS number exactly
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** LISTEN/NOTIFY signals so that every node drops its caches when another node changes keys or types. */
class PostgresSignals extends LocalSignals {
  private listener: pg.Client | undefined;
  private closed = false;
  /** Marks this node's in-transaction notices, which it has already told its own listeners about. */
  private readonly nodeId = randomUUID();

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    super();
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (m) => {
      const [channel, ...rest] = (m.payload ?? '').split(':');
      let payload = rest.join(':');
      if (channel === 'events') {
        const at = payload.indexOf(':');
        if (payload.slice(0, at) === this.nodeId) return;
        payload = payload.slice(at + 1);
      }
      this.emit(channel as Channel, payload);
    });
    client.on('error', () => this.reconnect());
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.listener = client;
  }

  private reconnect(): void {
    if (this.closed) return;
    this.listener = undefined;
    // a lost LISTEN connection may have missed signals: tell every listener to drop everything
    setTimeout(() => {
      this.start()
        .then(() => {
          for (const c of ['keys', 'types', 'objects', 'sessions', 'events'] as Channel[]) this.emit(c, '*');
        })
        .catch(() => this.reconnect());
    }, 500).unref();
  }

  override async notify(channel: Channel, payload: string): Promise<void> {
    this.emit(channel, payload);
    await this.pool.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${channel}:${payload}`]);
  }

  override async notifyInTransaction(db: Kysely<Database>, channel: Channel, payload: string): Promise<void> {
    await sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${`${channel}:${this.nodeId}:${payload}`})`.execute(db);
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }
}

/** Connects to PostgreSQL, applies migrations under an advisory lock (several nodes may start at once). */
export async function connectPostgres(url: string, poolSize = 10): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  pool.on('error', () => undefined);
  // a connection cut while checked out (database restarted, backend terminated) emits 'error' on its client, where
  // the pool listens only while the client is idle: unheard, that ends the process. Its query has already failed
  // with the same error, and the pool drops the dead client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  await migrate(pool);
  const signals = new PostgresSignals(url, pool);
  await signals.start();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const stats = new PlannerStatistics(async () => void (await pool.query('ANALYZE objects, object_refs')));
  await stats.refresh();
  return new SqlStorage(db, postgresOps, signals, stats, false, undefined, undefined, undefined, {
    latestSchema: postgresMigrations.length,
    connections: () => ({ max: poolSize, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  });
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(424242)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)');
    const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
    for (const [i, statements] of postgresMigrations.entries()) {
      const version = i + 1;
      if (done.has(version)) continue;
      await client.query('BEGIN');
      try {
        for (const s of statements) await client.query(s);
        await client.query('INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)', [version, Date.now()]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(424242)').catch(() => undefined);
    client.release();
  }
}
