import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.js';

/** Every log line written by any test app in this process, for the secret-scan tests. */
export const capturedLogs: string[] = [];

export interface TestApp {
  app: App;
  dialect: DialectName;
  db: TestDatabase;
  ro: string;
  rw: string;
  /** inject() with an optional key in X-AUTH-TOKEN. */
  call(method: InjectOptions['method'], url: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
}

export async function startTestApp(dialect: DialectName, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  const config = loadConfig({
    FLOTILLA_DATA_DIR: db.dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    LOG_LEVEL: 'info',
    ...env,
  });
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      capturedLogs.push(String(chunk));
      cb();
    },
  });
  const app = await createApp(config, { logStream });
  const ro = await app.services.keys.applicationKey(SYSTEM, 'read-only');
  const rw = await app.services.keys.applicationKey(SYSTEM, 'read-write');
  return {
    app,
    dialect,
    db,
    ro,
    rw,
    call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.key) headers['x-auth-token'] = opts.key;
      const hasBody = opts.body !== undefined;
      if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      return app.server.inject({
        method,
        url,
        headers,
        ...(hasBody ? { payload: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
      });
    },
  };
}

/** Registers beforeAll/afterAll that start a fresh app on a fresh database of this dialect for the suite. */
export function useTestApp(dialect: DialectName, env: Record<string, string> = {}): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect, env);
  });
  afterAll(async () => {
    if (!t) return;
    await t.app.close();
    await t.db.drop();
  });
  return () => {
    if (!t) throw new Error('test app not started');
    return t;
  };
}
