import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, type FieldSpec, rule, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const geo = (): FieldSpec => ({
  type: 'object',
  inputType: 'geo',
  extraSchema: { properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
});

type Body = { total_count: number; data: { item: { id: string } }[] };

/**
 * The search parameters that name fields, points and types (`field:term`, geo_filters, order_by=_geo_distance,
 * indices_boost, random_seed) must not become oracles: a key that cannot read type `secret`, naming secret's
 * fields with secret's true values, gets exactly the answer it gets for values that exist nowhere. And the public
 * view never shows a draft through them.
 */
describe.each(dialectsUnderTest())('search parameters as oracles on %s', (dialect) => {
  const t = useTestApp(dialect);
  let openReader: string;

  const call = (query: string, key: string, headers: Record<string, string> = {}) =>
    t().call('GET', `/api/v1/search?${query}`, { key, headers });
  const ids = async (query: string, key: string, headers: Record<string, string> = {}) => {
    const res = await call(query, key, headers);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as Body).data.map((h) => h.item.id).sort();
  };
  /** The key learns the same from the true probe as from the false one: status and body byte for byte. */
  const sameAnswer = async (truth: string, nothing: string, key: string) => {
    const [a, b] = [await call(truth, key), await call(nothing, key)];
    expect([a.statusCode, a.body], truth).toEqual([b.statusCode, b.body]);
    return a;
  };

  beforeAll(async () => {
    const rw = t().rw;
    const types = [
      ctd('open', { title: text(), note: text(), spot: geo() }),
      ctd('secret', { title: text(), code: text(), hideout: geo() }),
      ctd('diary', { title: text(), spot: geo() }, { draftPublic: true }),
    ];
    for (const body of types) {
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    }
    const objects: [string, Record<string, unknown>][] = [
      ['open', { id: 'o1', title: 'harbour lights', note: 'meet at the pier', spot: { lat: 54.35, lon: 18.65 } }],
      ['open', { id: 'o2', title: 'harbour cranes', note: 'cranes', spot: { lat: 54.4, lon: 18.6 } }],
      ['secret', { id: 's1', title: 'harbour vault', code: 'zebra', hideout: { lat: 10.5, lon: 20.5 } }],
      ['diary', { id: 'd1', title: 'harbour diary draft', spot: { lat: 54.35, lon: 18.65 } }],
      ['diary', { id: 'd2', title: 'harbour log', spot: { lat: -33.9, lon: 18.4 } }],
    ];
    for (const [type, body] of objects) {
      const res = await t().call('POST', `/api/v1/content/${type}`, { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await t().call('POST', '/api/v1/content/diary/d2/publish', { key: rw })).statusCode).toBe(204);
    openReader = (await t().app.services.keys.createUserDefined(SYSTEM, 'open reader', [rule('open', { canRead: true })])).key;
  });

  it('field:term on an unreadable type’s field finds nothing, as for a value that exists nowhere', async () => {
    // the probes work for a key that may read secret: they would reveal s1
    expect(await ids('q=code:zebra', t().rw)).toEqual(['s1']);
    expect(await ids('q=title:vault', t().rw)).toEqual(['s1']);
    for (const [truth, nothing] of [
      ['q=code:zebra', 'q=code:qxqxq'],
      ['q=%2Bcode:zebra', 'q=%2Bcode:qxqxq'],
      ['q=title:vault', 'q=title:qxqxq'],
      ['q=harbour%20-title:vault', 'q=harbour%20-title:qxqxq'],
      ['q=harbour%20-code:zebra', 'q=harbour%20-code:qxqxq'],
      ['q=code:zeb*', 'q=code:qxq*'],
      ['q=code:zebr&query_mode=fuzzy', 'q=code:qxqxq&query_mode=fuzzy'],
      ['q=title:vault&aggregate_by[]=title', 'q=title:qxqxq&aggregate_by[]=title'],
    ]) {
      const res = await sameAnswer(truth, nothing, openReader);
      expect(res.statusCode).toBe(200);
      expect(
        (res.json() as Body).data.every((h) => h.item.id.startsWith('o')),
        truth,
      ).toBe(true);
    }
    // a field both types have: only the readable type's objects are ever searched
    expect(await ids('q=title:harbour', openReader)).toEqual(['o1', 'o2']);
  });

  it('geo_filters and _geo_distance on an unreadable type’s field answer as for a field that exists nowhere', async () => {
    const at = (field: string, point: string) => `q=*&geo_filters[${field}]=geo_distance,1km,${point}`;
    expect(await ids(at('hideout', '10.5,20.5'), t().rw)).toEqual(['s1']);
    const res = await sameAnswer(at('hideout', '10.5,20.5'), at('hideout', '-10.5,-20.5'), openReader);
    expect(res.statusCode).toBe(400);
    const unknown = await call(at('nosuchfield', '10.5,20.5'), openReader);
    expect(res.body).toBe(unknown.body.replace('nosuchfield', 'hideout'));
    await sameAnswer(
      `${at('hideout', '10.5,20.5')}&order_by=_geo_distance`,
      `${at('hideout', '0,0')}&order_by=_geo_distance`,
      openReader,
    );
    // a point field of a readable type covering the whole earth still finds only readable objects
    expect(await ids('q=*&geo_filters[spot]=geo_distance,20040km,0,0', openReader)).toEqual(['o1', 'o2']);
  });

  it('indices_boost naming an unreadable type changes nothing, and random_seed shuffles only what the key may read', async () => {
    const plain = await call('q=harbour', openReader);
    for (const boost of ['indices_boost[secret]=1000', 'indices_boost[secret]=0.001', 'indices_boost[nosuchtype]=1000']) {
      const res = await call(`q=harbour&${boost}`, openReader);
      expect([res.statusCode, res.body], boost).toEqual([200, plain.body]);
    }
    for (const seed of ['1', '2', '3']) {
      const res = await call(`q=harbour&random_seed=${seed}`, openReader);
      expect((res.json() as Body).total_count).toBe(2);
      expect((res.json() as Body).data.map((h) => h.item.id).sort()).toEqual(['o1', 'o2']);
    }
    expect(await ids('q=harbour&random_seed=1', t().rw)).toContain('s1');
  });

  it('shows no draft in the public view through geo_filters, field:term or random_seed', async () => {
    const nearPier = 'geo_filters[spot]=geo_distance,1km,54.35,18.65';
    expect(await ids(`q=*&${nearPier}`, t().rw, { 'x-mode': 'preview' })).toEqual(['d1', 'o1']);
    expect(await ids(`q=*&${nearPier}`, t().ro)).toEqual(['o1']);
    expect(await ids(`q=*&${nearPier}`, t().rw)).toEqual(['o1']);
    expect(await ids('q=title:draft', t().rw, { 'x-mode': 'preview' })).toEqual(['d1']);
    await sameAnswer('q=title:draft', 'q=title:qxqxq', t().ro);
    expect(await ids('q=*&random_seed=5&content_type[]=diary', t().ro)).toEqual(['d2']);
    expect(await ids('q=harbour&random_seed=5&indices_boost[diary]=50', t().ro)).toEqual(['d2', 'o1', 'o2', 's1']);
  });
});
