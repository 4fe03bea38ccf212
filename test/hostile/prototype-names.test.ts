import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, number, ref, relation, rule, simpleList, text } from '../support/fixtures.js';
import { panelCall, panelLogin, useTestApp } from '../support/test-app.js';
import { dataFingerprint } from './data-fingerprint.js';

/**
 * "Client-supplied names are data, never property lookups" (api-keys.md, decisions after the first hostile review).
 * Every Object.prototype member name goes into every parameter that names something — field, order, filter,
 * operator, aggregation, type, id, rule, action, GraphQL field and argument — on every surface. Each answer is
 * compared with the answer to the same request carrying a name that exists nowhere: a prototype name must be
 * just another unknown name (same status; for a 200, the same body). Nothing may be written along the way.
 */
const NAMES = Object.getOwnPropertyNames(Object.prototype);
/** The control: a name no type, field, operator or key has, spelled like the prototype names ([A-Za-z_]). */
const UNKNOWN = 'zzUnknown';

const q = encodeURIComponent;
const filters = (spec: unknown) => `filters=${q(JSON.stringify(spec))}`;

/** A request parameterised by the hostile name. `same`: compare with the UNKNOWN control; `safe`: only no 5xx + JSON. */
interface Probe {
  label: string;
  mode: 'same' | 'safe';
  send(name: string): Promise<LightMyRequestResponse>;
}

/** A 2xx/4xx answer whose body is JSON (or empty for 204); returns a description of what is wrong, or undefined. */
function problem(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode === 204 && res.body === '') return undefined;
  try {
    JSON.parse(res.body);
  } catch {
    return `status ${res.statusCode}, body is not JSON: ${res.body.slice(0, 200)}`;
  }
  if (!/json/.test(String(res.headers['content-type']))) return `content-type ${String(res.headers['content-type'])}`;
  return undefined;
}

/** Runs each probe with every prototype name and collects every cell that is not just "another unknown name". */
async function failures(probes: Probe[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of probes) {
    const control = await p.send(UNKNOWN);
    const controlProblem = problem(control);
    if (controlProblem) out.push(`${p.label} [control ${UNKNOWN}]: ${controlProblem}`);
    for (const name of NAMES) {
      const res = await p.send(name);
      const bad = problem(res);
      if (bad) {
        out.push(`${p.label} [${name}]: ${bad}`);
        continue;
      }
      if (p.mode !== 'same') continue;
      if (res.statusCode !== control.statusCode) {
        out.push(
          `${p.label} [${name}]: status ${res.statusCode} where ${UNKNOWN} gets ${control.statusCode}: ${res.body.slice(0, 200)}`,
        );
      } else if (res.statusCode === 200 && res.body.split(name).join(UNKNOWN) !== control.body) {
        out.push(
          `${p.label} [${name}]: 200 body differs from ${UNKNOWN}'s: ${res.body.slice(0, 200)} vs ${control.body.slice(0, 200)}`,
        );
      }
    }
  }
  return out;
}

