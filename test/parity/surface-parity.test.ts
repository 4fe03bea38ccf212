import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, text } from '../support/fixtures.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

/**
 * For a matrix of keys × types, REST list, search (q=*), GraphQL and hydration from a readable parent reveal exactly
 * the same set of objects — and that set is all objects of the type when the key may read it, none otherwise.
 */
const TYPES = ['note', 'memo'] as const;
const read = (ctdName: string, extra: Partial<KeyRule> = {}): KeyRule => ({
  ctdName,
  canRead: true,
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  ...extra,
});

type Sets = Record<'rest' | 'search' | 'graphql' | 'hydration', string[]>;

async function reveal(t: TestApp, key: string, type: string, visible: boolean): Promise<Sets> {
  const rest = await t.call('GET', `/api/v1/content/${type}?limit=1000`, { key });
  const search = await t.call('GET', '/api/v1/search?q=*&limit=1000', { key });
  const gql = await t.call('POST', '/api/v2/graphql', {
    key,
    body: { query: `{ ${type}(first: 1000) { edges { node { id } } } }` },
  });
  const folder = await t.call('GET', '/api/v1/content/folder/f1?hydrate=1', { key });
  expect(search.statusCode).toBe(200);
  expect(folder.statusCode).toBe(200);
  const sort = (ids: string[]) => [...ids].sort();
  const gqlBody = gql.json() as {
    data?: Record<string, { edges: { node: { id: string } }[] } | null>;
    errors?: { message: string }[];
  };
  // an unreadable type is absent from the key's schema: the answer must be that error, never some other failure
  if (visible) {
    expect(gql.statusCode, gql.body).toBe(200);
    expect(gqlBody.errors, gql.body).toBeUndefined();
  } else {
    expect(
      gqlBody.errors?.map((e) => e.message),
      gql.body,
    ).toEqual([`Cannot query field "${type}" on type "Query".`]);
  }
  return {
    rest:
      rest.statusCode === 200 ? sort(rest.json().data.map((o: { id: string }) => o.id)) : (expect(rest.statusCode).toBe(403), []),
    search: sort(
      (search.json().data as { item: { id: string; internal: { contentType: string } } }[])
        .filter((h) => h.item.internal.contentType === type)
        .map((h) => h.item.id),
    ),
    graphql: sort(gqlBody.data?.[type]?.edges.map((e) => e.node.id) ?? []),
    hydration: sort(
      (folder.json().items as { id?: string; internal?: { contentType: string } }[])
        .filter((i) => i.internal?.contentType === type)
        .map((i) => i.id!),
    ),
  };
}

describe.each(dialectsUnderTest())('REST, search, GraphQL and hydration agree for every key on %s', (dialect) => {
  const t = useTestApp(dialect);
  const keys: Record<string, string> = {};
  const all: Record<string, string[]> = { note: [], memo: [] };

  beforeAll(async () => {
    const rw = t().rw;
    for (const type of TYPES) {
      expect(
        (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd(type, { title: text() }) })).statusCode,
      ).toBe(200);
      for (let i = 0; i < 4; i++) {
        const id = `${type}-${i}`;
        expect(
          (await t().call('POST', `/api/v1/content/${type}`, { key: rw, body: { id, title: `${type} number ${i}` } })).statusCode,
        ).toBe(200);
        all[type].push(id);
      }
    }
    expect(
      (
        await t().call('POST', '/api/v1/internal/contenttype', {
          key: rw,
          body: ctd('folder', { name: text(), items: relation('') }),
        })
      ).statusCode,
    ).toBe(200);
    const items = TYPES.flatMap((type) => all[type].map((id) => ref(type, id)));
    expect(
      (await t().call('POST', '/api/v1/content/folder', { key: rw, body: { id: 'f1', name: 'everything', items } })).statusCode,
    ).toBe(200);
    const ud = async (name: string, rules: KeyRule[]) => (await t().app.services.keys.createUserDefined(SYSTEM, name, rules)).key;
    Object.assign(keys, {
      'read-only': t().ro,
      'read-write': rw,
      'folder+note': await ud('folder+note', [read('folder'), read('note')]),
      'folder+memo': await ud('folder+memo', [read('folder'), read('memo')]),
      'folder only': await ud('folder only', [read('folder')]),
      'folder + note without read': await ud('folder + note write', [
        read('folder'),
        { ctdName: 'note', canRead: false, canCreate: true, canUpdate: true, canDelete: true },
      ]),
    });
  });

  const readable: Record<string, string[]> = {
    'read-only': ['note', 'memo'],
    'read-write': ['note', 'memo'],
    'folder+note': ['note'],
    'folder+memo': ['memo'],
    'folder only': [],
    'folder + note without read': [],
  };

  for (const keyName of Object.keys(readable)) {
    for (const type of TYPES) {
      it(`${keyName} × ${type}`, async () => {
        const visible = readable[keyName].includes(type);
        const sets = await reveal(t(), keys[keyName], type, visible);
        const expected = visible ? [...all[type]].sort() : [];
        expect(sets).toEqual({ rest: expected, search: expected, graphql: expected, hydration: expected });
      });
    }
  }
});
