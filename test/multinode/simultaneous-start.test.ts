import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { nodeLogin, nodePanel, startNode, stopNode, type Node } from '../support/nodes.js';

/**
 * Three nodes started at the same moment on one fresh PostgreSQL database: migrations run under one advisory lock
 * and first-start seeding under another, so all of them start, and the database holds exactly one read-only key,
 * one read-write key, one administrator and each internal type once.
 */
describe.skipIf(!inject('pgAvailable'))('nodes starting together on a fresh PostgreSQL', () => {
  let db: TestDatabase | undefined;
  const nodes: Node[] = [];
  afterAll(async () => {
    for (const n of nodes) await stopNode(n);
    await db?.drop();
  });

  it('all start, and the first-start seeding happens once', async () => {
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('hex');
    nodes.push(...(await Promise.all(['a', 'b', 'c'].map((name) => startNode(db!, secret, name)))));
    const session = await nodeLogin(nodes[0]);
    const keys = (await (await nodePanel(nodes[0], session, 'GET', '/panel/api/keys')).json()) as { kind: string }[];
    expect(keys.map((k) => k.kind).sort()).toEqual(['read-only', 'read-write']);
    const rw = (keys as { kind: string; key: string }[]).find((k) => k.kind === 'read-write')!.key;
    for (const n of nodes) {
      const res = await fetch(`${n.url}/api/v1/internal/contenttype?internal=1&limit=100`, { headers: { 'x-auth-token': rw } });
      expect(res.status).toBe(200);
      const names = ((await res.json()) as { data: { name: string }[] }).data.map((t) => t.name).sort();
      expect(names).toEqual([...new Set(names)]);
      expect(names).toEqual(expect.arrayContaining(['_media', '_tag', '_webhooks', '_plugin_settings']));
    }
    // every node signs the administrator in (one account, made once)
    for (const n of nodes.slice(1)) await nodeLogin(n);
  }, 180_000);
});
