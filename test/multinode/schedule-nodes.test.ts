import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { nodeCall, nodeLogin, nodePanel, useTwoNodes, type Session } from '../support/nodes.js';

// Issue 11's acceptance with real processes: a planned publish happens once with two nodes polling the same
// PostgreSQL, and not at all for an object edited after its plan was made.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined (bounded). */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.skipIf(!inject('pgAvailable'))('two Flotilla processes on one PostgreSQL run a planned publish once', () => {
  // started one after the other: parallel first starts on a fresh database race on seeding
  const nodes = useTwoNodes();
  let sql: pg.Client;
  let session: Session;
  const keys = { rw: '', ro: '' };

  beforeAll(async () => {
    sql = new pg.Client({ connectionString: nodes.db().databaseUrl });
    await sql.connect();
    session = await nodeLogin(nodes.a());
    const listed = (await (await nodePanel(nodes.a(), session, 'GET', '/panel/api/keys')).json()) as {
      kind: string;
      key: string;
    }[];
    keys.rw = listed.find((k) => k.kind === 'read-write')!.key;
    keys.ro = listed.find((k) => k.kind === 'read-only')!.key;
    const made = await nodeCall(
      nodes.a(),
      'POST',
      '/api/v1/internal/contenttype',
      keys.rw,
      ctd('post', { title: text() }, { draftPublic: true }),
    );
    expect(made.status, await made.text()).toBe(200);
  });

  // before the nodes stop and the database is dropped (afterAll hooks run in reverse order)
  afterAll(async () => {
    await sql?.end();
  });

  it('each plan publishes its object exactly once; a plan of an object edited after planning never runs', async () => {
    const both = [nodes.a(), nodes.b()];
    const planned = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const edited = ['e0', 'e1'];
    for (const [i, id] of [...planned, ...edited].entries()) {
      const res = await nodeCall(both[i % 2], 'POST', '/api/v1/content/post', keys.rw, { id, title: `${id} draft` });
      expect(res.status, await res.text()).toBe(200);
    }
    const at = new Date(Date.now() + 3600_000).toISOString();
    const sessionB = await nodeLogin(nodes.b());
    for (const [i, id] of [...planned, ...edited].entries()) {
      // plans made through both nodes' Panel API
      const [n, s] = i % 2 === 0 ? [nodes.a(), session] : [nodes.b(), sessionB];
      const res = await nodePanel(n, s, 'PUT', `/panel/api/content/post/${id}/schedule`, { action: 'publish', at });
      expect(res.status, await res.text()).toBe(200);
    }
    const plans = await sql.query<{ id: string; created_ms: string }>(`SELECT id, created_ms FROM schedules ORDER BY id`);
    expect(plans.rows.map((r) => r.id).sort()).toEqual([...planned, ...edited].sort());

    // edit after planning: the edit cancels the plan (the events worker of either node)…
    await sleep(5); // the edit's timestamp lies after the plan's
    for (const id of edited) {
      const res = await nodeCall(nodes.b(), 'PATCH', `/api/v1/content/post/${id}`, keys.rw, {
        title: `${id} edited after planning`,
      });
      expect(res.status, await res.text()).toBe(200);
    }
    await until('the edits to cancel their plans', async () => {
      const r = await sql.query(`SELECT id FROM schedules WHERE id = ANY($1)`, [edited]);
      return r.rowCount === 0 ? true : undefined;
    });
    // …and a plan that outlived the edit (as if the cancellation had not happened yet) is refused when it runs
    const createdBefore = Math.min(...plans.rows.filter((r) => r.id === 'e0').map((r) => Number(r.created_ms)));
    await sql.query(
      `INSERT INTO schedules (type, id_key, id, action, at_ms, created_ms, created_by)
       SELECT type, id_key, id, 'publish', $1, $2, 'test' FROM objects WHERE type = 'post' AND id = 'e0'`,
      [Date.now() + 3600_000, createdBefore],
    );

    // make every plan due: the nodes' one-second polls pick them up
    const due = await sql.query(`UPDATE schedules SET at_ms = $1`, [Date.now() - 1000]);
    expect(due.rowCount).toBe(planned.length + 1);
    await until('every plan to run', async () => {
      const r = await sql.query(`SELECT count(*)::int AS n FROM schedules`);
      return r.rows[0].n === 0 ? true : undefined;
    });
    // two more poll rounds on both nodes: nothing runs a plan twice, even late
    await sleep(2500);

    const events = await sql.query<{ object_id: string; n: number }>(
      `SELECT object_id, count(*)::int AS n FROM events
        WHERE kind = 'object' AND action = 'publish' AND content_type = 'post' GROUP BY object_id ORDER BY object_id`,
    );
    expect(Object.fromEntries(events.rows.map((r) => [r.object_id, r.n]))).toEqual(
      Object.fromEntries(planned.map((id) => [id, 1])),
    );

    // the read-only key sees the published objects, through either node, and never the edited drafts
    for (const n of both) {
      const list = await nodeCall(n, 'GET', '/api/v1/content/post?limit=100', keys.ro);
      expect(list.status).toBe(200);
      const body = (await list.json()) as {
        total_count: number;
        data: { id: string; title: string; internal: { status: string } }[];
      };
      expect(body.data.map((o) => o.id).sort()).toEqual([...planned].sort());
      expect(body.total_count).toBe(planned.length);
      for (const o of body.data) expect(o).toMatchObject({ title: `${o.id} draft`, internal: { status: 'public' } });
      for (const id of edited) expect((await nodeCall(n, 'GET', `/api/v1/content/post/${id}`, keys.ro)).status).toBe(404);
    }
    const statuses = await sql.query<{ id: string; status: string; n: number }>(
      `SELECT id, status, count(*)::int AS n FROM objects WHERE type = 'post' AND deleted_ms IS NULL GROUP BY id, status ORDER BY id`,
    );
    for (const r of statuses.rows)
      expect(r, r.id).toMatchObject(edited.includes(r.id) ? { status: 'draft', n: 1 } : { status: 'public', n: 1 });
  });
});
