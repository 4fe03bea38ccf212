import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoutePermission } from '../../src/access/route-permissions.js';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { ctd, relation, text } from '../support/fixtures.js';
import { allowedBySpec, type SpecCaller } from '../support/permission-spec.js';
import { ADMIN, useTestApp } from '../support/test-app.js';

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

const TYPES = ['alpha', 'beta', 'gamma'];
const MIXED: Partial<KeyRule>[] = [
  { ctdName: 'alpha', canRead: true, canCreate: true, canPublish: true },
  { ctdName: 'beta', canUpdate: true, canDelete: true },
];

/** Every operation `caller` may use, from the specification and the route table: `METHOD /path` with the type written in. */
function expectedOperations(routes: { method: string; url: string; permission: string | undefined }[], caller: SpecCaller) {
  const out = new Set<string>();
  for (const r of routes) {
    if (!r.url.startsWith('/api/')) continue;
    const permission = r.permission as RoutePermission;
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    if (path.includes('{type}')) {
      for (const type of TYPES) {
        // publishing exists only on Draft & Public types: alpha here
        if (permission === 'objects-publish' && type !== 'alpha') continue;
        if (allowedBySpec(permission, caller, type)) out.add(`${r.method} ${path.replace('{type}', type)}`);
      }
    } else if (path.includes('{name}')) {
      if (TYPES.some((type) => allowedBySpec(permission, caller, type))) out.add(`${r.method} ${path}`);
    } else if (allowedBySpec(permission, caller)) out.add(`${r.method} ${path}`);
  }
  return out;
}

