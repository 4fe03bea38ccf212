import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

/**
 * Issue 11's parity: for every key kind × {public view, X-MODE: preview} × {Draft & Public type, plain type}, with
 * draft, public, modified and archived objects present, REST list, search (q=* and a text query), GraphQL and
 * hydration from a readable parent reveal the same objects with the same field values — the public view the
 * published values (a modified object's last published version), the preview the latest ones. Counts and
 * aggregations of the public view never count a draft.
 */
const DP_TYPES = ['post', 'page'] as const;
const PLAIN = 'note';
const TYPES = [...DP_TYPES, PLAIN] as const;
type TypeName = (typeof TYPES)[number];
type Mode = 'public' | 'preview';
const PREVIEW = { 'x-mode': 'preview' };

type Obj = { id: string; title: string; tag: string };

const rule = (ctdName: string, grants: Partial<KeyRule> = {}): KeyRule => ({
  ctdName,
  canRead: true,
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  ...grants,
});

/** Per key: the types it reads, and those it may preview (a plain type reads the same in both views). */
const KEYS: Record<string, { reads: string[]; previews: string[]; readOnly?: true }> = {
  'read-only': { reads: [...TYPES], previews: [], readOnly: true },
  'read-write': { reads: [...TYPES], previews: [...TYPES] },
  'user: read': { reads: [...TYPES], previews: [] },
  'user: read+preview': { reads: [...TYPES], previews: [...TYPES] },
  'user: preview post only': { reads: [...TYPES], previews: ['post'] },
  'user: read post only': { reads: ['post'], previews: [] },
};

type Seen = Record<string, { title: string; tag?: string }>;
type Surfaces = {
  rest: Seen | number;
  searchAll: Seen | number;
  searchText: Seen | number;
  graphql: Seen | string;
  hydration: Seen | number;
};

const byId = (items: { id: string; title: string; tag?: string }[]): Seen =>
  Object.fromEntries(items.map((o) => [o.id, { title: o.title, ...(o.tag === undefined ? {} : { tag: o.tag }) }]));

