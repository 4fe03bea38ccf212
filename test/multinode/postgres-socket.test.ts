import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { PG_ADMIN_URL } from '../support/global-setup.js';
import { nodeCall, nodeLogin, nodePanel, nodeStatus, useTwoNodes } from '../support/nodes.js';

// the socket exists only where PostgreSQL runs on this machine (as in CI)
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(PG_ADMIN_URL).hostname);

/**
 * A node on the same machine as PostgreSQL may reach it through its Unix socket (README, "Running in production"):
 * a round trip costs the serving thread less than over TCP on 127.0.0.1. Node A connects that way, node B over TCP,
 * to one database: both its pool and its LISTEN connection must use the socket, and the two nodes still hear each
 * other.
 */
describe.skipIf(!inject('pgAvailable') || !local)('a node on PostgreSQL’s Unix socket beside a node on TCP', () => {
  let socketDir = '';
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    const dirs = (await c.query<{ d: string }>(`SELECT current_setting('unix_socket_directories') AS d`)).rows[0].d;
    socketDir = dirs.split(',')[0].trim();
    expect(socketDir).toMatch(/^\//);
    await c.end();
  });
  const nodes = useTwoNodes((db) => {
    const url = new URL(db.databaseUrl!);
    url.host = 'localhost';
    url.searchParams.set('host', socketDir);
    url.searchParams.set('application_name', 'flotilla-socket-node');
    return { a: { DATABASE_URL: url.toString() } };
  });

  it('serves over the socket only, and a key regenerated on the TCP node is refused by the socket node at once', async () => {
    // node A's connections are on the socket (no client address), the LISTEN one among them
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const name = new URL(nodes.db().databaseUrl!).pathname.slice(1);
      const rows = (
        await admin.query<{ client_addr: string | null; query: string }>(
          `SELECT client_addr, query FROM pg_stat_activity WHERE datname = $1 AND application_name = 'flotilla-socket-node'`,
          [name],
        )
      ).rows;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.filter((r) => r.client_addr !== null)).toEqual([]);
      expect(rows.some((r) => /^LISTEN /.test(r.query))).toBe(true);
      // node B's are not (so the query above tells the two apart)
      const tcp = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND client_addr IS NOT NULL`, [name]);
      expect(tcp.rowCount).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.end();
    }

    const s = await nodeLogin(nodes.a());
    const keys = (await (await nodePanel(nodes.a(), s, 'GET', '/panel/api/keys')).json()) as {
      kind: string;
      id: string;
      key: string;
    }[];
    const rw = keys.find((k) => k.kind === 'read-write')!;
    expect(
      (await nodeCall(nodes.a(), 'POST', '/api/v1/internal/contenttype', rw.key, ctd('note', { title: text() }))).status,
    ).toBe(200);
    const made = await nodeCall(nodes.b(), 'POST', '/api/v1/content/note', rw.key, { title: 'from B' });
    expect(made.status).toBe(200);
    const id = ((await made.json()) as { id: string }).id;
    const read = await nodeCall(nodes.a(), 'GET', `/api/v1/content/note/${id}`, rw.key);
    expect(((await read.json()) as { title: string }).title).toBe('from B');

    // the key as node A holds it (read once more, so a cache is warm), regenerated through node B
    const ro = keys.find((k) => k.kind === 'read-only')!;
    expect(await nodeStatus(nodes.a(), '/api/v1/content/note', ro.key)).toBe(200);
    const sb = await nodeLogin(nodes.b());
    const res = await nodePanel(nodes.b(), sb, 'POST', `/panel/api/keys/${ro.id}/regenerate`, {});
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { key: string };
    expect(await nodeStatus(nodes.a(), '/api/v1/content/note', ro.key)).toBe(401);
    expect(await nodeStatus(nodes.a(), '/api/v1/content/note', fresh.key)).toBe(200);
  });
});
