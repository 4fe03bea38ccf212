import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, type FieldSpec, text } from '../support/fixtures.js';
import { useTestApp, type TestApp } from '../support/test-app.js';

type Hit = { score: number; item: Record<string, unknown> & { id: string; internal: { contentType: string } } };
type Body = { total_count: number; count: number; summary: { aggregations: unknown }; data: Hit[] };

const textarea = (): FieldSpec => ({ type: 'string', inputType: 'textarea' });
const select = (options: string[]): FieldSpec => ({ type: 'string', inputType: 'select', extraMeta: { options } });
const geo = (): FieldSpec => ({
  type: 'object',
  inputType: 'geo',
  extraSchema: { properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
});

/** Kraków's Main Market Square, the centre of every geo filter below. */
const CENTRE = '50.0617,19.9373';
/** Places and their distance from CENTRE in metres (haversine, R = 6 371 008.7714 m). */
const PLACES: [string, string, string, string, [number, number] | undefined][] = [
  ['square', 'Main Market Square', 'The spring fair fills the market', 'market', [50.0617, 19.9373]], // 0
  ['wawel', 'Wawel Castle', 'Royal castle on the hill', 'museum', [50.054, 19.9354]], // 867
  ['kazimierz', 'Kazimierz', 'Old district with a market', 'market', [50.051, 19.944]], // 1 282
  ['podgorze', 'Podgorze park', 'A quiet park', 'park', [50.044, 19.956]], // 2 378
  ['huta', 'Nowa Huta', 'Planned district', 'park', [50.072, 20.038]], // 7 278
  ['warsaw', 'Warsaw Old Town', 'Another market square', 'market', [52.2297, 21.0122]], // 252 455
  ['ny', 'Central Park', 'Park in New York', 'park', [40.7128, -74.006]], // 6 914 407
  ['taveuni', 'Taveuni', 'An island on the date line', 'park', [-16.85, 179.99]], // 16 000 km
  ['nowhere', 'Nowhere', 'A place without a location', 'park', undefined],
];

const INVALID_GEO = {
  geo_filters: [
    "Invalid geo filter query provided. Example value is: 'geo_distance,1.50km,40.1,-19.2'. Accepted filter types are: 'geo_distance'.",
  ],
};

async function load(t: TestApp, objects: [string, Record<string, unknown>][]) {
  for (const [type, body] of objects) {
    const res = await t.call('POST', `/api/v1/content/${type}`, { key: t.rw, body });
    expect(res.statusCode, res.body).toBe(200);
  }
}

async function defineTypes(t: TestApp) {
  const types = [
    ctd('place', {
      name: text({ isTitlePart: true }),
      description: textarea(),
      kind: select(['market', 'museum', 'park']),
      location: geo(),
    }),
    ctd('event', { title: text(), body: textarea(), venue: geo() }),
    ctd('post', { title: text(), body: textarea() }),
    ctd('card', { name: text() }),
    ctd('gig', { title: text(), venue: geo() }),
  ];
  for (const body of types) {
    const res = await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body });
    expect(res.statusCode, res.body).toBe(200);
  }
}

