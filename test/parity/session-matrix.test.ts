import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import type { RoutePermission } from '../../src/access/route-permissions.js';
import { dialectsUnderTest } from '../support/databases.js';
import { member, PASSWORD } from '../support/members.js';
import { fresh, makeMatrixTypes, SAMPLES, TYPES, type Sample, type TypeName } from '../support/permission-samples.js';
import { Receiver } from '../support/receiver.js';
import {
  mountedAllowedBySpec,
  ROLE_TABLE,
  sessionAllowedBySpec,
  type SessionRequirement,
  type SpecRole,
} from '../support/role-spec.js';
import { panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

/**
 * The permission matrix for Panel sessions (issue 16): every route a session reaches × {administrator, developer,
 * editor, author, a custom role, a disabled user} × two content types answers what the role table says
 * (test/support/role-spec.ts, written from the issue and decision 0021, not from src/auth/roles.ts). The Panel's
 * mounts of API routes share the key matrix's samples and are judged by their API twin's declared permission;
 * every other session route needs a sample and a requirement here, or this suite fails.
 */
const CALLERS = ['administrator', 'developer', 'editor', 'author', 'custom', 'disabled'] as const;
type Caller = (typeof CALLERS)[number];

/** The custom role: writes (no delete) on alpha, publishes alpha's Draft & Public twin, uploads media; keys and webhooks. */
const CUSTOM: SpecRole = {
  rules: [
    { ctdName: 'alpha', canRead: true, canCreate: true, canUpdate: true, canDelete: false, canPreview: true },
    {
      ctdName: 'alpha_dp',
      canRead: true,
      canCreate: true,
      canUpdate: true,
      canDelete: false,
      canPreview: true,
      canPublish: true,
    },
    { ctdName: '_media', canRead: true, canCreate: true, canUpdate: false, canDelete: false },
  ],
  capabilities: ['keys', 'webhooks'],
};

type S = { cookie: string; csrf: string };

interface Who {
  s: S;
  id: string;
  email: string;
  /** Another session of the same user (the disabled user's old one: it can sign in no more). */
  another(): Promise<S>;
}

interface Ctx {
  t: TestApp;
  /** The signed-in bootstrap administrator, who makes the fixtures. */
  admin: S;
  caller: Who;
  receiverUrl: string;
}

interface SessionSample extends Sample {
  /** The session to send it with, when not the caller's own. */
  session?: S;
}

const spec = (caller: Exclude<Caller, 'disabled'>): SpecRole => (caller === 'custom' ? CUSTOM : ROLE_TABLE[caller]);

/** The Panel-only session routes: what each requires of the role, and one real request. */
const SESSION_SAMPLES: Record<
  string,
  { requires: SessionRequirement; sample: (c: Ctx, type: TypeName) => Promise<SessionSample> }
> = {
  'GET /panel/api/session': {
    requires: 'signed-in',
    sample: async () => ({ method: 'GET', url: '/panel/api/session', ok: 200 }),
  },
  'DELETE /panel/api/session': {
    requires: 'signed-in',
    sample: async (c) => ({ method: 'DELETE', url: '/panel/api/session', ok: 204, session: await c.caller.another() }),
  },
  'GET /panel/api/sessions': {
    requires: 'signed-in',
    sample: async () => ({ method: 'GET', url: '/panel/api/sessions', ok: 200 }),
  },
  'DELETE /panel/api/sessions/:id': {
    requires: 'signed-in',
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/sessions/${await sessionIdOf(c)}`, ok: 204 }),
  },
  'POST /panel/api/session/password': {
    requires: 'signed-in',
    sample: async () => ({
      method: 'POST',
      url: '/panel/api/session/password',
      body: { password: PASSWORD, newPassword: PASSWORD },
      ok: 204,
    }),
  },
  'GET /panel/api/roles': { requires: 'signed-in', sample: async () => ({ method: 'GET', url: '/panel/api/roles', ok: 200 }) },
  'GET /panel/api/audit': { requires: 'audit', sample: async () => ({ method: 'GET', url: '/panel/api/audit', ok: 200 }) },
  // users, invitations and roles: the users capability (on a plain author, a role within anyone's reach)
  'GET /panel/api/users': {
    requires: { capability: 'users' },
    sample: async () => ({ method: 'GET', url: '/panel/api/users', ok: 200 }),
  },
  'PUT /panel/api/users/:id': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'PUT', url: `/panel/api/users/${await author(c)}`, body: { roleId: 'editor' }, ok: 200 }),
  },
  'DELETE /panel/api/users/:id': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/users/${await author(c)}`, ok: 204 }),
  },
  'GET /panel/api/users/:id/sessions': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'GET', url: `/panel/api/users/${await author(c)}/sessions`, ok: 200 }),
  },
  'DELETE /panel/api/users/:id/sessions': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/users/${await author(c)}/sessions`, ok: 204 }),
  },
  'POST /panel/api/invitations': {
    requires: { capability: 'users' },
    sample: async () => ({
      method: 'POST',
      url: '/panel/api/invitations',
      body: { email: `i${fresh()}@example.test`, roleId: 'author' },
      ok: 200,
    }),
  },
  'POST /panel/api/roles': {
    requires: { capability: 'users' },
    sample: async () => ({
      method: 'POST',
      url: '/panel/api/roles',
      body: { name: `r${fresh()}`, rules: [], capabilities: [] },
      ok: 200,
    }),
  },
  'PUT /panel/api/roles/:id': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'PUT', url: `/panel/api/roles/${await role(c)}`, body: { name: `r${fresh()}` }, ok: 200 }),
  },
  'DELETE /panel/api/roles/:id': {
    requires: { capability: 'users' },
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/roles/${await role(c)}`, ok: 204 }),
  },
  // keys: the keys capability (on a key with no rules, within anyone's grants); every key at once: administrators
  'GET /panel/api/keys': {
    requires: { capability: 'keys' },
    sample: async () => ({ method: 'GET', url: '/panel/api/keys', ok: 200 }),
  },
  'POST /panel/api/keys': {
    requires: { capability: 'keys' },
    sample: async () => ({ method: 'POST', url: '/panel/api/keys', body: { name: `k${fresh()}`, rules: [] }, ok: 200 }),
  },
  'PUT /panel/api/keys/:id': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'PUT', url: `/panel/api/keys/${await key(c)}`, body: { name: `k${fresh()}` }, ok: 200 }),
  },
  'POST /panel/api/keys/:id/regenerate': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'POST', url: `/panel/api/keys/${await key(c)}/regenerate`, ok: 200 }),
  },
  'DELETE /panel/api/keys/:id/previous': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/keys/${await key(c, true)}/previous`, ok: 200 }),
  },
  'GET /panel/api/keys/:id/usage': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'GET', url: `/panel/api/keys/${await key(c)}/usage`, ok: 200 }),
  },
  'GET /panel/api/keys/:id/open-api-schema.json': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'GET', url: `/panel/api/keys/${await key(c)}/open-api-schema.json`, ok: 200 }),
  },
  'POST /panel/api/keys/:id/events': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'POST', url: `/panel/api/keys/${await key(c)}/events`, body: { action: 'copied' }, ok: 204 }),
  },
  'DELETE /panel/api/keys/:id': {
    requires: { capability: 'keys' },
    sample: async (c) => ({ method: 'DELETE', url: `/panel/api/keys/${await key(c)}`, ok: 204 }),
  },
  // a wrong password: 400 for whoever the policy lets through, 403 for everyone else (the keys stay as they are)
  'POST /panel/api/keys/regenerate-all': {
    requires: 'administrator',
    sample: async () => ({
      method: 'POST',
      url: '/panel/api/keys/regenerate-all',
      body: { password: 'not the password at all' },
      ok: 400,
    }),
  },
  // webhooks: the webhooks capability; running one on an object also reads it
  'GET /panel/api/webhooks/:id/secret': {
    requires: { capability: 'webhooks' },
    sample: async (c) => ({ method: 'GET', url: `/panel/api/webhooks/${await webhook(c)}/secret`, ok: 200 }),
  },
  'POST /panel/api/webhooks/:id/secret': {
    requires: { capability: 'webhooks' },
    sample: async (c) => ({ method: 'POST', url: `/panel/api/webhooks/${await webhook(c)}/secret`, ok: 200 }),
  },
  'GET /panel/api/webhooks/:id/executions': {
    requires: { capability: 'webhooks' },
    sample: async (c) => ({ method: 'GET', url: `/panel/api/webhooks/${await webhook(c)}/executions`, ok: 200 }),
  },
  'POST /panel/api/webhooks/:id/test': {
    requires: { capability: 'webhooks' },
    sample: async (c) => ({ method: 'POST', url: `/panel/api/webhooks/${await webhook(c)}/test`, ok: 200 }),
  },
  'POST /panel/api/webhooks/:id/run': {
    requires: [{ capability: 'webhooks' }, { grant: 'canRead' }],
    sample: async (c, type) => ({
      method: 'POST',
      url: `/panel/api/webhooks/${await webhook(c)}/run`,
      body: { contentTypeName: type, objectId: 'o1' },
      ok: 200,
    }),
  },
  // restoring an old version reads it and writes it again: read and update on the type
  'POST /panel/api/content/:type/:id/versions/:version/restore': {
    requires: [{ grant: 'canRead' }, { grant: 'canUpdate' }],
    sample: async (_c, type) => ({ method: 'POST', url: `/panel/api/content/${type}/o1/versions/1/restore`, ok: 200 }),
  },
  // planned publications: publish on the type (its Draft & Public twin)
  'GET /panel/api/content/:type/:id/schedule': {
    requires: { grant: 'canPublish' },
    sample: async (c, type) => ({
      method: 'GET',
      url: `/panel/api/content/${await draft(c, type)}/schedule`,
      ok: 200,
      type: `${type}_dp`,
    }),
  },
  'PUT /panel/api/content/:type/:id/schedule': {
    requires: { grant: 'canPublish' },
    sample: async (c, type) => ({
      method: 'PUT',
      url: `/panel/api/content/${await draft(c, type)}/schedule`,
      body: { action: 'publish', at: new Date(Date.now() + 3600_000).toISOString() },
      ok: 200,
      type: `${type}_dp`,
    }),
  },
  'DELETE /panel/api/content/:type/:id/schedule': {
    requires: { grant: 'canPublish' },
    sample: async (c, type) => ({
      method: 'DELETE',
      url: `/panel/api/content/${await draft(c, type)}/schedule`,
      ok: 204,
      type: `${type}_dp`,
    }),
  },
};

const call = (
  t: TestApp,
  s: S,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => t.call(method, url, { body, headers: { ...headers, cookie: s.cookie, 'x-csrf-token': s.csrf } });

/** The id of a second session of the caller (the disabled user's: any id, it is refused before). */
async function sessionIdOf(c: Ctx): Promise<string> {
  const other = await c.caller.another();
  const res = await call(c.t, other, 'GET', '/panel/api/sessions');
  if (res.statusCode !== 200) return 'x';
  return (res.json() as { id: string; current: boolean }[]).find((s) => s.current)!.id;
}

/** A new author, invited by the administrator. */
async function author(c: Ctx): Promise<string> {
  return (await member(c.t, c.admin, 'author')).id;
}

/** A new custom role with no rules or capabilities. */
async function role(c: Ctx): Promise<string> {
  const res = await call(c.t, c.admin, 'POST', '/panel/api/roles', { name: `r${fresh()}`, rules: [], capabilities: [] });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

/** A new user-defined key without rules (`previous`: regenerated with a grace period, so it has a previous value). */
async function key(c: Ctx, previous = false): Promise<string> {
  const res = await call(c.t, c.admin, 'POST', '/panel/api/keys', { name: `k${fresh()}`, rules: [] });
  expect(res.statusCode, res.body).toBe(200);
  const id = (res.json() as { id: string }).id;
  if (previous)
    expect((await call(c.t, c.admin, 'POST', `/panel/api/keys/${id}/regenerate`, { graceMinutes: 10 })).statusCode).toBe(200);
  return id;
}

/** A new webhook (Custom action) posting to the test's receiver. */
async function webhook(c: Ctx): Promise<string> {
  const res = await c.t.call('POST', '/api/v1/content/_webhooks', {
    key: c.t.rw,
    body: {
      name: `w${fresh()}`,
      type: 'async',
      url: `${c.receiverUrl}/hook`,
      enabled: true,
      content_type_definitions: [],
      actions: [{ action: 'Custom' }],
      headers: [],
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

/** `type_dp/id` of a new draft of the type's Draft & Public twin. */
async function draft(c: Ctx, type: TypeName): Promise<string> {
  const id = `x${fresh()}`;
  expect((await c.t.call('POST', `/api/v1/content/${type}_dp`, { key: c.t.rw, body: { id, title: 'x' } })).statusCode).toBe(200);
  return `${type}_dp/${id}`;
}

describe.each(dialectsUnderTest())('session permission matrix on %s', (dialect) => {
  const t = useTestApp(dialect);
  const receiver = new Receiver();
  const callers = {} as Record<Caller, Who>;
  let admin: S;

  beforeAll(async () => {
    await receiver.start();
    await makeMatrixTypes(t());
    admin = await panelLogin(t());
    const custom = await call(t(), admin, 'POST', '/panel/api/roles', {
      name: 'Matrix custom',
      rules: CUSTOM.rules,
      capabilities: CUSTOM.capabilities,
    });
    expect(custom.statusCode, custom.body).toBe(200);
    const roleIds: Record<Caller, string> = {
      administrator: 'administrator',
      developer: 'developer',
      editor: 'editor',
      author: 'author',
      custom: (custom.json() as { id: string }).id,
      // the disabled user was an administrator: nothing it could do before is left to it
      disabled: 'administrator',
    };
    for (const caller of CALLERS) {
      const m = await member(t(), admin, roleIds[caller]);
      const another = async () => (caller === 'disabled' ? m.s : panelLogin(t(), { email: m.email, password: PASSWORD }));
      callers[caller] = { s: m.s, id: m.id, email: m.email, another };
    }
    const d = callers.disabled;
    expect((await call(t(), d.s, 'GET', '/panel/api/users')).statusCode).toBe(200);
    expect((await call(t(), admin, 'PUT', `/panel/api/users/${d.id}`, { disabled: true })).statusCode).toBe(200);
  });

  afterAll(async () => {
    await receiver.stop();
  });

  /** The API route a Panel route mounts (its URL without /panel), when it is one. */
  const twinOf = (method: string, url: string) =>
    url.startsWith('/panel/api/')
      ? t().app.server.routeTable.find(
          (r) => r.method === method && r.url === url.slice('/panel'.length) && r.permission !== 'panel-session',
        )
      : undefined;

  it('every session route is a mount of a sampled API route or has a requirement and a sample here', () => {
    const routes = t().app.server.routeTable.filter((r) => r.permission === 'panel-session');
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes
      .filter((r) => {
        const twin = twinOf(r.method, r.url);
        return twin ? !SAMPLES[`${twin.method} ${twin.url}`] : !SESSION_SAMPLES[`${r.method} ${r.url}`];
      })
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // and no requirement here outlives its route
    const stale = Object.keys(SESSION_SAMPLES).filter((k) => !routes.some((r) => `${r.method} ${r.url}` === k));
    expect(stale).toEqual([]);
  });

  it('every session route answers what the role table says, for every role and type; a disabled user nothing', async () => {
    const failures: string[] = [];
    const ctx = (caller: Caller): Ctx => ({ t: t(), admin, caller: callers[caller], receiverUrl: receiver.url });
    for (const route of t().app.server.routeTable.filter((r) => r.permission === 'panel-session')) {
      const twin = twinOf(route.method, route.url);
      const own = SESSION_SAMPLES[`${route.method} ${route.url}`];
      for (const type of TYPES) {
        for (const caller of CALLERS) {
          let sample: SessionSample;
          let allowed: (type: string) => boolean;
          if (twin) {
            const api = await SAMPLES[`${twin.method} ${twin.url}`](t(), type);
            sample = { ...api, url: `/panel${api.url}` };
            allowed = (on) => caller !== 'disabled' && mountedAllowedBySpec(twin.permission as RoutePermission, spec(caller), on);
          } else {
            sample = await own.sample(ctx(caller), type);
            allowed = (on) => caller !== 'disabled' && sessionAllowedBySpec(own.requires, spec(caller), on);
          }
          const res = await call(
            t(),
            sample.session ?? callers[caller].s,
            sample.method,
            sample.url,
            sample.body,
            sample.headers,
          );
          const expected = caller === 'disabled' ? 401 : allowed(sample.type ?? type) ? sample.ok : 403;
          if (res.statusCode !== expected)
            failures.push(
              `${route.method} ${route.url} ${caller} on ${type}: ${res.statusCode}, expected ${expected} ${res.body.slice(0, 120)}`,
            );
          else if (expected === 403) expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
          else if (expected === 401) expect(res.json()).toEqual({ code: 401, message: 'Unauthorized' });
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000); // ≈ 2 types × 6 roles × every session route, each a real request

  it('a session is no API key: every API route (search and GraphQL too) answers 401 to each role', async () => {
    const failures: string[] = [];
    for (const route of t().app.server.routeTable) {
      const build = SAMPLES[`${route.method} ${route.url}`];
      if (!build) continue;
      for (const caller of CALLERS) {
        const sample = await build(t(), 'alpha');
        const res = await call(t(), callers[caller].s, sample.method, sample.url, sample.body, sample.headers);
        if (res.statusCode !== 401) failures.push(`${route.method} ${route.url} ${caller}: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('the disabled user cannot sign in again', async () => {
    const res = await t().call('POST', '/panel/api/session', { body: { email: callers.disabled.email, password: PASSWORD } });
    expect(res.statusCode).toBe(401);
    // the same password of an active member signs in (so the refusal is the disabling)
    const res2 = await t().call('POST', '/panel/api/session', { body: { email: callers.author.email, password: PASSWORD } });
    expect(res2.statusCode).toBe(200);
  });
});
