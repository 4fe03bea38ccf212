import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { nodeCall, nodeLogin, nodePanel, startNode, stopNode, type Node } from '../support/nodes.js';

/**
 * On PostgreSQL, concurrent requests of a node share their key reads (src/core/shared-reads.ts, decision 0019): the
 * keys asked while a read is under way go out together in the next one, at most 500 of them. The attack: a flood
 * of distinct random keys, sent at once, well-formed so that each one costs a lookup, with valid keys among them.
 * Every random key must be refused and every valid key served — whatever read each lands in, however many reads the
 * flood takes.
 */
const RANDOM_KEYS = 3000;
/** One valid request between every VALID_EVERY random ones, in the same flood. */
const VALID_EVERY = 10;
const ROUNDS = 3;

const randomKey = () => `fla_${['ro', 'rw', 'u'][randomBytes(1)[0] % 3]}_${randomBytes(24).toString('hex')}`;

describe.skipIf(!inject('pgAvailable'))('a flood of distinct keys on a PostgreSQL node', { timeout: 180_000 }, () => {
  let db: TestDatabase | undefined;
  let node: Node | undefined;
  const valid: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    // refusals must show as 401 on every request, not turn into the failed-auth limiter's 429
    node = await startNode(db, randomBytes(32).toString('base64url'), 'a', { FLOTILLA_AUTH_FAILURES_PER_MINUTE: '1000000' });
    const s = await nodeLogin(node);
    for (let i = 0; i < 3; i++) {
      const res = await nodePanel(node, s, 'POST', '/panel/api/keys', { name: `valid ${i}`, rules: [] });
      expect(res.status).toBe(200);
      valid.push(((await res.json()) as { key: string }).key);
    }
    const keys = (await (await nodePanel(node, s, 'GET', '/panel/api/keys')).json()) as { key: string }[];
    valid.push(...keys.map((k) => k.key).filter((k) => !valid.includes(k)));
  }, 120_000);

  afterAll(async () => {
    await stopNode(node);
    await db?.drop();
    expect(node?.output.join('') ?? '').not.toMatch(KEY_PATTERN);
  });

  it('every random key is refused and every valid key sent at the same time is served', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sent: { key: string; valid: boolean }[] = [];
      for (let i = 0; i < RANDOM_KEYS; i++) {
        if (i % VALID_EVERY === 0) sent.push({ key: valid[(i / VALID_EVERY) % valid.length], valid: true });
        sent.push({ key: randomKey(), valid: false });
      }
      const answers = await Promise.all(
        sent.map(async ({ key, valid }) => {
          const res = await nodeCall(node!, 'GET', '/api/auth-context', key);
          return { valid, status: res.status, body: await res.text() };
        }),
      );
      expect(answers.filter((a) => !a.valid && a.status !== 401).map((a) => `${a.status} ${a.body.slice(0, 100)}`)).toEqual([]);
      expect(answers.filter((a) => a.valid && a.status !== 200).map((a) => `${a.status} ${a.body.slice(0, 100)}`)).toEqual([]);
    }
    // the node is still serving afterwards
    expect((await nodeCall(node!, 'GET', '/api/auth-context', valid[0])).status).toBe(200);
  });
});