const CARDS = Array.from({ length: 30 }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}`, name: `card number ${i}` }));

describe.each(dialectsUnderTest())('search parameters on %s', (dialect) => {
  const t = useTestApp(dialect);

  const get = (query: string) => t().call('GET', `/api/v1/search?${query}`, { key: t().ro });
  const search = async (query: string) => {
    const res = await get(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Body;
  };
  const ids = async (query: string) => (await search(query)).data.map((h) => h.item.id);
  const sorted = async (query: string) => (await ids(query)).sort();
  const near = (distance: string, field = 'location') => `geo_filters[${field}]=geo_distance,${distance},${CENTRE}`;

  beforeAll(async () => {
    await defineTypes(t());
    await load(t(), [
      ...PLACES.map(([id, name, description, kind, at]): [string, Record<string, unknown>] => [
        'place',
        { id, name, description, kind, ...(at ? { location: { lat: at[0], lon: at[1] } } : {}) },
      ]),
      ['event', { id: 'e1', title: 'Spring concert', body: 'Doors open at 10:30', venue: { lat: 50.0619, lon: 19.937 } }],
      ['event', { id: 'e2', title: 'Autumn gala', body: 'A spring of fresh ideas', venue: { lat: 52.2297, lon: 21.0122 } }],
      ['gig', { id: 'g1', title: 'Jazz night', venue: { lat: 50.051, lon: 19.944 } }],
      ['gig', { id: 'g2', title: 'Jazz night', venue: { lat: 50.072, lon: 20.038 } }],
      ['post', { id: 'p1', title: 'Spring cleaning', body: 'Dust everything' }],
      ['post', { id: 'p2', title: 'Autumn leaves', body: 'Wait for spring flowers' }],
      ['post', { id: 'p3', title: 'Winter', body: 'Cold nights' }],
      ...CARDS.map((c): [string, Record<string, unknown>] => ['card', c]),
    ]);
  });

  describe('geo_filters', () => {
    it('keeps the objects whose geo field lies within the distance, in any of Elasticsearch’s units', async () => {
      expect(await sorted(`q=*&${near('1km')}`)).toEqual(['square', 'wawel']);
      expect(await sorted(`q=*&${near('0.5km')}`)).toEqual(['square']);
      const within1500 = ['kazimierz', 'square', 'wawel'];
      for (const d of ['1.50km', '1500m', '1500', '1mi', '5000ft', '0.81nmi', '150000cm']) {
        expect(await sorted(`q=*&${near(d)}`), d).toEqual(within1500);
      }
      expect(await sorted(`q=*&${near('2500m')}`)).toEqual(['kazimierz', 'podgorze', 'square', 'wawel']);
      expect((await search(`q=*&${near('300km')}`)).total_count).toBe(6);
      // spaces around the parts are allowed; a place without a location is never near anything
      expect(await sorted(`q=*&geo_filters[location]=geo_distance,%201.5km%20,%2050.0617%20,19.9373`)).toEqual(within1500);
      expect(await sorted(`q=*&${near('20000km')}`)).not.toContain('nowhere');
      // across the antimeridian: 179.99° and -179.99° are 2.1 km apart at this latitude
      expect(await sorted('q=*&geo_filters[location]=geo_distance,3km,-16.85,-179.99')).toEqual(['taveuni']);
      expect(await sorted('q=*&geo_filters[location]=geo_distance,1km,-16.85,-179.99')).toEqual([]);
    });

    it('combines with text, filters, other types’ geo fields, paging and aggregations', async () => {
      expect(await sorted(`q=market&${near('2km')}`)).toEqual(['kazimierz', 'square']);
      expect(await sorted(`q=market`)).toEqual(['kazimierz', 'square', 'warsaw']);
      expect(await sorted(`q=*&${near('2km')}&filters[kind]=market`)).toEqual(['kazimierz', 'square']);
      expect(await sorted(`q=*&${near('1km', 'venue')}`)).toEqual(['e1']);
      // several geo filters must all hold: no type has both fields
      expect((await search(`q=*&${near('1km')}&${near('1km', 'venue')}`)).total_count).toBe(0);
      const page = await search(`q=*&${near('2500m')}&limit=3&page=2&order_by=internal.createdAt`);
      expect(page).toMatchObject({ total_count: 4, count: 1 });
      const agg = await search(`q=*&${near('1.5km')}&aggregate_by[]=kind`);
      expect(agg.summary.aggregations).toEqual({
        kind: {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: 0,
          buckets: [
            { key: 'market', doc_count: 2 },
            { key: 'museum', doc_count: 1 },
          ],
        },
      });
    });

    it('orders by _geo_distance, in either direction', async () => {
      const nearest = ['square', 'wawel', 'kazimierz', 'podgorze', 'huta', 'warsaw'];
      expect(await ids(`q=*&${near('300km')}&order_by=_geo_distance`)).toEqual(nearest);
      expect(await ids(`q=*&${near('300km')}&order_by=_geo_distance&order_direction=desc`)).toEqual([...nearest].reverse());
      // the index path (filters) and the ranked path (text: the score comes first, equal scores by distance)
      expect(await ids(`q=*&${near('8000km')}&filters[kind]=park&order_by=_geo_distance`)).toEqual(['podgorze', 'huta', 'ny']);
      expect(await ids(`q=jazz&${near('8000km', 'venue')}&order_by=_geo_distance`)).toEqual(['g1', 'g2']);
      expect(await ids(`q=jazz&${near('8000km', 'venue')}&order_by=_geo_distance&order_direction=desc`)).toEqual(['g2', 'g1']);
      expect(await ids(`q=jazz`)).toEqual(['g2', 'g1']); // equal scores, newest first
    });

    it('answers malformed filters with Flotiq’s 400, and unknown or non-geo fields with a 400', async () => {
      for (const value of [
        'geo_box,1km,50,19',
        'geo_distance,1km,50',
        'geo_distance,1km,50,19,4',
        'geo_distance,far,50,19',
        'geo_distance,1parsec,50,19',
        'geo_distance,-1km,50,19',
        'geo_distance,1km,91,19',
        'geo_distance,1km,50,181',
        'geo_distance,1km,north,19',
        '',
      ]) {
        const res = await get(`q=*&geo_filters[location]=${encodeURIComponent(value)}`);
        expect(res.statusCode, value).toBe(400);
        expect(res.json(), value).toEqual(INVALID_GEO);
      }
      const noField = await get(`q=*&geo_filters=geo_distance,1km,${CENTRE}`);
      expect([noField.statusCode, noField.json()]).toEqual([400, INVALID_GEO]);
      for (const field of ['nosuch', 'name']) {
        const res = await get(`q=*&${near('1km', field)}`);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ geo_filters: [`${field} is not a geo field of the content types searched`] });
      }
      // a geo field of a type not searched is no field either
      expect((await get(`q=*&${near('1km')}&content_type[]=post`)).statusCode).toBe(400);
      const order = await get('q=*&order_by=_geo_distance');
      expect(order.statusCode).toBe(400);
      expect(order.json()).toEqual({ order_by: ['_geo_distance can only be used with geo_filters'] });
    });
  });

  describe('random_seed', () => {
    const cards = 'content_type[]=card&limit=30';

    it('orders every match by the seed: the same seed gives the same order, another seed another', async () => {
      const a = await ids(`q=*&${cards}&random_seed=7`);
      expect(a).toHaveLength(30);
      expect([...a].sort()).toEqual(CARDS.map((c) => c.id));
      expect(await ids(`q=*&${cards}&random_seed=7`)).toEqual(a);
      const b = await ids(`q=*&${cards}&random_seed=8`);
      expect([...b].sort()).toEqual([...a].sort());
      expect(b).not.toEqual(a);
      expect(a).not.toEqual(await ids(`q=*&${cards}`));
      expect(a).not.toEqual(await ids(`q=*&${cards}&order_by=id`));
      expect(await ids(`q=*&${cards}&random_seed=abc`)).not.toEqual(a);
    });

    it('keeps the order across pages, overrides order_by and relevance, and scores in that order', async () => {
      const a = await ids(`q=*&${cards}&random_seed=7`);
      const pages: string[] = [];
      for (let page = 1; page <= 3; page++)
        pages.push(...(await ids(`q=*&content_type[]=card&limit=10&page=${page}&random_seed=7`)));
      expect(pages).toEqual(a);
      expect(await ids(`q=*&${cards}&random_seed=7&order_by=name&order_direction=desc`)).toEqual(a);
      // every card matches, "card number 1" best of all: relevance no longer orders
      const text = await search(`q=card%20number%201&${cards}&random_seed=7`);
      expect(text.data.map((h) => h.item.id)).toEqual(a);
      const scores = text.data.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
      expect(scores.every((s) => s >= 0 && s < 1)).toBe(true);
      // filters narrow the shuffled set without changing the relative order
      const few = await ids(`q=*&${cards}&random_seed=7&filters[name]=card%20number%203&filters[name]=card%20number%2017`);
      expect(few).toEqual(a.filter((id) => id === 'c03' || id === 'c17'));
    });
  });

  describe('indices_boost', () => {
    it('multiplies the scores of a type’s hits, which reorders hits by score', async () => {
      const plain = await search('q=spring');
      expect(plain.data.map((h) => h.item.id).sort()).toEqual(['e1', 'e2', 'p1', 'p2', 'square']);
      const boosted = await search('q=spring&indices_boost[event]=10');
      expect(boosted.total_count).toBe(5);
      expect(
        boosted.data
          .slice(0, 2)
          .map((h) => h.item.id)
          .sort(),
      ).toEqual(['e1', 'e2']);
      const score = (b: Body, id: string) => b.data.find((h) => h.item.id === id)!.score;
      for (const id of ['e1', 'e2']) expect(score(boosted, id)).toBeCloseTo(score(plain, id) * 10, 6);
      for (const id of ['p1', 'p2', 'square']) expect(score(boosted, id)).toBeCloseTo(score(plain, id), 9);
      const shrunk = await search('q=spring&indices_boost[event]=0.001&indices_boost[post]=0.01');
      expect(shrunk.data.map((h) => h.item.id)[0]).toBe('square');
      expect(
        shrunk.data
          .slice(-2)
          .map((h) => h.item.id)
          .sort(),
      ).toEqual(['e1', 'e2']);
    });

    it('puts boosted types first when every hit scores alike (q=*), and ignores types not searched', async () => {
      const body = await search('q=*&content_type[]=post&content_type[]=event&indices_boost[event]=2&order_by=id');
      expect(body.data.map((h) => [h.item.id, h.score])).toEqual([
        ['e1', 2],
        ['e2', 2],
        ['p1', 1],
        ['p2', 1],
        ['p3', 1],
      ]);
      expect(await search('q=spring&indices_boost[nosuchtype]=50')).toEqual(await search('q=spring'));
      expect(await search('q=spring&content_type[]=post&indices_boost[event]=50')).toEqual(
        await search('q=spring&content_type[]=post'),
      );
    });

    it('refuses malformed boosts with a 400', async () => {
      for (const bad of [
        'indices_boost[event]=abc',
        'indices_boost[event]=0',
        'indices_boost[event]=1001',
        'indices_boost=2',
        'indices_boost[Ev-ent]=2',
      ]) {
        const res = await get(`q=spring&${bad}`);
        expect(res.statusCode, bad).toBe(400);
        expect(Object.keys(res.json()), bad).toEqual(['indices_boost']);
      }
    });

    it('weights a seeded random order too', async () => {
      const order = await ids('q=*&content_type[]=card&content_type[]=event&limit=50&random_seed=7&indices_boost[event]=1000');
      expect(order.slice(0, 2).sort()).toEqual(['e1', 'e2']);
      expect(order).toHaveLength(32);
    });
  });

  describe('field:term in q', () => {
    it('restricts a term to the named text field', async () => {
      expect(await sorted('q=spring')).toEqual(['e1', 'e2', 'p1', 'p2', 'square']);
      expect(await sorted('q=title:spring')).toEqual(['e1', 'p1']);
      expect(await sorted('q=body:spring')).toEqual(['e2', 'p2']);
      expect(await sorted('q=description:spring')).toEqual(['square']);
      expect(await sorted('q=title.keyword:spring')).toEqual(['e1', 'p1']);
      expect(await sorted('q=title:%22spring%20cleaning%22')).toEqual(['p1']);
      expect(await sorted('q=title:spr*')).toEqual(['e1', 'p1']);
      // select, radio and list values are text too
      expect(await sorted('q=kind:market')).toEqual(['kazimierz', 'square', 'warsaw']);
      expect(await sorted('q=title:sprng&query_mode=fuzzy')).toEqual(['e1', 'p1']);
    });

    it('combines qualified and plain terms with +, - and fields[]', async () => {
      expect(await sorted('q=spring%20-title:spring')).toEqual(['e2', 'p2', 'square']);
      expect(await sorted('q=%2Btitle:spring%20%2Bbody:dust')).toEqual(['p1']);
      expect(await sorted('q=%2Btitle:spring%20%2Bbody:spring')).toEqual([]);
      expect(await sorted('q=title:winter%20body:spring')).toEqual(['e2', 'p2', 'p3']);
      // plain terms search fields[], a qualified term its own field
      expect(await sorted('q=title:winter%20spring&fields[]=body')).toEqual(['e2', 'p2', 'p3']);
      expect(await sorted('q=spring&fields[]=body')).toEqual(['e2', 'p2']);
      // a required term in a field a type lacks rules that type out; an optional one just does not match there
      expect(await sorted('q=%2Bdescription:market%20%2Bfair')).toEqual(['square']);
      expect(await sorted('q=description:market%20title:autumn')).toEqual(['e2', 'kazimierz', 'p2', 'square', 'warsaw']);
      expect((await search('q=title:spring&aggregate_by[]=title')).summary.aggregations).toMatchObject({
        title: {
          buckets: [
            { key: 'Spring cleaning', doc_count: 1 },
            { key: 'Spring concert', doc_count: 1 },
          ],
        },
      });
    });

    it('reads a name that is no text field of the types searched as text', async () => {
      expect(await sorted('q=nosuch:spring')).toEqual([]);
      expect(await sorted('q=location:spring')).toEqual([]);
      expect(await sorted('q=10:30')).toEqual(['e1']);
      // title is no field of place: a qualifier names the field only for the types searched
      expect(await sorted('q=title:market&content_type[]=place')).toEqual([]);
      expect(await sorted('q=name:market&content_type[]=place')).toEqual(['square']);
    });
  });
});

describe.runIf(dialectsUnderTest().length > 1)('random_seed on both databases', () => {
  const apps = dialectsUnderTest().map((d) => useTestApp(d));

  it('gives one seed the same order on SQLite and PostgreSQL, whatever order the objects were written in', async () => {
    const [first, second] = apps.map((a) => a());
    for (const [t, cards] of [
      [first, CARDS],
      [second, [...CARDS].reverse()],
    ] as const) {
      await defineTypes(t);
      await load(
        t,
        cards.map((c): [string, Record<string, unknown>] => ['card', c]),
      );
    }
    const order = async (t: TestApp, seed: string) =>
      ((await t.call('GET', `/api/v1/search?q=*&limit=30&random_seed=${seed}`, { key: t.ro })).json() as Body).data.map(
        (h) => h.item.id,
      );
    for (const seed of ['1', '2', 'flotilla']) expect(await order(second, seed)).toEqual(await order(first, seed));
  });
});
