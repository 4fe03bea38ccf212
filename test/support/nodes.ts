import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { ADMIN } from './test-app.js';

/** A real Flotilla process (`src/main.ts`), listening on a free local port. */
export interface Node {
  url: string;
  proc: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output: string[];
}

export type Session = { cookie: string; csrf: string };

const root = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a node on the test database (its own data directory under the database's, named `name`). `env` overrides
 * the defaults; an empty string removes a setting (config treats '' as unset), e.g. the administrator for setup tests.
 */
export async function startNode(db: TestDatabase, secret: string, name: string, env: Record<string, string> = {}): Promise<Node> {
  const port = await freePort();
  const output: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.databaseUrl,
      FLOTILLA_SECRET: secret,
      FLOTILLA_DATA_DIR: path.join(db.dataDir, name),
      FLOTILLA_ADMIN_EMAIL: ADMIN.email,
      FLOTILLA_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => output.push(String(d)));
  proc.stderr!.on('data', (d) => output.push(String(d)));
  const deadline = Date.now() + 60_000;
  while (!output.join('').includes('Flotilla is running')) {
    if (proc.exitCode !== null) throw new Error(`node ${name} exited: ${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`node ${name} did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // the setup link (when there is one) is written right after the banner
  await new Promise((r) => setTimeout(r, 50));
  return { url: `http://127.0.0.1:${port}`, proc, output };
}

/** Stops a node (SIGTERM, then SIGKILL after 5 s). */
export async function stopNode(n: Node | undefined): Promise<void> {
  if (!n || n.proc.exitCode !== null) return;
  const exited = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (n.proc.exitCode === null) n.proc.kill('SIGKILL');
}

/** Signs in to the Panel of a node. */
export async function nodeLogin(n: Node, creds = ADMIN): Promise<Session> {
  const res = await fetch(`${n.url}/panel/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(creds),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('flotilla_session='))!
    .split(';')[0];
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** A Panel call to a node with the session cookie and CSRF header. */
export const nodePanel = (n: Node, s: Session, method: string, p: string, body?: unknown) =>
  fetch(`${n.url}${p}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** A call to a node with a key in X-AUTH-TOKEN (and a JSON body when given). */
export const nodeCall = (n: Node, method: string, p: string, key: string, body?: unknown) =>
  fetch(`${n.url}${p}`, {
    method,
    headers: { 'x-auth-token': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The status of a GET with this key. */
export const nodeStatus = async (n: Node, p: string, key: string) => (await nodeCall(n, 'GET', p, key)).status;

type TwoNodesEnv = { a?: Record<string, string>; b?: Record<string, string> };

/**
 * Two nodes (`a`, `b`) on a fresh PostgreSQL database with one secret, started before the suite's tests and stopped
 * after them — when neither may have logged a key. `env` per node, as for startNode; a function is called with the
 * database when the nodes start, after the suite's earlier beforeAll hooks (e.g. for the address of a server they
 * start).
 */
export function useTwoNodes(nodesEnv: TwoNodesEnv | ((db: TestDatabase) => TwoNodesEnv) = {}) {
  let db: TestDatabase | undefined;
  let a: Node | undefined;
  let b: Node | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('base64url');
    const env = typeof nodesEnv === 'function' ? nodesEnv(db) : nodesEnv;
    a = await startNode(db, secret, 'a', env.a);
    b = await startNode(db, secret, 'b', env.b);
  }, 120_000);
  afterAll(async () => {
    await stopNode(a);
    await stopNode(b);
    await db?.drop();
    for (const n of [a, b]) expect(n?.output.join('') ?? '').not.toMatch(KEY_PATTERN);
  });
  const started = (n: Node | undefined) => {
    if (!n) throw new Error('the nodes have not started');
    return n;
  };
  return { a: () => started(a), b: () => started(b), db: () => db! };
}
