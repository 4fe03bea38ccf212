import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, nodeStatus, useTwoNodes, type Node, type Session } from '../support/nodes.js';

/**
 * Concurrent key management across two real processes on one PostgreSQL (issue 9, findings 2 and 3): one node
 * takes one change, the other node the other, at the same moment; both nodes must then agree on a state that one
 * of the two orders could have produced.
 */
const ROUNDS = 20;

type KeyView = { id: string; name: string; key: string; rules: { ctdName: string }[] };

const read = (ctdName: string) => ({ ctdName, canRead: true, canCreate: false, canUpdate: false, canDelete: false });

describe.skipIf(!inject('pgAvailable'))('concurrent key management on two nodes of one PostgreSQL', () => {
  const nodes = useTwoNodes();
  let sa: Session;
  let sb: Session;
  let rw: string;

  const newKey = async (name: string, rules: unknown[]): Promise<KeyView> => {
    const res = await nodePanel(nodes.a(), sa, 'POST', '/panel/api/keys', { name, rules });
    expect(res.status).toBe(200);
    return (await res.json()) as KeyView;
  };
  const stored = async (n: Node, s: Session, id: string) =>
    ((await (await nodePanel(n, s, 'GET', '/panel/api/keys')).json()) as KeyView[]).find((k) => k.id === id);

  beforeAll(async () => {
    sa = await nodeLogin(nodes.a());
    sb = await nodeLogin(nodes.b());
    const keys = (await (await nodePanel(nodes.a(), sa, 'GET', '/panel/api/keys')).json()) as (KeyView & { kind: string })[];
    rw = keys.find((k) => k.kind === 'read-write')!.key;
    expect((await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw, ctd('racy', { a: text() }))).status).toBe(200);
  });

  it('a regenerate on one node racing a rename on the other never brings the old key back', async () => {
    const stale: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const k = await newKey(`regen ${round}`, [read('racy')]);
      const [regen, rename] = await Promise.all([
        nodePanel(nodes.a(), sa, 'POST', `/panel/api/keys/${k.id}/regenerate`),
        nodePanel(nodes.b(), sb, 'PUT', `/panel/api/keys/${k.id}`, { name: `renamed ${round}` }),
      ]);
      expect(regen.status).toBe(200);
      expect(rename.status).toBe(200);
      const fresh = ((await regen.json()) as KeyView).key;
      for (const n of [nodes.a(), nodes.b()]) {
        const newStatus = await nodeStatus(n, '/api/v1/content/racy', fresh);
        const oldStatus = await nodeStatus(n, '/api/v1/content/racy', k.key);
        if (newStatus !== 200 || oldStatus !== 401)
          stale.push(`round ${round} on ${n.url}: new key ${newStatus}, old ${oldStatus}`);
      }
      const row = await stored(nodes.b(), sb, k.id);
      if (row?.key !== fresh || row?.name !== `renamed ${round}`) stale.push(`round ${round}: stored name ${row?.name}`);
    }
    expect(stale).toEqual([]);
  }, 120_000);

  it('a revocation on one node racing a rename on the other never brings the old rules back', async () => {
    const stale: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const k = await newKey(`revoke ${round}`, [read('racy')]);
      const [revoke, rename] = await Promise.all([
        nodePanel(nodes.a(), sa, 'PUT', `/panel/api/keys/${k.id}`, { rules: [] }),
        nodePanel(nodes.b(), sb, 'PUT', `/panel/api/keys/${k.id}`, { name: `renamed ${round}` }),
      ]);
      expect(revoke.status).toBe(200);
      expect(rename.status).toBe(200);
      for (const n of [nodes.a(), nodes.b()]) {
        const reads = await nodeStatus(n, '/api/v1/content/racy', k.key);
        if (reads !== 403) stale.push(`round ${round} on ${n.url}: the revoked key answered ${reads}`);
      }
      const row = await stored(nodes.a(), sa, k.id);
      if (row?.rules.length !== 0 || row?.name !== `renamed ${round}`)
        stale.push(`round ${round}: stored ${row?.name} with ${row?.rules.length} rules`);
    }
    expect(stale).toEqual([]);
  }, 120_000);

  it('a type deleted on one node while a rule on it is saved on the other: one wins, no rule outlives the type', async () => {
    const bad: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const type = `tempx${String.fromCharCode(97 + round)}`;
      expect((await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw, ctd(type, { a: text() }))).status).toBe(200);
      // node B has served the type, so its registry holds it when the race starts
      expect(await nodeStatus(nodes.b(), `/api/v1/internal/contenttype/${type}`, rw)).toBe(200);
      const k = await newKey(`tempx key ${round}`, []);
      const [del, save] = await Promise.all([
        nodeCall(nodes.a(), 'DELETE', `/api/v1/internal/contenttype/${type}`, rw),
        nodePanel(nodes.b(), sb, 'PUT', `/panel/api/keys/${k.id}`, { rules: [read(type)] }),
      ]);
      const deleted = del.status === 200 || del.status === 204;
      const saved = save.status === 200;
      if (deleted === saved) bad.push(`round ${round}: delete ${del.status}, save ${save.status}`);
      if (!deleted && del.status !== 400) bad.push(`round ${round}: the refused delete answered ${del.status}`);
      if (!saved && save.status !== 400) bad.push(`round ${round}: the refused rule answered ${save.status}`);
      const exists = (await nodeStatus(nodes.a(), `/api/v1/internal/contenttype/${type}`, rw)) === 200;
      const row = await stored(nodes.a(), sa, k.id);
      if (!exists && row?.rules.some((r) => r.ctdName === type)) bad.push(`round ${round}: a rule outlived ${type}`);
      if (!exists) {
        expect((await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw, ctd(type, { a: text() }))).status).toBe(
          200,
        );
        for (const n of [nodes.a(), nodes.b()]) {
          const status = await nodeStatus(n, `/api/v1/content/${type}`, k.key);
          if (status !== 403) bad.push(`round ${round} on ${n.url}: the key reads the re-created ${type} (${status})`);
        }
      }
    }
    expect(bad).toEqual([]);
  }, 120_000);
});