describe.each(dialectsUnderTest())('Object.prototype names in every client-named parameter on %s', (dialect) => {
  const t = useTestApp(dialect);
  let user = '';
  let userKeyId = '';
  let panel: { cookie: string; csrf: string };
  let before = '';

  const get = (url: string, key?: string) => () => t().call('GET', url, { key: key ?? t().ro });
  const gql = (path: string, query: string, key?: string, variables?: unknown, operationName?: string) =>
    t().call('POST', path, {
      key: key ?? t().ro,
      body: { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) },
    });

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) => {
      const res = await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
    };
    await mk(ctd('tag', { name: text() }));
    await mk(ctd('item', { name: text(), price: number(), tags: relation('tag'), any: relation(''), labels: simpleList() }));
    for (const id of ['t1', 't2']) await t().call('POST', '/api/v1/content/tag', { key: rw, body: { id, name: `tag ${id}` } });
    for (const [id, name, price] of [
      ['a', 'Apple', 5],
      ['b', 'Banana', 100],
      ['c', 'Cherry', 125],
    ] as const) {
      const res = await t().call('POST', '/api/v1/content/item', {
        key: rw,
        body: { id, name, price, tags: [ref('tag', 't1')], labels: ['red'] },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const k = await t().app.services.keys.createUserDefined(SYSTEM, 'item editor', [
      rule('item', { canRead: true, canCreate: true, canUpdate: true, canDelete: true }),
      rule('tag', { canRead: true }),
    ]);
    user = k.key;
    userKeyId = k.id;
    panel = await panelLogin(t());
    before = await dataFingerprint(t().app);
  });

  const noDataChanged = async () => expect(await dataFingerprint(t().app)).toBe(before);

  it('REST lists: order_by, order_direction, filters (path, operator, value), ids[], fields, hydrate, parameter names', async () => {
    const list = '/api/v1/content/item?limit=100';
    const probes: Probe[] = [];
    for (const key of [() => t().ro, () => user]) {
      const add = (label: string, url: (n: string) => string) =>
        probes.push({ label, mode: 'same', send: (n) => get(url(n), key())() });
      add('order_by', (n) => `${list}&order_by=${q(n)}`);
      add('order_by internal.x', (n) => `${list}&order_by=internal.${q(n)}`);
      add('order_by nested', (n) => `${list}&order_by=name.${q(n)}`);
      add('order_direction', (n) => `${list}&order_direction=${q(n)}`);
      add('filters path empty', (n) => `${list}&${filters({ [n]: { type: 'empty' } })}`);
      add('filters path notEmpty', (n) => `${list}&${filters({ [n]: { type: 'notEmpty' } })}`);
      add('filters path equals', (n) => `${list}&${filters({ [n]: { type: 'equals', filter: 'x' } })}`);
      add('filters path contains', (n) => `${list}&${filters({ [n]: { type: 'contains', filter: 'x' } })}`);
      add('filters path inRange', (n) => `${list}&${filters({ [n]: { type: 'inRange', filter: 1, filter2: 9 } })}`);
      add('filters path includes', (n) => `${list}&${filters({ [n]: { type: 'includes', filter: ['x'] } })}`);
      add('filters nested path', (n) => `${list}&${filters({ [`name.${n}`]: { type: 'equals', filter: 'x' } })}`);
      add('filters internal path', (n) => `${list}&${filters({ [`internal.${n}`]: { type: 'equals', filter: 'x' } })}`);
      add('filters array path', (n) => `${list}&${filters({ [`tags[*].${n}`]: { type: 'equals', filter: 'x' } })}`);
      add('filters operator', (n) => `${list}&${filters({ name: { type: n, filter: 'x' } })}`);
      add('filters spec key', (n) => `${list}&${filters({ name: { type: 'equals', [n]: 'x' } })}`);
      add('filters value object', (n) => `${list}&${filters({ name: { type: 'equals', filter: { [n]: 1 } } })}`);
      add('filters value', (n) => `${list}&${filters({ name: { type: 'equals', filter: n } })}`);
      add('ids[]', (n) => `${list}&ids[]=${q(n)}`);
      add('ids', (n) => `${list}&ids=${q(n)},a`);
      add('fields', (n) => `${list}&fields=${q(n)}`);
      add('hydrate', (n) => `${list}&hydrate=${q(n)}`);
      add('parameter name', (n) => `${list}&${q(n)}=1`);
      add('filters[name] form', (n) => `${list}&filters[${q(n)}][type]=empty`);
      add('type path', (n) => `/api/v1/content/${q(n)}?order_by=${q(n)}`);
      add('removed', (n) => `/api/v1/content/${q(n)}/removed`);
    }
    expect(await failures(probes)).toEqual([]);
    await noDataChanged();
  });

  it('REST get, create, PUT, PATCH, batch and delete with prototype names as type, id and field names', async () => {
    const rw = () => t().rw;
    const send =
      (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: (n: string) => string, body?: (n: string) => unknown) => (n: string) =>
        t().call(method, url(n), { key: rw(), ...(body ? { body: body(n) } : {}) });
    const probes: Probe[] = [
      { label: 'get id', mode: 'same', send: (n) => get(`/api/v1/content/item/${q(n)}`)() },
      { label: 'get id hydrated', mode: 'same', send: (n) => get(`/api/v1/content/item/${q(n)}?hydrate=1`, user)() },
      { label: 'get in type', mode: 'same', send: (n) => get(`/api/v1/content/${q(n)}/a`)() },
      { label: 'versions', mode: 'same', send: (n) => get(`/api/v1/content/item/${q(n)}/version`)() },
      {
        label: 'create in type',
        mode: 'same',
        send: send(
          'POST',
          (n) => `/api/v1/content/${q(n)}`,
          () => ({ name: 'x' }),
        ),
      },
      // a JSON body may be refused as a whole for a `__proto__` or `constructor` key (400): that is a fine answer
      {
        label: 'create field',
        mode: 'safe',
        send: send(
          'POST',
          () => '/api/v1/content/item',
          (n) => ({ name: 'x', [n]: 'v' }),
        ),
      },
      {
        label: 'create field by user key',
        mode: 'safe',
        send: (n) => t().call('POST', '/api/v1/content/item', { key: user, body: { name: 'x', [n]: 'v' } }),
      },
      {
        label: 'create relation to type',
        mode: 'same',
        send: send(
          'POST',
          () => '/api/v1/content/item',
          (n) => ({ name: 'x', any: [ref(n, 'a')] }),
        ),
      },
      {
        label: 'create relation to id',
        mode: 'same',
        send: send(
          'POST',
          () => '/api/v1/content/item',
          (n) => ({ name: 'x', tags: [ref('tag', n)] }),
        ),
      },
      {
        label: 'create nested field',
        mode: 'safe',
        send: send(
          'POST',
          () => '/api/v1/content/item',
          (n) => ({ name: { [n]: 1 } }),
        ),
      },
      {
        label: 'put field',
        mode: 'safe',
        send: send(
          'PUT',
          () => '/api/v1/content/item/a',
          (n) => ({ name: 'Apple', price: 5, [n]: 1 }),
        ),
      },
      {
        label: 'put missing id',
        mode: 'same',
        send: send(
          'PUT',
          (n) => `/api/v1/content/item/${q(n)}`,
          () => ({ name: 5 }),
        ),
      },
      {
        label: 'patch field',
        mode: 'safe',
        send: send(
          'PATCH',
          () => '/api/v1/content/item/a',
          (n) => ({ [n]: 1 }),
        ),
      },
      {
        label: 'patch field by user key',
        mode: 'safe',
        send: (n) => t().call('PATCH', '/api/v1/content/item/a', { key: user, body: { [n]: 'v' } }),
      },
      {
        label: 'patch missing id',
        mode: 'same',
        send: send(
          'PATCH',
          (n) => `/api/v1/content/item/${q(n)}`,
          () => ({ name: 5 }),
        ),
      },
      {
        label: 'patch in type',
        mode: 'same',
        send: send(
          'PATCH',
          (n) => `/api/v1/content/${q(n)}/a`,
          () => ({ name: 'x' }),
        ),
      },
      {
        label: 'batch field',
        mode: 'safe',
        send: send(
          'POST',
          () => '/api/v1/content/item/batch',
          (n) => [{ id: 'zz1', [n]: 1 }],
        ),
      },
      {
        label: 'batch patch field',
        mode: 'safe',
        send: send(
          'PATCH',
          () => '/api/v1/content/item/batch',
          (n) => [{ id: 'a', [n]: 1 }],
        ),
      },
      {
        label: 'batch in type',
        mode: 'same',
        send: send(
          'POST',
          (n) => `/api/v1/content/${q(n)}/batch`,
          () => [{ name: 5 }],
        ),
      },
      {
        label: 'batch-delete ids',
        mode: 'same',
        send: send(
          'POST',
          () => '/api/v1/content/item/batch-delete',
          (n) => [n],
        ),
      },
      { label: 'delete id', mode: 'same', send: send('DELETE', (n) => `/api/v1/content/item/${q(n)}`) },
      { label: 'delete in type', mode: 'same', send: send('DELETE', (n) => `/api/v1/content/${q(n)}/a`) },
    ];
    expect(await failures(probes)).toEqual([]);
    await noDataChanged();
  });

  it('search: order_by, fields[], content_type[], aggregate_by[], aggregate_by_numeric[], filters, post_filters, query_mode', async () => {
    const s = '/api/v1/search?q=apple';
    const probes: Probe[] = [];
    for (const key of [() => t().ro, () => user]) {
      const add = (label: string, url: (n: string) => string) =>
        probes.push({ label, mode: 'same', send: (n) => get(url(n), key())() });
      add('order_by', (n) => `${s}&order_by=${q(n)}`);
      add('order_by keyword', (n) => `${s}&order_by=${q(n)}.keyword`);
      add('fields[]', (n) => `${s}&fields[]=${q(n)}`);
      add('fields[] boosted', (n) => `${s}&fields[]=${q(n)}^2`);
      add('content_type[]', (n) => `${s}&content_type[]=${q(n)}`);
      add('content_type', (n) => `${s}&content_type=item,${q(n)}`);
      add('aggregate_by[]', (n) => `${s}&aggregate_by[]=${q(n)}`);
      add('aggregate_by_numeric[]', (n) => `${s}&aggregate_by_numeric[]=${q(n)}`);
      // an empty scope answers without looking at fields: the aggregations still come back under the names asked
      add('aggregate_by[] empty scope', (n) => `${s}&content_type[]=${UNKNOWN}_none&aggregate_by[]=${q(n)}`);
      add('aggregate_by_numeric[] empty scope', (n) => `${s}&content_type[]=${UNKNOWN}_none&aggregate_by_numeric[]=${q(n)}`);
      add('filters[]', (n) => `${s}&filters[${q(n)}]=x`);
      add('filters[][]', (n) => `${s}&filters[${q(n)}][]=x`);
      add('post_filters[]', (n) => `${s}&post_filters[${q(n)}]=x`);
      add('query_mode', (n) => `${s}&query_mode=${q(n)}`);
      add('order_direction', (n) => `${s}&order_direction=${q(n)}`);
      add('q', (n) => `/api/v1/search?q=${q(n)}`);
      add('parameter name', (n) => `${s}&${q(n)}=1`);
    }
    expect(await failures(probes)).toEqual([]);
    await noDataChanged();
  });

  it('GraphQL (v2 and legacy): order_by, filter names and operators, lookup fields, type and field names, variables', async () => {
    const V2 = '/api/v2/graphql';
    const V1 = '/api/graphql';
    const probes: Probe[] = [];
    for (const key of [() => t().ro, () => user]) {
      const add = (label: string, path: string, query: (n: string) => string, mode: Probe['mode'] = 'same') =>
        probes.push({ label, mode, send: (n) => gql(path, query(n), key()) });
      add('v2 order_by', V2, (n) => `{ item(order_by: "${n}") { totalCount edges { node { id } } } }`);
      add('v2 order_direction', V2, (n) => `{ item(order_direction: "${n}") { totalCount } }`);
      add('v2 lookup field', V2, (n) => `{ item(field: "${n}", value: "x") { totalCount } }`);
      add('v2 filter name', V2, (n) => `{ item(filter: { ${n}: { type: "equals", filter: "x" } }) { totalCount } }`);
      add('v2 filter operator', V2, (n) => `{ item(filter: { name: { type: "${n}", filter: "x" } }) { totalCount } }`);
      add('v2 type as query field', V2, (n) => `{ ${n} { totalCount } }`);
      add('v2 field name', V2, (n) => `{ item { edges { node { ${n} } } } }`);
      add('v2 id', V2, (n) => `{ item(id: "${n}") { totalCount } }`);
      add('v1 order_by', V1, (n) => `{ itemList(order_by: "${n}") { id } }`);
      add(
        'v1 filter path',
        V1,
        (n) => `{ itemList(filter: ${JSON.stringify(JSON.stringify({ [n]: { type: 'empty' } }))}) { id } }`,
      );
      add(
        'v1 filter operator',
        V1,
        (n) => `{ itemList(filter: ${JSON.stringify(JSON.stringify({ name: { type: n } }))}) { id } }`,
      );
      add('v1 lookup field', V1, (n) => `{ item(field: "${n}", value: "x") { id } }`);
      add('v1 type as query field', V1, (n) => `{ ${n}List { id } }`);
      probes.push({
        label: 'v2 order_by variable',
        mode: 'same',
        send: (n) => gql(V2, 'query Q($o: String) { item(order_by: $o) { totalCount } }', key(), { o: n }),
      });
      probes.push({
        label: 'v2 filter variable',
        mode: 'safe',
        send: (n) =>
          gql(V2, 'query Q($f: itemFilterInput) { item(filter: $f) { totalCount } }', key(), {
            f: { [n]: { type: 'empty', filter: '' } },
          }),
      });
      probes.push({
        label: 'variable name',
        mode: 'safe',
        send: (n) => gql(V2, `query Q($${n}: Int) { item(first: $${n}) { totalCount } }`, key(), { [n]: 1 }),
      });
      probes.push({
        label: 'operation name',
        mode: 'same',
        send: (n) => gql(V2, `query ${n} { item { totalCount } }`, key(), undefined, n),
      });
    }
    expect(await failures(probes)).toEqual([]);
    await noDataChanged();
  });

  it('content type definitions: name in the path, field names in the schema, list order_by and names[]', async () => {
    const rw = () => t().rw;
    const base = '/api/v1/internal/contenttype';
    const withField = (n: string) => ctd('newtype', { name: text(), [n]: text() });
    const probes: Probe[] = [
      { label: 'get', mode: 'same', send: (n) => get(`${base}/${q(n)}`)() },
      { label: 'get by user key', mode: 'same', send: (n) => get(`${base}/${q(n)}?resolveRef=true`, user)() },
      { label: 'list order_by', mode: 'same', send: (n) => get(`${base}?order_by=${q(n)}`)() },
      { label: 'list names[]', mode: 'same', send: (n) => get(`${base}?names[]=${q(n)}`)() },
      { label: 'list name', mode: 'same', send: (n) => get(`${base}?name=${q(n)}`, user)() },
      {
        label: 'put',
        mode: 'same',
        send: (n) => t().call('PUT', `${base}/${q(n)}`, { key: rw(), body: ctd('tag', { name: text() }) }),
      },
      { label: 'delete', mode: 'same', send: (n) => t().call('DELETE', `${base}/${q(n)}`, { key: rw() }) },
      { label: 'purge', mode: 'same', send: (n) => t().call('POST', `${base}/${q(n)}/purge`, { key: rw(), body: {} }) },
    ];
    expect(await failures(probes)).toEqual([]);
    // Field names of Object.prototype members are refused (a CTD's fields become object keys everywhere): 400 each.
    for (const n of NAMES) {
      const create = await t().call('POST', base, { key: rw(), body: withField(n) });
      expect(create.statusCode, `${n}: ${create.body}`).toBe(400);
      const put = await t().call('PUT', `${base}/tag`, { key: rw(), body: ctd('tag', { name: text(), [n]: text() }) });
      expect(put.statusCode, `${n}: ${put.body}`).toBe(400);
      const nested = ctd('newtype', {
        name: text(),
        list: {
          type: 'array',
          inputType: 'object',
          extraSchema: { items: { type: 'object', properties: { [n]: { type: 'string' } } } },
          extraMeta: { items: { order: [n], propertiesConfig: { [n]: { label: 'X', inputType: 'text', unique: false } } } },
        },
      });
      const res = await t().call('POST', base, { key: rw(), body: nested });
      expect(problem(res), `${n}: ${res.body}`).toBeUndefined();
      expect(res.statusCode, `${n}: ${res.body}`).toBe(400);
    }
    await noDataChanged();
  });

  it('the Panel: rule ctdName, key ids, key events, content through the Panel mount', async () => {
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
      panelCall(t(), panel, method, url, body);
    const probes: Probe[] = [
      {
        label: 'create key rule',
        mode: 'same',
        send: (n) => call('POST', '/panel/api/keys', { name: 'x', rules: [{ ctdName: n, canRead: true }] }),
      },
      {
        label: 'update key rule',
        mode: 'same',
        send: (n) => call('PUT', `/panel/api/keys/${userKeyId}`, { rules: [{ ctdName: n, canRead: true }] }),
      },
      { label: 'update key id', mode: 'same', send: (n) => call('PUT', `/panel/api/keys/${q(n)}`, { name: 'x' }) },
      { label: 'regenerate key id', mode: 'same', send: (n) => call('POST', `/panel/api/keys/${q(n)}/regenerate`) },
      { label: 'delete key id', mode: 'same', send: (n) => call('DELETE', `/panel/api/keys/${q(n)}`) },
      {
        label: 'key event action',
        mode: 'same',
        send: (n) => call('POST', `/panel/api/keys/${userKeyId}/events`, { action: n }),
      },
      { label: 'key event id', mode: 'same', send: (n) => call('POST', `/panel/api/keys/${q(n)}/events`, { action: 'copied' }) },
      { label: 'panel list order_by', mode: 'same', send: (n) => call('GET', `/panel/api/v1/content/item?order_by=${q(n)}`) },
      {
        label: 'panel list filters',
        mode: 'same',
        send: (n) => call('GET', `/panel/api/v1/content/item?${filters({ [n]: { type: 'empty' } })}`),
      },
      { label: 'panel type path', mode: 'same', send: (n) => call('GET', `/panel/api/v1/content/${q(n)}`) },
      { label: 'panel ctd', mode: 'same', send: (n) => call('GET', `/panel/api/v1/internal/contenttype/${q(n)}`) },
    ];
    expect(await failures(probes)).toEqual([]);
    await noDataChanged();
  });
});

