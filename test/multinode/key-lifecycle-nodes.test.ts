import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KEY_PATTERN } from '../../src/auth/key-crypto.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN } from '../support/test-app.js';
import { nodeLogin, nodePanel, nodeStatus, startNode, stopNode, type Node, type Session } from '../support/nodes.js';

interface KeyView {
  id: string;
  key: string;
  expiresAt: string | null;
  previousValidUntil: string | null;
}

const sleepUntil = async (ms: number) => {
  while (Date.now() < ms) await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, ms - Date.now()))));
};

/**
 * Expiry and the end of a grace window are instants, not signals: each node compares them with its clock on every
 * request, so no node accepts a value past its end, whichever node made the change.
 */
describe.skipIf(!inject('pgAvailable'))('key expiry and rotation across two processes', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let a: Node | undefined;
  let b: Node | undefined;
  let s: Session;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const secret = randomBytes(32).toString('base64url');
    a = await startNode(db, secret, 'a');
    b = await startNode(db, secret, 'b');
    s = await nodeLogin(a);
  }, 120_000);

  afterAll(async () => {
    await stopNode(a);
    await stopNode(b);
    await db?.drop();
    for (const n of [a, b]) expect(n?.output.join('') ?? '').not.toMatch(KEY_PATTERN);
  });

  const newKey = async (body: Record<string, unknown> = {}) => {
    const res = await nodePanel(a!, s, 'POST', '/panel/api/keys', { name: `k${Math.random()}`, rules: [], ...body });
    expect(res.status).toBe(200);
    return (await res.json()) as KeyView;
  };
  const both = async (key: string) => [
    await nodeStatus(a!, '/api/auth-context', key),
    await nodeStatus(b!, '/api/auth-context', key),
  ];

  it('a key that expires between two requests is refused by both nodes from the next request', async () => {
    const at = Date.now() + 2500;
    const k = await newKey({ expiresAt: new Date(at).toISOString() });
    expect(await both(k.key)).toEqual([200, 200]);
    await sleepUntil(at);
    expect(await both(k.key)).toEqual([401, 401]);
  });

  it('an expiry set in the past through node A is refused by node B at once', async () => {
    const k = await newKey();
    expect(await both(k.key)).toEqual([200, 200]);
    const res = await nodePanel(a!, s, 'PUT', `/panel/api/keys/${k.id}`, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(res.status).toBe(200);
    expect(await nodeStatus(b!, '/api/auth-context', k.key)).toBe(401);
    expect(await nodeStatus(a!, '/api/auth-context', k.key)).toBe(401);
  });

  it('during a grace window both values work on both nodes; "End now" on A ends the old one on B', async () => {
    const k = await newKey();
    const res = await nodePanel(a!, s, 'POST', `/panel/api/keys/${k.id}/regenerate`, { graceMinutes: 60 });
    const fresh = (await res.json()) as KeyView;
    expect(await both(k.key)).toEqual([200, 200]);
    expect(await both(fresh.key)).toEqual([200, 200]);
    expect((await nodePanel(a!, s, 'DELETE', `/panel/api/keys/${k.id}/previous`)).status).toBe(200);
    expect(await both(k.key)).toEqual([401, 401]);
    expect(await both(fresh.key)).toEqual([200, 200]);
  });

  it('when a grace window ends, both nodes refuse the old value and accept the new one', async () => {
    const k = await newKey();
    const res = await nodePanel(b!, s, 'POST', `/panel/api/keys/${k.id}/regenerate`, { graceMinutes: 1 });
    const fresh = (await res.json()) as KeyView;
    const until = Date.parse(fresh.previousValidUntil!);
    expect(until).toBeGreaterThan(Date.now() + 50_000);
    expect(await both(k.key)).toEqual([200, 200]);
    await sleepUntil(until);
    expect(await both(k.key)).toEqual([401, 401]);
    expect(await both(fresh.key)).toEqual([200, 200]);
  });

  it('"Regenerate all keys" on node A: every old value is refused by node B from the next request', async () => {
    const before = (await (await nodePanel(a!, s, 'GET', '/panel/api/keys')).json()) as (KeyView & { kind: string })[];
    const ro = before.find((k) => k.kind === 'read-only')!;
    expect(await both(ro.key)).toEqual([200, 200]);
    const res = await nodePanel(a!, s, 'POST', '/panel/api/keys/regenerate-all', { password: ADMIN.password });
    expect(res.status).toBe(200);
    const after = (await res.json()) as (KeyView & { kind: string })[];
    expect(await both(ro.key)).toEqual([401, 401]);
    expect(await both(after.find((k) => k.kind === 'read-only')!.key)).toEqual([200, 200]);
  });
});
