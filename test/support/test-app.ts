import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/core/clock.js';
import { SYSTEM } from '../../src/core/principal.js';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.js';

/** Every log line written by any test app in this process, for the secret-scan tests. */
export const capturedLogs: string[] = [];

export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };

export interface TestApp {
  app: App;
  dialect: DialectName;
  db: TestDatabase;
  ro: string;
  rw: string;
  /** inject() with an optional key in X-AUTH-TOKEN. */
  call(
    method: InjectOptions['method'],
    url: string,
    opts?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Every response body this app sent, with its URL (scanned for key values at teardown). */
  responses: { url: string; body: string }[];
  /** Every JSON answer that did not match its route's declared response schema (must stay empty). */
  contractMismatches: string[];
}

/**
 * Text as a reader would see it after any number of URL decodings (`%66%6C%61…`, `%2566…`, `+`), so a key that
 * reached a log or a body in an encoded form is found too.
 */
export function decodedForms(text: string): string[] {
  const forms = [text];
  for (let i = 0; i < 4; i++) {
    const last = forms[forms.length - 1];
    const next = last.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (next === last) break;
    forms.push(next);
  }
  return forms;
}

const holdsKey = (text: string) => decodedForms(text).some((f) => new RegExp(KEY_PATTERN.source).test(f));

/** Key values (plain or URL-encoded) may appear only in the Panel's key responses. */
export function assertNoKeyLeaks(responses: { url: string; body: string }[], logs: string[]): void {
  const leaks = responses.filter((r) => !r.url.startsWith('/panel/api/keys') && holdsKey(r.body));
  expect(leaks.map((l) => `${l.url}: ${l.body.slice(0, 200)}`)).toEqual([]);
  const logLeaks = logs.filter(holdsKey);
  expect(logLeaks).toEqual([]);
}

export async function startTestApp(
  dialect: DialectName,
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  const config = loadConfig({
    FLOTILLA_DATA_DIR: db.dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    LOG_LEVEL: 'info',
    FLOTILLA_ADMIN_EMAIL: ADMIN.email,
    FLOTILLA_ADMIN_PASSWORD: ADMIN.password,
    FLOTILLA_AUTH_FAILURES_PER_MINUTE: '100000',
    FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    ...env,
  });
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      capturedLogs.push(String(chunk));
      cb();
    },
  });
  const responses: { url: string; body: string }[] = [];
  const contractMismatches: string[] = [];
  const app = await createApp(config, {
    clock: opts.clock,
    logStream,
    onResponse: (url, body) => responses.push({ url, body }),
    onContractMismatch: (what) => contractMismatches.push(what),
  });
  const ro = await app.services.keys.applicationKey(SYSTEM, 'read-only');
  const rw = await app.services.keys.applicationKey(SYSTEM, 'read-write');
  return {
    app,
    dialect,
    db,
    ro,
    rw,
    responses,
    contractMismatches,
    call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.key) headers['x-auth-token'] = opts.key;
      const hasBody = opts.body !== undefined;
      if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
      return app.server.inject({
        method,
        url,
        headers,
        ...(hasBody ? { payload: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
      });
    },
  };
}

/**
 * Registers beforeAll/afterAll that start a fresh app on a fresh database of this dialect for the suite.
 * At teardown every response body and log line of the suite is scanned: no key value may appear outside
 * `/panel/api/keys` responses — so the whole test run doubles as a secret scan.
 */
export function useTestApp(dialect: DialectName, env: Record<string, string> = {}, opts: { clock?: Clock } = {}): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect, env, opts);
  });
  afterAll(async () => {
    if (!t) return;
    await t.app.close();
    await t.db.drop();
    assertNoKeyLeaks(t.responses, capturedLogs);
    // every answer of the suite was checked against its route's declared response schema
    expect([...new Set(t.contractMismatches)]).toEqual([]);
  });
  return () => {
    if (!t) throw new Error('test app not started');
    return t;
  };
}

/** Signs in to the Panel; returns the cookie header and CSRF token for later calls. */
export async function panelLogin(t: TestApp, creds = ADMIN): Promise<{ cookie: string; csrf: string }> {
  const res = await t.call('POST', '/panel/api/session', { body: creds });
  expect(res.statusCode, res.body).toBe(200);
  const set = res.cookies.find((c) => c.name === 'flotilla_session');
  expect(set).toBeDefined();
  return { cookie: `flotilla_session=${set!.value}`, csrf: res.json().csrfToken };
}

/** A Panel call with the session cookie (and CSRF header unless told otherwise). */
export function panelCall(
  t: TestApp,
  s: { cookie: string; csrf: string },
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  csrf = true,
) {
  return t.call(method, url, { body, headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) } });
}
