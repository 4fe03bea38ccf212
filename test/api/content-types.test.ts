import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { checkbox, ctd, number, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const CT = '/api/v1/internal/contenttype';

describe.each(dialectsUnderTest())('content type definitions on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('has the internal types from the first start', async () => {
    const res = await t().call('GET', `${CT}?internal=1&limit=100`, { key: t().ro });
    expect(res.statusCode).toBe(200);
    const names = res.json().data.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['_media', '_tag', '_webhooks', '_plugin_settings']));
    expect(res.json().data.every((c: { internal: boolean }) => c.internal === true)).toBe(true);
  });

  it('creates a CTD and returns it with id and timestamps', async () => {
    const res = await t().call('POST', CT, {
      key: t().rw,
      body: ctd('blogpost', { title: text({ required: true, isTitlePart: true }), views: number() }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.name).toBe('blogpost');
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0000$/);
    expect(body.internal).toBe(false);
    const got = await t().call('GET', `${CT}/blogpost`, { key: t().ro });
    expect(got.statusCode).toBe(200);
    expect(got.json().schemaDefinition.allOf[1].properties.title.type).toBe('string');
  });

  it('refuses a duplicate name and a bad name with the Flotiq error map', async () => {
    const dup = await t().call('POST', CT, { key: t().rw, body: ctd('blogpost', { title: text() }) });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().name).toContain('This value is already used');
    const bad = await t().call('POST', CT, { key: t().rw, body: ctd('Bad1', { title: text() }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().name).toBeDefined();
    const empty = await t().call('POST', CT, {
      key: t().rw,
      body: { name: 'x', label: '', schemaDefinition: {}, metaDefinition: {} },
    });
    expect(empty.statusCode).toBe(400);
    expect(Object.keys(empty.json()).length).toBeGreaterThan(0);
  });

  it('refuses a write that is not JSON with 415', async () => {
    const res = await t().call('POST', CT, {
      key: t().rw,
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ code: 415, message: 'Unsupported Media Type' });
  });

  it('lists with name, names, label, internal, order and paging', async () => {
    await t().call('POST', CT, { key: t().rw, body: ctd('author', { name: text() }, { label: 'Zed Authors' }) });
    await t().call('POST', CT, { key: t().rw, body: ctd('category', { name: text() }, { label: 'Categories' }) });
    const users = (await t().call('GET', `${CT}?internal=0&limit=50`, { key: t().ro })).json();
    expect(users.data.map((c: { name: string }) => c.name)).toEqual(['author', 'blogpost', 'category']);
    const byLabel = (await t().call('GET', `${CT}?internal=0&order_by=label&order_direction=desc`, { key: t().ro })).json();
    expect(byLabel.data[0].name).toBe('author');
    expect((await t().call('GET', `${CT}?name=CAT`, { key: t().ro })).json().data.map((c: { name: string }) => c.name)).toEqual([
      'category',
    ]);
    expect((await t().call('GET', `${CT}?names[]=author&names[]=blogpost`, { key: t().ro })).json().total_count).toBe(2);
    expect((await t().call('GET', `${CT}?names=author,category`, { key: t().ro })).json().total_count).toBe(2);
    expect((await t().call('GET', `${CT}?label=zed`, { key: t().ro })).json().data[0].name).toBe('author');
    const page2 = (await t().call('GET', `${CT}?internal=0&limit=2&page=2`, { key: t().ro })).json();
    expect(page2).toMatchObject({ total_count: 3, total_pages: 2, current_page: 2, count: 1 });
    const past = (await t().call('GET', `${CT}?internal=0&limit=2&page=9`, { key: t().ro })).json();
    expect(past.data).toEqual([]);
  });

  it('resolves refs and strict schema', async () => {
    const res = (await t().call('GET', `${CT}/blogpost?resolveRef=1`, { key: t().ro })).json();
    expect(res.schemaDefinition.allOf).toBeUndefined();
    expect(Object.keys(res.schemaDefinition.properties)).toEqual(expect.arrayContaining(['id', 'internal', 'title', 'views']));
    expect(res.schemaDefinition.required).toEqual(['title']);
    const strict = (await t().call('GET', `${CT}/blogpost?resolveRef=true&strictSchema=true`, { key: t().ro })).json();
    expect(Object.keys(strict)).toEqual(['schema']);
    expect(Object.keys(strict.schema.properties)).toEqual(['title', 'views']);
  });

  it('is 404 for an unknown type', async () => {
    const res = await t().call('GET', `${CT}/nope`, { key: t().ro });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 404, message: 'Not found' });
  });

  it('migrates objects on PUT: removed property stripped, number to string converted', async () => {
    await t().call('POST', CT, {
      key: t().rw,
      body: ctd('product', { name: text({ required: true }), price: number(), color: text() }),
    });
    const made = await t().call('POST', '/api/v1/content/product', {
      key: t().rw,
      body: { id: 'p1', name: 'Tea', price: 12, color: 'red' },
    });
    expect(made.statusCode).toBe(200);
    const put = await t().call('PUT', `${CT}/product`, {
      key: t().rw,
      body: ctd('product', { name: text({ required: true }), price: text() }),
    });
    expect(put.statusCode).toBe(200);
    const obj = (await t().call('GET', '/api/v1/content/product/p1', { key: t().ro })).json();
    expect(obj.price).toBe('12');
    expect(obj).not.toHaveProperty('color');
  });

  it('refuses an impossible change with 400 and changes nothing', async () => {
    const before = (await t().call('GET', `${CT}/product`, { key: t().ro })).json();
    const put = await t().call('PUT', `${CT}/product`, {
      key: t().rw,
      body: ctd('product', { name: text({ required: true }), price: text(), sku: text({ required: true }) }),
    });
    expect(put.statusCode).toBe(400);
    expect(put.json().ctd).toBeDefined();
    const after = (await t().call('GET', `${CT}/product`, { key: t().ro })).json();
    expect(after).toEqual(before);
    const obj = (await t().call('GET', '/api/v1/content/product/p1', { key: t().ro })).json();
    expect(obj.price).toBe('12');
  });

  it('refuses deleting a type with objects, deletes an empty one, purges', async () => {
    const del = await t().call('DELETE', `${CT}/product`, { key: t().rw });
    expect(del.statusCode).toBe(400);
    expect(del.json().errors).toContain("Content Type has objects, you can't remove it!");
    await t().call('POST', CT, { key: t().rw, body: ctd('empty', { flag: checkbox() }) });
    expect((await t().call('DELETE', `${CT}/empty`, { key: t().rw })).statusCode).toBe(200);
    expect((await t().call('GET', `${CT}/empty`, { key: t().ro })).statusCode).toBe(404);
    const purge = await t().call('POST', `${CT}/product/purge`, { key: t().rw, body: { deleteSchema: false } });
    expect(purge.statusCode).toBe(204);
    expect((await t().call('GET', '/api/v1/content/product', { key: t().ro })).json().total_count).toBe(0);
    expect((await t().call('POST', `${CT}/product/purge`, { key: t().rw, body: { deleteSchema: true } })).statusCode).toBe(204);
    expect((await t().call('GET', `${CT}/product`, { key: t().ro })).statusCode).toBe(404);
  });

  it('refuses every CTD write with the read-only key', async () => {
    for (const [method, url] of [
      ['POST', CT],
      ['PUT', `${CT}/blogpost`],
      ['DELETE', `${CT}/blogpost`],
      ['POST', `${CT}/blogpost/purge`],
    ] as const) {
      const res = await t().call(method, url, { key: t().ro, body: ctd('blogpost', { title: text() }) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
    }
  });
});

describe.each(dialectsUnderTest())('property names that collide with JavaScript built-ins on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('refuses them with a 400 at the property, never a 500', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const res = await t().call('POST', CT, { key: t().rw, body: ctd('weird', { [name]: text() }) });
      expect(res.statusCode, name).toBe(400);
      expect(JSON.stringify(res.json())).toContain(`Property name ${name} not allowed`);
    }
  });
});
