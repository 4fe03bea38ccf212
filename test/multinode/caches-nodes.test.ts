import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ctd, ref, relation, text } from '../support/fixtures.js';
import {
  nodeCall as call,
  nodeLogin as login,
  nodePanel as panel,
  nodeStatus as status,
  useTwoNodes,
  type Node,
} from '../support/nodes.js';

type Envelope = { total_count: number; data: Record<string, unknown>[] };
type Search = { total_count: number; data: { item: Record<string, unknown> }[] };

/**
 * Decision 0019: the page, count and search-response caches are on with PostgreSQL and validated by per-type
 * generations bumped in each write's transaction. Node A caches an answer, node B writes, the next read on A shows
 * the write — for list, count, search, hydration and both Draft & Public views; keys are refused on the other node
 * from the next request.
 */
// each test runs many rounds over real HTTP between two processes: minutes on a loaded machine, seconds on an idle one
describe.skipIf(!inject('pgAvailable'))('caches across two Flotilla processes on one PostgreSQL', () => {
  const nodes = useTwoNodes({ a: { LOG_LEVEL: 'warn' }, b: { LOG_LEVEL: 'warn' } });
  let raw: pg.Client;
  let rw = '';
  let ro = '';

  const json = async <T>(n: Node, path: string, key: string, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${n.url}${path}`, { headers: { 'x-auth-token': key, ...headers } });
    expect(res.status, `${path} on ${n.url}`).toBe(200);
    return (await res.json()) as T;
  };
  const write = async (n: Node, method: string, path: string, body?: unknown) => {
    const res = await call(n, method, path, rw, body);
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  };
  const titles = (e: Envelope) => e.data.map((o) => o.title).sort();

  beforeAll(async () => {
    const a = nodes.a();
    raw = new pg.Client({ connectionString: nodes.db().databaseUrl });
    await raw.connect();
    const keys = (await (await panel(a, await login(a), 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[];
    rw = keys.find((k) => k.kind === 'read-write')!.key;
    ro = keys.find((k) => k.kind === 'read-only')!.key;
    await write(a, 'POST', '/api/v1/internal/contenttype', ctd('author', { name: text({ isTitlePart: true }) }));
    await write(
      a,
      'POST',
      '/api/v1/internal/contenttype',
      ctd('post', { title: text({ isTitlePart: true }), author: relation('author') }),
    );
    await write(
      a,
      'POST',
      '/api/v1/internal/contenttype',
      ctd('page', { title: text({ isTitlePart: true }) }, { draftPublic: true }),
    );
    await write(a, 'POST', '/api/v1/content/author', { id: 'au-1', name: 'Ada' });
    await write(a, 'POST', '/api/v1/content/post', { id: 'p-1', title: 'lighthouse one', author: [ref('author', 'au-1')] });
  }, 180_000);

  // before the nodes stop and the database is dropped (afterAll hooks run in reverse order)
  afterAll(async () => {
    await raw?.end();
  });

  it('node A really caches (a change behind the application is not seen), and a write through B is seen at once', async () => {
    const list = '/api/v1/content/post?limit=20&order_by=title';
    const search = '/api/v1/search?q=lighthouse&content_type[]=post';
    expect(titles(await json<Envelope>(nodes.a(), list, ro))).toEqual(['lighthouse one']);
    expect((await json<Search>(nodes.a(), search, ro)).data.map((h) => h.item.title)).toEqual(['lighthouse one']);
    const graphqlTitles = async (n: Node) => {
      const res = await call(n, 'POST', '/api/v2/graphql', ro, {
        query: '{ post(order_by: "title") { edges { node { title } } } }',
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { post: { edges: { node: { title: string } }[] } } }).data.post.edges.map(
        (e) => e.node.title,
      );
    };
    expect(await graphqlTitles(nodes.a())).toEqual(['lighthouse one']);
    // changed in the database without an event (no generation bump): A answers from its caches
    await raw.query(`UPDATE objects SET data = jsonb_set(data, '{title}', '"behind your back"') WHERE id = 'p-1'`);
    expect(titles(await json<Envelope>(nodes.a(), list, ro))).toEqual(['lighthouse one']);
    expect((await json<Search>(nodes.a(), search, ro)).data.map((h) => h.item.title)).toEqual(['lighthouse one']);
    expect(await graphqlTitles(nodes.a())).toEqual(['lighthouse one']);
    // a node that never cached this page reads the database
    expect(titles(await json<Envelope>(nodes.b(), list, ro))).toEqual(['behind your back']);
    // a real write through B (its transaction bumps post's generation): A's next read shows it, and the silent change
    await write(nodes.b(), 'POST', '/api/v1/content/post', {
      id: 'p-2',
      title: 'lighthouse two',
      author: [ref('author', 'au-1')],
    });
    expect(titles(await json<Envelope>(nodes.a(), list, ro))).toEqual(['behind your back', 'lighthouse two']);
    expect(await graphqlTitles(nodes.a())).toEqual(['behind your back', 'lighthouse two']);
    const found = await json<Search>(nodes.a(), search, ro);
    expect(found.total_count).toBe(2);
    expect(found.data.map((h) => h.item.title).sort()).toEqual(['behind your back', 'lighthouse two']);
  }, 120_000);

  it('list, count, search, GraphQL totals and hydrated reads follow writes on the other node, round after round', async () => {
    const list = '/api/v1/content/post?limit=100&order_by=title';
    const hydrated = '/api/v1/content/post?limit=50&hydrate=1';
    const search = (q: string) => `/api/v1/search?q=${q}&content_type[]=post`;
    const ids = (e: Envelope) => e.data.map((o) => o.id);
    for (let round = 0; round < 20; round++) {
      const [writer, reader] = round % 2 === 0 ? [nodes.b(), nodes.a()] : [nodes.a(), nodes.b()];
      const word = `round${round}`;
      // the reader caches every answer first (twice: the second is a hit)
      for (let i = 0; i < 2; i++) {
        await json<Envelope>(reader, list, ro);
        await json<Envelope>(reader, hydrated, ro);
        await json<Search>(reader, search(word), ro);
        await json<Search>(reader, search('lighthouse'), ro);
      }
      const before = (await json<Envelope>(reader, list, ro)).total_count;
      const lighthouses = (await json<Search>(reader, search('lighthouse'), ro)).total_count;
      await write(writer, 'POST', '/api/v1/content/post', {
        id: `r-${round}`,
        title: `${String(round).padStart(2, '0')} lighthouse ${word}`,
        author: [ref('author', 'au-1')],
      });
      const after = await json<Envelope>(reader, list, ro);
      expect(after.total_count).toBe(before + 1);
      expect(ids(after)).toContain(`r-${round}`);
      expect((await json<Envelope>(reader, hydrated, ro)).total_count).toBe(before + 1);
      const hit = await json<Search>(reader, search(word), ro);
      expect(hit.data.map((h) => h.item.id)).toEqual([`r-${round}`]);
      expect((await json<Search>(reader, search('lighthouse'), ro)).total_count).toBe(lighthouses + 1);
      // an edit and a delete through the writer, each seen by the reader's next request
      await write(writer, 'PATCH', `/api/v1/content/post/r-${round}`, { title: `${String(round).padStart(2, '0')} renamed` });
      expect((await json<Search>(reader, search(word), ro)).total_count).toBe(0);
      expect(titles(await json<Envelope>(reader, list, ro))).toContain(`${String(round).padStart(2, '0')} renamed`);
      if (round % 3 === 2) {
        await write(writer, 'DELETE', `/api/v1/content/post/r-${round}`);
        const gone = await json<Envelope>(reader, list, ro);
        expect(gone.total_count).toBe(before);
        expect(ids(gone)).not.toContain(`r-${round}`);
      }
    }
  }, 120_000);

  it("GraphQL's totalCount (the count cache) follows a write on the other node", async () => {
    const total = async (n: Node) => {
      const res = await call(n, 'POST', '/api/v2/graphql', ro, { query: '{ post(first: 1) { totalCount } }' });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { post: { totalCount: number } } }).data.post.totalCount;
    };
    for (let round = 0; round < 5; round++) {
      const [writer, reader] = round % 2 === 0 ? [nodes.b(), nodes.a()] : [nodes.a(), nodes.b()];
      const t0 = await total(reader);
      expect(await total(reader)).toBe(t0);
      await write(writer, 'POST', '/api/v1/content/post', { id: `g-${round}`, title: 'graphql counted' });
      expect(await total(reader)).toBe(t0 + 1);
    }
  }, 120_000);

  it('a write to a related type is seen in hydrated lists, gets, searches and GraphQL answers on the other node', async () => {
    const hydratedList = '/api/v1/content/post?limit=100&hydrate=1&order_by=title';
    const authorOf = (o: Record<string, unknown>) => (o.author as { name?: string }[])[0]?.name;
    // GraphQL's response cache: the same document asked again is answered from memory until a readable type changes
    const graphqlAuthor = async (n: Node) => {
      const res = await call(n, 'POST', '/api/v2/graphql', ro, {
        query: '{ post(first: 100, order_by: "title") { edges { node { id author { name } } } } }',
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { post: { edges: { node: Record<string, unknown> }[] } } };
      return authorOf(body.data.post.edges.find((e) => e.node.id === 'p-2')!.node);
    };
    for (let round = 0; round < 10; round++) {
      const [writer, reader] = round % 2 === 0 ? [nodes.b(), nodes.a()] : [nodes.a(), nodes.b()];
      const name = `Ada ${round}`;
      for (let i = 0; i < 2; i++) {
        await json<Envelope>(reader, hydratedList, ro);
        await json<Record<string, unknown>>(reader, '/api/v1/content/post/p-2?hydrate=1', ro);
        await json<Search>(reader, '/api/v1/search?q=lighthouse&content_type[]=post&hydrate=1', ro);
        await graphqlAuthor(reader);
      }
      await write(writer, 'PATCH', '/api/v1/content/author/au-1', { name });
      expect(await graphqlAuthor(reader)).toBe(name);
      const page = await json<Envelope>(reader, hydratedList, ro);
      expect(authorOf(page.data.find((o) => o.id === 'p-2')!)).toBe(name);
      expect(authorOf(await json<Record<string, unknown>>(reader, '/api/v1/content/post/p-2?hydrate=1', ro))).toBe(name);
      const found = await json<Search>(reader, '/api/v1/search?q=lighthouse&content_type[]=post&hydrate=1', ro);
      expect(authorOf(found.data.find((h) => h.item.id === 'p-2')!.item)).toBe(name);
    }
  }, 120_000);

  it('Draft & Public: publications, edits and unpublications on one node change both views on the other at once', async () => {
    const publicList = '/api/v1/content/page?limit=20';
    const preview = { 'x-mode': 'preview' };
    const publicTitles = async (n: Node) => titles(await json<Envelope>(n, publicList, ro));
    const previewTitles = async (n: Node) => titles(await json<Envelope>(n, publicList, rw, preview));
    const publicSearch = async (n: Node) =>
      (await json<Search>(n, '/api/v1/search?q=okapi&content_type[]=page', ro)).data.map((h) => h.item.title).sort();
    for (let round = 0; round < 6; round++) {
      const [writer, reader] = round % 2 === 0 ? [nodes.b(), nodes.a()] : [nodes.a(), nodes.b()];
      const id = `pg-${round}`;
      const cache = async () => {
        for (let i = 0; i < 2; i++) {
          await publicTitles(reader);
          await previewTitles(reader);
          await publicSearch(reader);
        }
      };
      await cache();
      await write(writer, 'POST', '/api/v1/content/page', { id, title: `okapi draft ${round}` });
      expect(await publicTitles(reader)).not.toContain(`okapi draft ${round}`);
      expect(await previewTitles(reader)).toContain(`okapi draft ${round}`);
      await cache();
      await write(writer, 'POST', `/api/v1/content/page/${id}/publish`);
      expect(await publicTitles(reader)).toContain(`okapi draft ${round}`);
      expect(await publicSearch(reader)).toContain(`okapi draft ${round}`);
      await cache();
      // an edit of a published object: preview sees it, the public view keeps the published version
      await write(writer, 'PATCH', `/api/v1/content/page/${id}`, { title: `okapi edited ${round}` });
      expect(await previewTitles(reader)).toContain(`okapi edited ${round}`);
      expect(await publicTitles(reader)).toContain(`okapi draft ${round}`);
      await cache();
      await write(writer, 'POST', `/api/v1/content/page/${id}/publish`);
      expect(await publicTitles(reader)).toContain(`okapi edited ${round}`);
      expect(await publicSearch(reader)).toContain(`okapi edited ${round}`);
      await cache();
      await write(writer, 'POST', `/api/v1/content/page/${id}/unpublish`);
      expect(await publicTitles(reader)).not.toContain(`okapi edited ${round}`);
      expect(await publicSearch(reader)).not.toContain(`okapi edited ${round}`);
      expect(await previewTitles(reader)).toContain(`okapi edited ${round}`);
    }
  }, 120_000);

  it('a definition change and a purge on one node are seen by the other at once', async () => {
    const list = '/api/v1/content/post?limit=100';
    await json<Envelope>(nodes.a(), list, ro);
    await json<Envelope>(nodes.a(), list, ro);
    const def = ctd('post', { title: text({ isTitlePart: true }), author: relation('author'), extra: text() });
    await write(nodes.b(), 'PUT', '/api/v1/internal/contenttype/post', def);
    await write(nodes.b(), 'POST', '/api/v1/internal/contenttype/post/purge', {});
    expect((await json<Envelope>(nodes.a(), list, ro)).total_count).toBe(0);
    expect((await json<Search>(nodes.a(), '/api/v1/search?q=lighthouse&content_type[]=post', ro)).total_count).toBe(0);
  }, 120_000);

  it("while node A answers and re-caches the same page continuously, every write B has answered is in A's next answer", async () => {
    await write(nodes.b(), 'POST', '/api/v1/content/author', { id: 'au-race', name: 'racer 0' });
    const list = '/api/v1/content/author?limit=20&order_by=name';
    const search = '/api/v1/search?q=racer&content_type[]=author';
    let stop = false;
    // one reader per answer keeps A's entry being made and replaced at arbitrary moments around B's commits (one
    // each: an entry stored under the wrong stamp would then be served by the next hit, not overwritten by another miss)
    const busy = [list, search].map(async (path) => {
      while (!stop) await json<unknown>(nodes.a(), path, ro);
    });
    try {
      for (let round = 1; round <= 30; round++) {
        // B's commit lands at a different point of A's read cycle each round
        await new Promise((r) => setTimeout(r, (round * 7) % 13));
        // a burst: A's misses after one commit are being answered while the next commits
        for (const step of ['a', 'b', 'c']) {
          await write(nodes.b(), 'PATCH', '/api/v1/content/author/au-race', { name: `racer ${round}${step}` });
        }
        await write(nodes.b(), 'PATCH', '/api/v1/content/author/au-race', { name: `racer ${round}` });
        const page = await json<Envelope>(nodes.a(), list, ro);
        expect(page.data.find((o) => o.id === 'au-race')?.name).toBe(`racer ${round}`);
        const found = await json<Search>(nodes.a(), search, ro);
        expect(found.data.map((h) => h.item.name)).toEqual([`racer ${round}`]);
      }
    } finally {
      stop = true;
      await Promise.all(busy);
    }
  }, 120_000);

  it('keys: a regenerated or removed key is refused by the other node from the next request, round after round', async () => {
    const sa = await login(nodes.a());
    const sb = await login(nodes.b());
    const made = (await (
      await panel(nodes.a(), sa, 'POST', '/panel/api/keys', { name: 'Roaming', rules: [{ ctdName: 'post', canRead: true }] })
    ).json()) as { id: string; key: string };
    let current = made.key;
    for (let round = 0; round < 10; round++) {
      const [changer, s, other] = round % 2 === 0 ? [nodes.a(), sa, nodes.b()] : [nodes.b(), sb, nodes.a()];
      // both nodes accept it, twice (anything cacheable is cached)
      for (const n of [nodes.a(), nodes.b(), nodes.a(), nodes.b()])
        expect(await status(n, '/api/v1/content/post', current)).toBe(200);
      const next = ((await (await panel(changer, s, 'POST', `/panel/api/keys/${made.id}/regenerate`)).json()) as { key: string })
        .key;
      expect(await status(other, '/api/v1/content/post', current)).toBe(401);
      expect(await status(changer, '/api/v1/content/post', current)).toBe(401);
      expect(await status(other, '/api/v1/content/post', next)).toBe(200);
      current = next;
    }
    expect((await panel(nodes.b(), sb, 'DELETE', `/panel/api/keys/${made.id}`)).status).toBe(204);
    expect(await status(nodes.a(), '/api/v1/content/post', current)).toBe(401);
    expect(await status(nodes.b(), '/api/v1/content/post', current)).toBe(401);
  }, 120_000);
});
