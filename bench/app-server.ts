import { Writable } from 'node:stream';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { SYSTEM } from '../src/core/principal.js';
import { startBare, type CannedResponse } from './bare.js';
import { startProfiler, type CpuProfile } from './profile.js';
import { explainStats, startSqlTrace, type SqlStat } from './sql-trace.js';

/** How the server process is started (the same fields whether in-process or in a child). */
export interface ServerStartOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  /** More server settings (environment variables Flotilla reads, e.g. FLOTILLA_PAGE_CACHE_MB). */
  env?: Record<string, string>;
}

export interface ServerInfo {
  pid: number;
  dialect: string;
  port: number;
  barePort: number;
  readOnlyKey: string;
  readWriteKey: string;
}

/** Flotilla and the bare route, side by side in one process, so both run under the same conditions. */
export interface ServerPair {
  info: ServerInfo;
  setBare(response: CannedResponse): void;
  rssBytes(): number;
  /** The last log lines, for diagnosing a failure. */
  recentLogs(): string[];
  /** Starts the V8 sampling profiler and SQL timing in this process. */
  profileStart(): Promise<void>;
  /** Stops both; the SQL statements come with their plans. */
  profileStop(): Promise<Profiled>;
  close(): Promise<void>;
}

export interface Profiled {
  cpu: CpuProfile;
  sql: SqlStat[];
}

/** A log destination that keeps the last lines and echoes errors to stderr (pino writes one JSON line per record). */
function logSink(keep = 50): { stream: Writable; recent: string[] } {
  const recent: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const line = String(chunk);
      recent.push(line);
      if (recent.length > keep) recent.shift();
      if (/"level":(50|60)/.test(line)) process.stderr.write(`[server] ${line}`);
      cb();
    },
  });
  return { stream, recent };
}

export async function startServerPair(opts: ServerStartOptions): Promise<ServerPair> {
  const config = loadConfig({
    ...opts.env,
    FLOTILLA_DATA_DIR: opts.dataDir,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    LOG_LEVEL: opts.logLevel,
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const sink = logSink();
  const app = await createApp(config, { logStream: sink.stream });
  try {
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    if (!address || typeof address === 'string') throw new Error('server has no TCP address');
    const bare = await startBare('127.0.0.1');
    const info: ServerInfo = {
      pid: process.pid,
      dialect: app.storage.dialect,
      port: address.port,
      barePort: bare.port,
      readOnlyKey: await app.services.keys.applicationKey(SYSTEM, 'read-only'),
      readWriteKey: await app.services.keys.applicationKey(SYSTEM, 'read-write'),
    };
    let profiling: { cpu: () => Promise<CpuProfile>; sql: () => SqlStat[] } | undefined;
    return {
      info,
      setBare: (r) => bare.set(r),
      rssBytes: () => process.memoryUsage().rss,
      recentLogs: () => [...sink.recent],
      async profileStart() {
        if (profiling) throw new Error('already profiling');
        profiling = { sql: startSqlTrace(), cpu: await startProfiler() };
      },
      async profileStop() {
        if (!profiling) throw new Error('not profiling');
        const { cpu, sql } = profiling;
        profiling = undefined;
        const result = { cpu: await cpu(), sql: sql() };
        await explainStats(result.sql, opts).catch((e: Error) => process.stderr.write(`EXPLAIN failed: ${e.message}\n`));
        return result;
      },
      async close() {
        await bare.close().catch(() => undefined);
        // Node's server.close() waits for keep-alive connections whose requests were in flight when it was called
        // (they stay open after answering); a stop during seeding would wait for the client's idle timeout.
        const force = setTimeout(() => app.server.server.closeAllConnections(), 2000);
        try {
          await app.close();
        } finally {
          clearTimeout(force);
        }
      },
    };
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
}
