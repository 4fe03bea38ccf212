import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const rule = (ctdName: string): KeyRule => ({ ctdName, canRead: true, canCreate: false, canUpdate: false, canDelete: false });

describe.each(dialectsUnderTest())('hydration on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) =>
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    await mk(ctd('badge', { label: text() }));
    await mk(ctd('person', { name: text(), badge: relation('badge') }));
    await mk(
      ctd('article', {
        title: text(),
        authors: relation('person'),
        blocks: {
          type: 'array',
          inputType: 'object',
          extraSchema: {
            items: {
              type: 'object',
              properties: {
                caption: { type: 'string' },
                who: { type: 'array', items: { $ref: '#/components/schemas/DataSource' } },
              },
            },
          },
          extraMeta: {
            items: {
              order: ['caption', 'who'],
              propertiesConfig: {
                caption: { label: 'Caption', inputType: 'text', unique: false },
                who: { label: 'Who', inputType: 'datasource', unique: false, validation: { relationContenttype: 'person' } },
              },
            },
          },
        },
      }),
    );
    const post = async (type: string, body: unknown) =>
      expect((await t().call('POST', `/api/v1/content/${type}`, { key: rw, body })).statusCode).toBe(200);
    await post('badge', { id: 'b1', label: 'Gold' });
    await post('person', { id: 'p1', name: 'Ada', badge: [ref('badge', 'b1')] });
    await post('person', { id: 'p2', name: 'Grace', badge: [] });
    await post('person', { id: 'p3', name: 'Gone' });
    await post('article', {
      id: 'a1',
      title: 'One',
      authors: [ref('person', 'p2'), ref('person', 'p1')],
      blocks: [{ caption: 'c', who: [ref('person', 'p1')] }],
    });
    for (let i = 0; i < 30; i++)
      await post('article', {
        id: `bulk${String(i).padStart(2, '0')}`,
        title: `Bulk ${i}`,
        authors: [ref('person', i % 2 ? 'p1' : 'p2')],
      });
    // a dangling relation (as after a purge or a multi-pass import): stays as stored
    await t().call('DELETE', '/api/v1/content/person/p3', { key: rw });
  });

  it('hydrate=1 replaces relations in place, keeps their order, and goes into list items', async () => {
    const a = (await t().call('GET', '/api/v1/content/article/a1?hydrate=1', { key: t().ro })).json();
    expect(a.authors.map((p: { id: string }) => p.id)).toEqual(['p2', 'p1']);
    expect(a.authors[1]).toMatchObject({ name: 'Ada', internal: { contentType: 'person' } });
    expect(a.authors[1].badge).toEqual([ref('badge', 'b1')]);
    expect(a.blocks[0].who[0].name).toBe('Ada');
  });

  it('hydrate=2 also expands the relations of hydrated objects', async () => {
    const a = (await t().call('GET', '/api/v1/content/article/a1?hydrate=2', { key: t().ro })).json();
    expect(a.authors[1].badge[0]).toMatchObject({ id: 'b1', label: 'Gold' });
    const list = (await t().call('GET', '/api/v1/content/article?hydrate=2&ids[]=a1', { key: t().ro })).json();
    expect(list.data[0].authors[1].badge[0].label).toBe('Gold');
  });

  it('leaves a missing target exactly as stored', async () => {
    await t().call('PATCH', '/api/v1/content/article/bulk00', { key: t().rw, body: { authors: [ref('person', 'p2')] } });
    const res = await t().call('PUT', '/api/v1/content/article/bulk01', {
      key: t().rw,
      body: { title: 'x', authors: [ref('person', 'p3')] },
    });
    expect(res.statusCode).toBe(400);
    // stored before its target was deleted: make one by deleting a target that nobody references any more
    await t().call('POST', '/api/v1/content/person', { key: t().rw, body: { id: 'p4', name: 'Temp' } });
    await t().call('POST', '/api/v1/content/article', {
      key: t().rw,
      body: { id: 'dangling', title: 'D', authors: [ref('person', 'p4')] },
    });
    await t().call('POST', '/api/v1/internal/contenttype/person/purge', { key: t().rw, body: {} });
    const d = (await t().call('GET', '/api/v1/content/article/dangling?hydrate=1', { key: t().ro })).json();
    expect(d.authors).toEqual([ref('person', 'p4')]);
    // restore the people for the next tests
    await t().call('POST', '/api/v1/content/person/batch', {
      key: t().rw,
      body: [
        { id: 'p1', name: 'Ada', badge: [ref('badge', 'b1')] },
        { id: 'p2', name: 'Grace', badge: [] },
      ],
    });
  });

  it('never inlines what the key cannot read, at any depth', async () => {
    const articleOnly = (await t().app.services.keys.createUserDefined(SYSTEM, 'articles', [rule('article')])).key;
    const a = (await t().call('GET', '/api/v1/content/article/a1?hydrate=2', { key: articleOnly })).json();
    expect(a.authors).toEqual([ref('person', 'p2'), ref('person', 'p1')]);
    const noBadges = (await t().app.services.keys.createUserDefined(SYSTEM, 'no badges', [rule('article'), rule('person')])).key;
    const b = (await t().call('GET', '/api/v1/content/article/a1?hydrate=2', { key: noBadges })).json();
    expect(b.authors[1].name).toBe('Ada');
    expect(b.authors[1].badge).toEqual([ref('badge', 'b1')]);
  });

  it('loads each level in one query per type, whatever the page size', async () => {
    const h = t().app.services.hydrator;
    const count = async (limit: number) => {
      const before = h.queries;
      const res = await t().call('GET', `/api/v1/content/article?hydrate=2&limit=${limit}&order_by=id`, { key: t().ro });
      expect(res.json().count).toBe(limit);
      return h.queries - before;
    };
    // level 1: one query for the people; level 2: one for their badges — for 2 articles as for 30
    expect(await count(2)).toBe(2);
    expect(await count(30)).toBe(2);
  });

  it('runs two hydrating reads at a time; the others wait their turn and get the same answers', async () => {
    const single = await t().call('GET', '/api/v1/content/article?hydrate=2&limit=30&order_by=id', { key: t().ro });
    const h = t().app.services.hydrator;
    const before = h.turns.waited;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t().call('GET', '/api/v1/content/article?hydrate=2&limit=30&order_by=id', { key: t().ro })),
    );
    for (const res of answers) expect(res.body).toBe(single.body);
    // six at once: two ran, the others waited (counted as they queued, not sampled)
    expect(h.turns.waited - before).toBeGreaterThan(0);
    expect(h.turns.mostAtOnce).toBe(2);
    expect(h.turns).toMatchObject({ active: 0, waiting: 0 });
  });
});