/**
 * The other half of the rule: a prototype name that is a legitimate name — a content type called `constructor`,
 * objects with the ids `__proto__` and `toString` — gets correct answers on every surface.
 */
describe.each(dialectsUnderTest())('a content type named constructor, objects with prototype ids, on %s', (dialect) => {
  const t = useTestApp(dialect);
  let reader = '';

  beforeAll(async () => {
    const rw = t().rw;
    const res = await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('constructor', { name: text() }) });
    expect(res.statusCode, res.body).toBe(200);
    await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('other', { name: text() }) });
    for (const id of ['__proto__', 'toString', 'plain']) {
      const r = await t().call('POST', '/api/v1/content/constructor', { key: rw, body: { id, name: `findme ${id}` } });
      expect(r.statusCode, r.body).toBe(200);
    }
    const session = await panelLogin(t());
    const created = await panelCall(t(), session, 'POST', '/panel/api/keys', {
      name: 'constructor reader',
      rules: [{ ctdName: 'constructor', canRead: true }],
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json().rules).toEqual([rule('constructor', { canRead: true, canPreview: false, canPublish: false })]);
    reader = created.json().key;
  });

  const ids = (body: { data: { id: string }[] }) => body.data.map((o) => o.id).sort();

  it('REST list, get, patch and delete', async () => {
    const list = await t().call('GET', '/api/v1/content/constructor?order_by=id', { key: reader });
    expect(list.statusCode, list.body).toBe(200);
    expect(ids(list.json())).toEqual(['__proto__', 'plain', 'toString']);
    const one = await t().call('GET', '/api/v1/content/constructor/__proto__', { key: reader });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ id: '__proto__', name: 'findme __proto__' });
    const byFilter = await t().call(
      'GET',
      `/api/v1/content/constructor?${filters({ id: { type: 'equals', filter: 'toString' } })}`,
      { key: reader },
    );
    expect(ids(byFilter.json())).toEqual(['toString']);
    expect((await t().call('GET', '/api/v1/content/other', { key: reader })).statusCode).toBe(403);
    const patched = await t().call('PATCH', '/api/v1/content/constructor/toString', { key: t().rw, body: { name: 'renamed' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: 'toString', name: 'renamed' });
    expect((await t().call('DELETE', '/api/v1/content/constructor/plain', { key: t().rw })).statusCode).toBe(200);
    const after = await t().call('GET', '/api/v1/content/constructor', { key: reader });
    expect(ids(after.json())).toEqual(['__proto__', 'toString']);
  });

  it('search, GraphQL and the CTD endpoints', async () => {
    const s = await t().call('GET', '/api/v1/search?q=findme&content_type[]=constructor', { key: reader });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().data.map((h: { item: { id: string } }) => h.item.id)).toContain('__proto__');
    const g = await t().call('POST', '/api/v2/graphql', {
      key: reader,
      body: { query: '{ constructor(order_by: "id") { totalCount edges { node { id name } } } }' },
    });
    expect(g.statusCode, g.body).toBe(200);
    expect(g.json().data.constructor.edges.map((e: { node: { id: string } }) => e.node.id)).toContain('__proto__');
    const ct = await t().call('GET', '/api/v1/internal/contenttype/constructor', { key: reader });
    expect(ct.statusCode, ct.body).toBe(200);
    expect(ct.json().name).toBe('constructor');
    const listed = await t().call('GET', '/api/v1/internal/contenttype', { key: reader });
    expect(listed.json().data.map((c: { name: string }) => c.name)).toEqual(['constructor']);
  });
});
