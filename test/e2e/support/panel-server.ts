import { startTestApp, assertNoKeyLeaks, capturedLogs, type TestApp } from '../../support/test-app.js';
import type { DialectName } from '../../support/databases.js';
import type { Clock } from '../../../src/core/clock.js';

export interface PanelServer {
  t: TestApp;
  baseURL: string;
  /** A call to the real API over HTTP, with a key in X-AUTH-TOKEN. */
  api(method: string, url: string, key: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

/** A real Flotilla server on a free loopback port, on a fresh database. */
export async function startPanelServer(
  dialect: DialectName = 'sqlite',
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<PanelServer> {
  const t = await startTestApp(dialect, env, opts);
  await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const baseURL = `http://127.0.0.1:${address.port}`;
  return {
    t,
    baseURL,
    async api(method, url, key, body) {
      const res = await fetch(`${baseURL}${url}`, {
        method,
        headers: { 'x-auth-token': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async close() {
      await t.app.close();
      await t.db.drop();
      // the browser saw only what a person sees: key values appear in /panel/api/keys answers and nowhere else
      assertNoKeyLeaks(t.responses, capturedLogs);
    },
  };
}
