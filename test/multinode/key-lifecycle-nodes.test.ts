import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN } from '../support/test-app.js';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, nodeStatus, useTwoNodes, type Session } from '../support/nodes.js';

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
  const nodes = useTwoNodes();
  let s: Session;

  beforeAll(async () => {
    s = await nodeLogin(nodes.a());
  });

  const newKey = async (body: Record<string, unknown> = {}) => {
    const res = await nodePanel(nodes.a(), s, 'POST', '/panel/api/keys', { name: `k${Math.random()}`, rules: [], ...body });
    expect(res.status).toBe(200);
    return (await res.json()) as KeyView;
  };
  const both = async (key: string) => [
    await nodeStatus(nodes.a(), '/api/auth-context', key),
    await nodeStatus(nodes.b(), '/api/auth-context', key),
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
    const res = await nodePanel(nodes.a(), s, 'PUT', `/panel/api/keys/${k.id}`, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(res.status).toBe(200);
    expect(await nodeStatus(nodes.b(), '/api/auth-context', k.key)).toBe(401);
    expect(await nodeStatus(nodes.a(), '/api/auth-context', k.key)).toBe(401);
  });

  it('during a grace window both values work on both nodes; "End now" on A ends the old one on B', async () => {
    const k = await newKey();
    const res = await nodePanel(nodes.a(), s, 'POST', `/panel/api/keys/${k.id}/regenerate`, { graceMinutes: 60 });
    const fresh = (await res.json()) as KeyView;
    expect(await both(k.key)).toEqual([200, 200]);
    expect(await both(fresh.key)).toEqual([200, 200]);
    expect((await nodePanel(nodes.a(), s, 'DELETE', `/panel/api/keys/${k.id}/previous`)).status).toBe(200);
    expect(await both(k.key)).toEqual([401, 401]);
    expect(await both(fresh.key)).toEqual([200, 200]);
  });

  it('when a grace window ends, both nodes refuse the old value and accept the new one', async () => {
    const k = await newKey();
    const res = await nodePanel(nodes.b(), s, 'POST', `/panel/api/keys/${k.id}/regenerate`, { graceMinutes: 1 });
    const fresh = (await res.json()) as KeyView;
    const until = Date.parse(fresh.previousValidUntil!);
    expect(until).toBeGreaterThan(Date.now() + 50_000);
    expect(await both(k.key)).toEqual([200, 200]);
    await sleepUntil(until);
    expect(await both(k.key)).toEqual([401, 401]);
    expect(await both(fresh.key)).toEqual([200, 200]);
  });

  it('usage counted by both nodes adds up, written by each in its own batches', async () => {
    const keys = (await (await nodePanel(nodes.a(), s, 'GET', '/panel/api/keys')).json()) as (KeyView & { kind: string })[];
    const rw = keys.find((k) => k.kind === 'read-write')!.key;
    const made = await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw, ctd('note', { title: text() }));
    expect(made.status).toBe(200);
    const k = await newKey({ rules: [{ ctdName: 'note', canRead: true }] });
    for (let i = 0; i < 2; i++) expect(await nodeStatus(nodes.a(), '/api/v1/content/note', k.key)).toBe(200);
    for (let i = 0; i < 3; i++) expect(await nodeStatus(nodes.b(), '/api/v1/content/note', k.key)).toBe(200);
    const readsSeenByA = async () => {
      const u = (await (await nodePanel(nodes.a(), s, 'GET', `/panel/api/keys/${k.id}/usage?days=1`)).json()) as {
        days: { counts: { ctdName: string; action: string; count: number }[] }[];
      };
      return u.days[0].counts.find((c) => c.ctdName === 'note' && c.action === 'read')?.count ?? 0;
    };
    // A writes its own counts when asked; B's arrive with its next batch (every 5 s)
    expect(await readsSeenByA()).toBeGreaterThanOrEqual(2);
    await expect.poll(readsSeenByA, { timeout: 15_000, interval: 500 }).toBe(5);
  });

  it('"Regenerate all keys" on node A: every old value is refused by node B from the next request', async () => {
    const before = (await (await nodePanel(nodes.a(), s, 'GET', '/panel/api/keys')).json()) as (KeyView & { kind: string })[];
    const ro = before.find((k) => k.kind === 'read-only')!;
    expect(await both(ro.key)).toEqual([200, 200]);
    const res = await nodePanel(nodes.a(), s, 'POST', '/panel/api/keys/regenerate-all', { password: ADMIN.password });
    expect(res.status).toBe(200);
    const after = (await res.json()) as (KeyView & { kind: string })[];
    expect(await both(ro.key)).toEqual([401, 401]);
    expect(await both(after.find((k) => k.kind === 'read-only')!.key)).toEqual([200, 200]);
  });
});