describe.each(dialectsUnderTest())('Draft & Public: every surface shows the same view on %s', (dialect) => {
  const t = useTestApp(dialect);
  const keys: Record<string, string> = {};
  /** What each view of a type holds (filled while seeding). */
  const views: Record<TypeName, Record<'public' | 'preview', Obj[]>> = {
    post: { public: [], preview: [] },
    page: { public: [], preview: [] },
    note: { public: [], preview: [] },
  };

  const call = (key: string, mode: Mode, method: 'GET' | 'POST', url: string, body?: unknown) =>
    t().call(method, url, { key, body, headers: mode === 'preview' ? PREVIEW : {} });

  beforeAll(async () => {
    const rw = t().rw;
    const ok = async (method: 'POST' | 'PATCH', url: string, body?: unknown, status = 200) => {
      const res = await t().call(method, url, { key: rw, body });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    };
    for (const type of DP_TYPES)
      await ok('POST', '/api/v1/internal/contenttype', ctd(type, { title: text(), tag: text() }, { draftPublic: true }));
    await ok('POST', '/api/v1/internal/contenttype', ctd(PLAIN, { title: text(), tag: text() }));
    const refs: ReturnType<typeof ref>[] = [];
    for (const type of DP_TYPES) {
      const v = views[type];
      const make = async (id: string, tag: string) => {
        const o = { id, title: `${id} common okapi`, tag };
        await ok('POST', `/api/v1/content/${type}`, o);
        refs.push(ref(type, id));
        return o;
      };
      const draft = await make(`${type}-draft`, 'secret');
      v.preview.push(draft);
      const pub = await make(`${type}-public`, 'open');
      await ok('POST', `/api/v1/content/${type}/${pub.id}/publish`, undefined, 204);
      v.public.push(pub);
      v.preview.push(pub);
      const mod = await make(`${type}-modified`, 'open');
      await ok('POST', `/api/v1/content/${type}/${mod.id}/publish`, undefined, 204);
      const edit = { id: mod.id, title: `${mod.id} common zebra`, tag: 'edited' };
      await ok('PATCH', `/api/v1/content/${type}/${mod.id}`, { title: edit.title, tag: edit.tag });
      v.public.push(mod);
      v.preview.push(edit);
      const arch = await make(`${type}-archived`, 'gone');
      await ok('POST', `/api/v1/content/${type}/${arch.id}/publish`, undefined, 204);
      await ok('POST', `/api/v1/content/${type}/${arch.id}/archive`, undefined, 204);
      v.preview.push(arch);
    }
    for (let i = 0; i < 3; i++) {
      const o = { id: `note-${i}`, title: `note-${i} common okapi`, tag: 'open' };
      await ok('POST', `/api/v1/content/${PLAIN}`, o);
      refs.push(ref(PLAIN, o.id));
      views.note.public.push(o);
      views.note.preview.push(o);
    }
    await ok('POST', '/api/v1/internal/contenttype', ctd('folder', { name: text(), items: relation('') }));
    await ok('POST', '/api/v1/content/folder', { id: 'f1', name: 'everything', items: refs });

    const ud = async (name: string, rules: KeyRule[]) => (await t().app.services.keys.createUserDefined(SYSTEM, name, rules)).key;
    keys['read-only'] = t().ro;
    keys['read-write'] = rw;
    for (const [name, k] of Object.entries(KEYS)) {
      if (name === 'read-only' || name === 'read-write') continue;
      const rules = [rule('folder'), ...k.reads.map((type) => rule(type, { canPreview: k.previews.includes(type) }))];
      keys[name] = await ud(name, rules);
    }
  });

  /** What every surface shows this key of this type in this mode: a set of objects, or a status / error. */
  async function reveal(key: string, type: TypeName, mode: Mode): Promise<Surfaces> {
    const rest = await call(key, mode, 'GET', `/api/v1/content/${type}?limit=1000`);
    const searchAll = await call(key, mode, 'GET', `/api/v1/search?q=*&limit=1000&content_type[]=${type}`);
    const searchText = await call(key, mode, 'GET', `/api/v1/search?q=common&limit=1000&content_type[]=${type}`);
    const gql = await call(key, mode, 'POST', '/api/v2/graphql', {
      query: `{ ${type}(first: 1000) { totalCount edges { node { id title tag } } } }`,
    });
    const folder = await call(key, mode, 'GET', '/api/v1/content/folder/f1?hydrate=1');
    type Hit = { item: Obj & { internal: { contentType: string } } };
    const hits = (res: typeof rest): Seen | number =>
      res.statusCode === 200
        ? byId((res.json().data as Hit[]).filter((h) => h.item.internal.contentType === type).map((h) => h.item))
        : res.statusCode;
    const g = gql.json() as { data?: Record<string, { edges: { node: Obj }[] } | null>; errors?: { message: string }[] };
    return {
      rest: rest.statusCode === 200 ? byId(rest.json().data as Obj[]) : rest.statusCode,
      searchAll: hits(searchAll),
      searchText: hits(searchText),
      graphql: g.errors
        ? g.errors.map((e) => e.message).join('; ')
        : gql.statusCode !== 200
          ? `HTTP ${gql.statusCode}`
          : byId(g.data![type]!.edges.map((e) => e.node)),
      hydration:
        folder.statusCode === 200
          ? byId(
              (folder.json().items as (Obj & { internal?: { contentType: string } })[]).filter(
                (i) => i.internal?.contentType === type,
              ),
            )
          : folder.statusCode,
    };
  }

  for (const [keyName, k] of Object.entries(KEYS)) {
    for (const type of TYPES) {
      for (const mode of ['public', 'preview'] as const) {
        it(`${keyName} × ${type} (${DP_TYPES.includes(type as never) ? 'Draft & Public' : 'plain'}) × ${mode} view`, async () => {
          const got = await reveal(keys[keyName], type, mode);
          if (mode === 'preview' && k.readOnly) {
            // the read-only key's preview request is refused on every surface
            expect(got).toEqual({
              rest: 403,
              searchAll: 403,
              searchText: 403,
              graphql: 'HTTP 403',
              hydration: 403,
            });
            return;
          }
          if (!k.reads.includes(type)) {
            // an unreadable type: refused by name (REST, search), absent from the schema (GraphQL), never inlined
            expect(got).toEqual({
              rest: 403,
              searchAll: 403,
              searchText: 403,
              graphql: `Cannot query field "${type}" on type "Query".`,
              hydration: {},
            });
            return;
          }
          const dp = type !== PLAIN;
          const previewed = mode === 'preview' && dp && k.previews.includes(type);
          const expected = byId(views[type][previewed ? 'preview' : 'public']);
          const expectedText = expected; // every title holds "common"
          if (mode === 'preview' && dp && !previewed) {
            // asked for a preview it may not have: REST and GraphQL refuse; search and hydration show the public view
            expect(got.rest).toBe(403);
            expect(got.graphql).toMatch(/may not preview drafts of/);
            expect({ searchAll: got.searchAll, searchText: got.searchText, hydration: got.hydration }).toEqual({
              searchAll: expected,
              searchText: expectedText,
              hydration: expected,
            });
            return;
          }
          expect(got).toEqual({
            rest: expected,
            searchAll: expected,
            searchText: expectedText,
            graphql: expected,
            hydration: expected,
          });
        });
      }
    }
  }

  it('a text query matches the values of the view: the edit in preview, the published words in the public view', async () => {
    const words = async (key: string, mode: Mode, q: string) => {
      const res = await call(key, mode, 'GET', `/api/v1/search?q=${q}&limit=1000&content_type[]=post&content_type[]=page`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().data as { item: { id: string } }[]).map((h) => h.item.id).sort();
    };
    expect(await words(t().ro, 'public', 'zebra')).toEqual([]);
    expect(await words(t().ro, 'public', 'okapi')).toEqual(['page-modified', 'page-public', 'post-modified', 'post-public']);
    expect(await words(t().rw, 'preview', 'zebra')).toEqual(['page-modified', 'post-modified']);
    expect(await words(t().rw, 'preview', 'okapi')).toEqual([
      'page-archived',
      'page-draft',
      'page-public',
      'post-archived',
      'post-draft',
      'post-public',
    ]);
    // the key previewing posts only: its page hits are the public ones
    expect(await words(keys['user: preview post only'], 'preview', 'zebra')).toEqual(['post-modified']);
    expect(await words(keys['user: preview post only'], 'preview', 'okapi')).toEqual([
      'page-modified',
      'page-public',
      'post-archived',
      'post-draft',
      'post-public',
    ]);
  });

  it('search total_count and terms aggregations, and GraphQL totalCount, are computed in the view asked for', async () => {
    const buckets = (objs: Obj[]) => {
      const n = new Map<string, number>();
      for (const o of objs) n.set(o.tag, (n.get(o.tag) ?? 0) + 1);
      return [...n].map(([key, doc_count]) => ({ key, doc_count })).sort((a, b) => a.key.localeCompare(b.key));
    };
    const cases: [string, Mode, Record<TypeName, 'public' | 'preview'>][] = [
      ['read-only', 'public', { post: 'public', page: 'public', note: 'public' }],
      ['user: read', 'public', { post: 'public', page: 'public', note: 'public' }],
      ['read-write', 'public', { post: 'public', page: 'public', note: 'public' }],
      ['read-write', 'preview', { post: 'preview', page: 'preview', note: 'preview' }],
      ['user: read+preview', 'preview', { post: 'preview', page: 'preview', note: 'preview' }],
      ['user: preview post only', 'preview', { post: 'preview', page: 'public', note: 'public' }],
    ];
    for (const [keyName, mode, seen] of cases) {
      for (const type of TYPES) {
        const objs = views[type][seen[type]];
        for (const q of ['*', 'common']) {
          const res = await call(
            keys[keyName],
            mode,
            'GET',
            `/api/v1/search?q=${q}&limit=1&content_type[]=${type}&aggregate_by[]=tag`,
          );
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          const label = `${keyName} ${mode} ${type} q=${q}`;
          expect(body.total_count, label).toBe(objs.length);
          const got = [...(body.summary.aggregations.tag.buckets as { key: string; doc_count: number }[])].sort((a, b) =>
            a.key.localeCompare(b.key),
          );
          expect(got, label).toEqual(buckets(objs));
        }
        // the read-only key never sees a draft's tag, in any count
        if (keyName === 'read-only') expect(buckets(objs).map((b) => b.key)).not.toContain('secret');
        if (mode === 'preview' && seen[type] === 'public' && type !== PLAIN) continue; // REST/GraphQL refuse it (above)
        const gql = await call(keys[keyName], mode, 'POST', '/api/v2/graphql', { query: `{ ${type}(first: 1) { totalCount } }` });
        expect(gql.json().errors, gql.body).toBeUndefined();
        expect(gql.json().data[type].totalCount, `${keyName} ${mode} ${type} GraphQL`).toBe(objs.length);
        const rest = await call(keys[keyName], mode, 'GET', `/api/v1/content/${type}?limit=1`);
        expect(rest.json().total_count, `${keyName} ${mode} ${type} REST`).toBe(objs.length);
      }
    }
  });

  it('the read-only key asking for a preview gets a 403 that names the key to use, on REST, search and GraphQL', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/content/post', undefined],
      ['GET', '/api/v1/content/post/post-public', undefined],
      ['GET', '/api/v1/search?q=*', undefined],
      ['POST', '/api/v2/graphql', { query: '{ post(first: 1) { totalCount } }' }],
    ] as const) {
      const res = await call(t().ro, 'preview', method, url, body);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().message, url).toMatch(/read-only API key reads only published content/);
    }
  });
});