const operations = (doc: Doc) =>
  new Set(Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`)));

describe('the OpenAPI document of each key', () => {
  const t = useTestApp('sqlite');
  const keys: Record<string, { key: string; caller: SpecCaller }> = {};

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) =>
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    await mk(ctd('gamma', { code: text() }));
    await mk(ctd('beta', { name: text({ required: true }) }));
    await mk({ ...ctd('alpha', { title: text({ required: true }), beta: relation('beta') }), draftPublic: true });
    const ud = async (name: string, rules: Partial<KeyRule>[]) =>
      (await t().app.services.keys.createUserDefined(SYSTEM, name, rules as KeyRule[])).key;
    keys.ro = { key: t().ro, caller: { kind: 'ro' } };
    keys.rw = { key: rw, caller: { kind: 'rw' } };
    keys.mixed = { key: await ud('mixed', MIXED), caller: { kind: 'ud', rules: MIXED } };
    keys.readAlpha = {
      key: await ud('read alpha', [{ ctdName: 'alpha', canRead: true }]),
      caller: { kind: 'ud', rules: [{ ctdName: 'alpha', canRead: true }] },
    };
  });

  const get = async (key: string, qs = 'user_only=1') => {
    const res = await t().call('GET', `/api/v1/open-api-schema.json?${qs}`, { key });
    expect(res.statusCode).toBe(200);
    return res.json() as Doc;
  };

  for (const name of ['ro', 'rw', 'mixed', 'readAlpha']) {
    it(`${name}: valid OpenAPI 3.0 and 3.1, listing exactly the operations the specification allows`, async () => {
      const { key, caller } = keys[name];
      for (const version of ['3', '3.1']) {
        const doc = await get(key, `user_only=1&version=${version}`);
        expect(doc.openapi).toBe(version === '3.1' ? '3.1.0' : '3.0.3');
        const result = await new Validator().validate(doc as never);
        expect(result.errors ?? [], `${name} ${version}`).toEqual([]);
        expect(result.valid).toBe(true);
        expect([...operations(doc)].sort()).toEqual([...expectedOperations(t().app.server.routeTable, caller)].sort());
      }
    });
  }

  it('a key sees no type it cannot use: not in paths, not in schemas, not in the {name} choices', async () => {
    const doc = await get(keys.readAlpha.key);
    const text = JSON.stringify(doc);
    expect(text).not.toContain('/content/beta');
    expect(text).not.toContain('/content/gamma');
    expect(Object.keys(doc.components.schemas)).not.toContain('gamma');
    expect(Object.keys(doc.components.schemas)).toContain('alpha');
    const ctdGet = doc.paths['/api/v1/internal/contenttype/{name}'].get as { parameters: { name: string; schema: unknown }[] };
    expect(ctdGet.parameters.find((p) => p.name === 'name')?.schema).toEqual({ type: 'string', enum: ['alpha'] });
    // without user_only the application keys also see the internal types; a user-defined key still only its own
    expect(Object.keys((await get(keys.ro.key, '')).paths)).toContain('/api/v1/content/_media');
    expect(Object.keys((await get(keys.readAlpha.key, '')).paths).some((p) => p.includes('_media'))).toBe(false);
  });

  it("each type's object schema comes from its CTD; hydrate=1 types relations as the related objects too", async () => {
    const doc = await get(keys.rw.key);
    const alpha = doc.components.schemas.alpha as {
      allOf: [unknown, { properties: Record<string, unknown> }];
      required: string[];
    };
    expect(alpha.required).toEqual(['title']);
    expect(Object.keys(alpha.allOf[1].properties).sort()).toEqual(['beta', 'title']);
    const list = doc.paths['/api/v1/content/alpha'].get as {
      responses: { 200: { content: { 'application/json': { schema: { properties: { data: { items: unknown } } } } } } };
    };
    expect(list.responses[200].content['application/json'].schema.properties.data.items).toEqual({
      $ref: '#/components/schemas/alpha',
    });
    const plain = JSON.stringify(alpha.allOf[1].properties.beta);
    expect(plain).not.toContain('#/components/schemas/beta');
    const hydrated = (await get(keys.rw.key, 'user_only=1&hydrate=1')).components.schemas.alpha as typeof alpha;
    expect(JSON.stringify(hydrated.allOf[1].properties.beta)).toContain('#/components/schemas/beta');
  });

  it("the Panel reads any key's document by id, with a session; keys cannot", async () => {
    const id = (await t().app.services.keys.list(SYSTEM)).find((k) => k.name === 'mixed')!.id;
    const byKey = await t().call('GET', `/panel/api/keys/${id}/open-api-schema.json`, { key: keys.rw.key });
    expect(byKey.statusCode).toBe(403);
    const login = await t().call('POST', '/panel/api/session', { body: ADMIN });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const viaPanel = await t().call('GET', `/panel/api/keys/${id}/open-api-schema.json?user_only=1`, { headers: { cookie } });
    expect(viaPanel.statusCode).toBe(200);
    // the same document the key itself gets
    expect(viaPanel.json()).toEqual(await get(keys.mixed.key));
    const missing = await t().call('GET', '/panel/api/keys/nope/open-api-schema.json', { headers: { cookie } });
    expect(missing.statusCode).toBe(404);
  });

  it("types generated from a key's document by openapi-typescript type-check a client of its operations, and refuse others", async () => {
    const doc = await get(keys.mixed.key);
    const dts = astToString(await openapiTS(doc as never));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-openapi-'));
    writeFileSync(path.join(dir, 'api.d.ts'), dts);
    const good = `import type { paths, components } from './api';
type List = paths['/api/v1/content/alpha']['get']['responses'][200]['content']['application/json'];
export const firstTitle = (l: List): string | undefined => l.data[0]?.title;
type NewAlpha = paths['/api/v1/content/alpha']['post']['requestBody'];
export const body: NonNullable<NewAlpha>['content']['application/json'] = { title: 'Hello' };
type Patch = paths['/api/v1/content/beta/{id}']['patch'];
export const patch: NonNullable<Patch['requestBody']>['content']['application/json'] = { name: 'renamed' };
export type Beta = components['schemas']['beta'];
`;
    writeFileSync(path.join(dir, 'good.ts'), good);
    // beta cannot be read with this key: its list is not in the document, so a client of it does not compile
    writeFileSync(
      path.join(dir, 'bad.ts'),
      `import type { paths } from './api';\nexport type L = paths['/api/v1/content/beta']['get'];\n`,
    );
    const tsc = (file: string) => {
      try {
        execFileSync(
          process.execPath,
          [
            path.resolve('node_modules/typescript/bin/tsc'),
            '--noEmit',
            '--strict',
            '--skipLibCheck',
            '--module',
            'nodenext',
            '--moduleResolution',
            'nodenext',
            path.join(dir, file),
          ],
          { stdio: 'pipe' },
        );
        return '';
      } catch (e) {
        return String((e as { stdout?: Buffer }).stdout ?? e);
      }
    };
    expect(tsc('good.ts')).toBe('');
    expect(tsc('bad.ts')).toMatch(/\/api\/v1\/content\/beta/);
  }, 120_000); // two runs of tsc
});
