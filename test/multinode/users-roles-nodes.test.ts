import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { nodeLogin, nodePanel, useTwoNodes, type Session } from '../support/nodes.js';

const PASSWORD = 'a long enough password';

/** A role change or a disabling made on one node holds on the other from its next request (decision 0021). */
describe.skipIf(!inject('pgAvailable'))('users and roles across two processes', { timeout: 180_000 }, () => {
  const nodes = useTwoNodes();
  let admin: Session;

  beforeAll(async () => {
    admin = await nodeLogin(nodes.a());
  });

  it('an editor demoted to author on node A cannot delete on node B at its next request; disabled on A, refused on B', async () => {
    expect(
      (await nodePanel(nodes.a(), admin, 'POST', '/panel/api/v1/internal/contenttype', ctd('post', { title: text() }))).status,
    ).toBe(200);
    const inv = (await (
      await nodePanel(nodes.a(), admin, 'POST', '/panel/api/invitations', { email: 'ed@example.test', roleId: 'editor' })
    ).json()) as {
      url: string;
    };
    const token = new URL(inv.url).hash.replace('#token=', '');
    // accepted on node B
    const acc = await fetch(`${nodes.b().url}/panel/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: PASSWORD }),
    });
    expect(acc.status).toBe(200);
    const edId = ((await acc.json()) as { user: { id: string } }).user.id;
    const ed = await nodeLogin(nodes.b(), { email: 'ed@example.test', password: PASSWORD });
    for (const id of ['p1', 'p2'])
      expect((await nodePanel(nodes.b(), ed, 'POST', '/panel/api/v1/content/post', { id, title: 'x' })).status).toBe(200);
    expect((await nodePanel(nodes.b(), ed, 'DELETE', '/panel/api/v1/content/post/p1')).status).toBe(200);
    // warm node B's request path, then change the role on node A
    expect((await nodePanel(nodes.b(), ed, 'GET', '/panel/api/v1/content/post')).status).toBe(200);
    expect((await nodePanel(nodes.a(), admin, 'PUT', `/panel/api/users/${edId}`, { roleId: 'author' })).status).toBe(200);
    expect((await nodePanel(nodes.b(), ed, 'DELETE', '/panel/api/v1/content/post/p2')).status).toBe(403);
    const me = (await (await nodePanel(nodes.b(), ed, 'GET', '/panel/api/session')).json()) as { role: { id: string } };
    expect(me.role.id).toBe('author');
    // disabled on A: B refuses the session at once
    expect((await nodePanel(nodes.a(), admin, 'PUT', `/panel/api/users/${edId}`, { disabled: true })).status).toBe(200);
    expect((await nodePanel(nodes.b(), ed, 'GET', '/panel/api/v1/content/post')).status).toBe(401);
  });
});
