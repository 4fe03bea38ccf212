import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../support/databases.js';
import { startNode, stopNode, type Node } from '../support/nodes.js';
import { useTestApp } from '../support/test-app.js';

/**
 * The one-time setup link used by several people (or one script) at once (issue 9, finding 4): exactly one
 * administrator may come out of it, on one node or two.
 */
const ROUNDS = 20;
const PER_ROUND = 4;
const NO_ADMIN = { FLOTILLA_ADMIN_EMAIL: '', FLOTILLA_ADMIN_PASSWORD: '', FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: '100000' };

/** Runs SQL on the test database from outside the server (another connection, as another node would). */
async function withDb<T>(db: TestDatabase, fn: (run: (q: string, params?: unknown[]) => Promise<unknown[]>) => Promise<T>) {
  if (!db.databaseUrl) {
    const raw = new BetterSqlite3(path.join(db.dataDir, 'flotilla.sqlite'));
    raw.pragma('busy_timeout = 5000');
    try {
      return await fn(async (q, params = []) =>
        /^\s*select/i.test(q) ? raw.prepare(q).all(...params) : (raw.prepare(q).run(...params), []),
      );
    } finally {
      raw.close();
    }
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  try {
    return await fn(async (q, params = []) => {
      let n = 0;
      return (
        await c.query(
          q.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    });
  } finally {
    await c.end();
  }
}

const userCount = (db: TestDatabase) =>
  withDb(db, async (run) => Number(((await run('SELECT COUNT(*) AS n FROM users')) as { n: number }[])[0].n));

/**
 * Puts the database back to "no user yet" with a new one-time token, as a fresh start would (the server stores
 * only the token's SHA-256 under this meta key), so that each round races on a fresh link without a restart.
 */
async function rearm(db: TestDatabase): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  await withDb(db, async (run) => {
    await run('DELETE FROM sessions');
    await run('DELETE FROM users');
    await run('DELETE FROM meta WHERE key = ?', ['setup_token_sha256']);
    await run('INSERT INTO meta (key, value) VALUES (?, ?)', ['setup_token_sha256', hash]);
  });
  return token;
}

const attempt = (round: number, i: number, token: string) => ({
  token,
  email: `admin${round}x${i}@example.test`,
  password: 'long enough password',
});

describe.each(dialectsUnderTest())('the one-time setup link used concurrently on %s', (dialect) => {
  const t = useTestApp(dialect, NO_ADMIN);

  it('makes exactly one administrator per link, however many use it at once', async () => {
    let token = t().app.setupToken!;
    expect(token).toBeTruthy();
    const bad: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) token = await rearm(t().db);
      const answers = await Promise.all(
        Array.from({ length: PER_ROUND }, (_, i) => t().call('POST', '/panel/api/setup', { body: attempt(round, i, token) })),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      const users = await userCount(t().db);
      if (codes.filter((c) => c === 200).length !== 1 || users !== 1 || codes.some((c) => c !== 200 && c !== 403))
        bad.push(`round ${round}: answers ${codes.join(',')}, ${users} users`);
    }
    expect(bad).toEqual([]);
  });
});

describe.skipIf(!inject('pgAvailable'))('the one-time setup link used concurrently on two nodes of one PostgreSQL', () => {
  let db: TestDatabase;
  let a: Node | undefined;
  let b: Node | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('base64url');
    a = await startNode(db, secret, 'a', NO_ADMIN);
    b = await startNode(db, secret, 'b', NO_ADMIN);
  }, 120_000);

  afterAll(async () => {
    await stopNode(a);
    await stopNode(b);
    await db?.drop();
  });

  it('makes exactly one administrator per link when both nodes take it at once', async () => {
    // each start without a user prints a new link; the last one printed (node B's) is the live one
    const printed = b!.output.join('').match(/#token=([\w-]+)/);
    expect(printed).not.toBeNull();
    let token = printed![1];
    const bad: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) token = await rearm(db);
      const answers = await Promise.all(
        Array.from({ length: PER_ROUND }, (_, i) =>
          fetch(`${(i % 2 ? a! : b!).url}/panel/api/setup`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(attempt(round, i, token)),
          }),
        ),
      );
      const codes = answers.map((r) => r.status).sort();
      const users = await userCount(db);
      if (codes.filter((c) => c === 200).length !== 1 || users !== 1 || codes.some((c) => c !== 200 && c !== 403))
        bad.push(`round ${round}: answers ${codes.join(',')}, ${users} users`);
    }
    expect(bad).toEqual([]);
  }, 120_000);
});
