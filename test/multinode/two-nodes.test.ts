import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN } from '../support/test-app.js';
import { inject } from 'vitest';

/** A real Flotilla process. */
interface Node {
  url: string;
  proc: ChildProcess;
  output: string[];
}

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

async function startNode(db: TestDatabase, secret: string, name: string): Promise<Node> {
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
  return { url: `http://127.0.0.1:${port}`, proc, output };
}

async function stop(n: Node | undefined): Promise<void> {
  if (!n || n.proc.exitCode !== null) return;
  const exited = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (n.proc.exitCode === null) n.proc.kill('SIGKILL');
}

type Session = { cookie: string; csrf: string };

async function login(n: Node): Promise<Session> {
  const res = await fetch(`${n.url}/panel/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('flotilla_session='))!
    .split(';')[0];
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const panel = (n: Node, s: Session, method: string, p: string, body?: unknown) =>
  fetch(`${n.url}${p}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const status = async (n: Node, p: string, key: string) =>
  (await fetch(`${n.url}${p}`, { headers: { 'x-auth-token': key } })).status;

describe.skipIf(!inject('pgAvailable'))('two Flotilla processes sharing one PostgreSQL', () => {
  let db: TestDatabase;
  let a: Node | undefined;
  let b: Node | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('base64url');
    a = await startNode(db, secret, 'a');
    b = await startNode(db, secret, 'b');
  }, 120_000);

  afterAll(async () => {
    await stop(a);
    await stop(b);
    await db?.drop();
    // neither process ever logged a key
    for (const n of [a, b]) expect(n?.output.join('') ?? '').not.toMatch(KEY_PATTERN);
  });

  it('a key changed, regenerated or removed through node A is narrowed or refused by node B at once', async () => {
    const s = await login(a!);
    const rw = ((await (await panel(a!, s, 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[]).find(
      (k) => k.kind === 'read-write',
    )!.key;
    const ctd = (name: string) => ({
      name,
      label: name,
      schemaDefinition: {
        type: 'object',
        allOf: [
          { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
          { type: 'object', properties: { t: { type: 'string' } } },
        ],
        required: [],
        additionalProperties: false,
      },
      metaDefinition: { order: ['t'], propertiesConfig: { t: { label: 'T', inputType: 'text', unique: false } } },
    });
    const made = await fetch(`${a!.url}/api/v1/internal/contenttype`, {
      method: 'POST',
      headers: { 'x-auth-token': rw, 'content-type': 'application/json' },
      body: JSON.stringify(ctd('shared')),
    });
    expect(made.status).toBe(200);
    // the type created on A is served by B (its type cache was dropped by the signal, or never held it)
    expect(await status(b!, '/api/v1/content/shared', rw)).toBe(200);

    const created = (await (
      await panel(a!, s, 'POST', '/panel/api/keys', { name: 'Roaming', rules: [{ ctdName: 'shared', canRead: true }] })
    ).json()) as { id: string; key: string };
    expect(await status(b!, '/api/v1/content/shared', created.key)).toBe(200);
    expect(await status(b!, '/api/v1/content/shared', created.key)).toBe(200);

    expect((await panel(a!, s, 'PUT', `/panel/api/keys/${created.id}`, { name: 'Roaming', rules: [] })).status).toBe(200);
    expect(await status(b!, '/api/v1/content/shared', created.key)).toBe(403);

    const regen = (await (await panel(a!, s, 'POST', `/panel/api/keys/${created.id}/regenerate`)).json()) as { key: string };
    expect(await status(b!, '/api/auth-context', created.key)).toBe(401);
    expect(await status(b!, '/api/auth-context', regen.key)).toBe(200);

    expect((await panel(a!, s, 'DELETE', `/panel/api/keys/${created.id}`)).status).toBe(204);
    expect(await status(b!, '/api/auth-context', regen.key)).toBe(401);
    expect(await status(a!, '/api/auth-context', regen.key)).toBe(401);
  });

  it('a session ended on node A is refused by node B', async () => {
    const s = await login(a!);
    expect((await panel(b!, s, 'GET', '/panel/api/session')).status).toBe(200);
    expect((await panel(a!, s, 'DELETE', '/panel/api/session')).status).toBe(204);
    expect((await panel(b!, s, 'GET', '/panel/api/session')).status).toBe(401);
  });
});
