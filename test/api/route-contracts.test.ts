import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/http/server.js';
import { NoQuery, routeSchema } from '../../src/http/contract.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';

describe('declared route contracts', () => {
  const t = useTestApp('sqlite');

  it('every registered route declares its query, response, and its params and body where it has them', () => {
    const table = t().app.server.routeTable;
    expect(table.length).toBeGreaterThan(40);
    for (const r of table) {
      const s = r.schema as Record<string, unknown> | undefined;
      const where = `${r.method} ${r.url}`;
      expect(s?.querystring, where).toBeDefined();
      expect(s?.response, where).toBeDefined();
      expect(Object.keys(s!.response as object), where).toContain('4xx');
      if (/[:*]/.test(r.url)) expect(s?.params, where).toBeDefined();
      if (['POST', 'PUT', 'PATCH'].includes(r.method)) expect(s?.body ?? s?.consumes, where).toBeDefined();
    }
  });

  it('a route without a declared contract cannot be registered', async () => {
    const check = async (register: (app: ReturnType<typeof createServer>) => void) => {
      const app = createServer({ logLevel: 'silent', bodyLimit: 1024 });
      try {
        register(app); // the check runs as the route is added
        await app.ready();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      } finally {
        await app.close();
      }
    };
    const cfg = { permission: 'public' } as const;
    const full = routeSchema({ summary: 's', tags: [], querystring: NoQuery, response: { 200: Type.Null() } });
    expect(await check((app) => app.get('/ok', { config: cfg, schema: full }, async () => null))).toBeUndefined();
    expect(await check((app) => app.get('/none', { config: cfg }, async () => null))).toMatch(
      /declares no response, querystring/,
    );
    expect(await check((app) => app.get('/p/:id', { config: cfg, schema: full }, async () => null))).toMatch(/no params/);
    expect(await check((app) => app.post('/b', { config: cfg, schema: full }, async () => null))).toMatch(/no body/);
  });

  it('query parameters are validated by the declared schema, with Flotiq-style field errors', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('note', { title: text() }) });
    const bad = async (qs: string) => (await t().call('GET', `${C}/note?${qs}`, { key: t().ro })).json();
    expect(await bad('limit=0')).toEqual({ limit: ['This value should be 1 or more.'] });
    expect(await bad('limit=1001')).toEqual({ limit: ['This value should be 1000 or less.'] });
    expect(await bad('page=abc')).toEqual({ page: ['This value should be of type integer.'] });
    expect(await bad('hydrate=3')).toEqual({ hydrate: ['This value should be 2 or less.'] });
    expect(await bad('order_direction=sideways')).toEqual({ order_direction: ['The value you selected is not a valid choice.'] });
    expect(await bad('empty_first=maybe')).toEqual({ empty_first: ['The value you selected is not a valid choice.'] });
    // coerced and defaulted: a valid query reaches the handler as numbers
    const ok = await t().call('GET', `${C}/note?limit=5&page=2&order_direction=DESC`, { key: t().ro });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ current_page: 2, count: 0 });
  });

  it('a JSON body of the wrong kind is a 400 that changes nothing, and bodies are never coerced', async () => {
    const arr = await t().call('POST', `${C}/note`, { key: t().rw, body: [{ id: 'x', title: 'x' }] });
    expect(arr.statusCode).toBe(400);
    expect(arr.json()).toEqual({ code: 400, message: 'Invalid body: must be object' });
    const batch = await t().call('POST', `${C}/note/batch`, { key: t().rw, body: { id: 'x' } });
    expect(batch.statusCode).toBe(400);
    const del = await t().call('POST', `${C}/note/batch-delete`, { key: t().rw, body: [1, 2] });
    expect(del.json()).toEqual({ '0': ['This value should be of type string.'] });
    expect((await t().call('GET', `${C}/note`, { key: t().ro })).json().total_count).toBe(0);
  });

  it('validation runs after authentication: without a key the answer is 401 whatever the query says', async () => {
    const r = await t().call('GET', `${C}/note?limit=0`);
    expect(r.statusCode).toBe(401);
  });
});
