import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_PERMISSIONS, type RoutePermission } from '../../src/access/route-permissions.js';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { useTestApp } from '../support/test-app.js';
import { allowedBySpec, type SpecCaller } from '../support/permission-spec.js';
import { makeMatrixTypes, SAMPLES, TYPES, type Sample } from '../support/permission-samples.js';

/**
 * Every route × every kind of caller × two content types answers exactly what the key policy of api-keys.md says.
 * The expectations below are written from the specification, independently of src/access/policy.ts. A route
 * without a declared permission cannot be registered; a route without a sample request here fails this suite.
 */
const CALLERS = [
  'none',
  'malformed',
  'unknown',
  'ro',
  'rw',
  'ud-read',
  'ud-create',
  'ud-update',
  'ud-delete',
  'ud-none',
] as const;
type Caller = (typeof CALLERS)[number];
// user-defined keys have their one rule on alpha only (none on beta, nor on the Draft & Public twins)

/** The matrix's callers in the specification's terms (user-defined keys: one grant on alpha). */
function specCaller(caller: Caller): SpecCaller {
  if (caller === 'ro' || caller === 'rw') return { kind: caller };
  if (!caller.startsWith('ud-')) return { kind: 'none' };
  const grant = caller.slice(3);
  const name = `can${grant[0].toUpperCase()}${grant.slice(1)}`;
  return { kind: 'ud', rules: grant === 'none' ? [] : [{ ctdName: 'alpha', [name]: true }] };
}

const allowed = (permission: RoutePermission, caller: Caller, type: string) =>
  allowedBySpec(permission, specCaller(caller), type);

/** Panel routes: any presented key is refused (403); without a session the answer is 401 (or the login route's own). */
const PANEL_SAMPLES: Record<string, { method: Sample['method']; url: string; body?: unknown; withoutKey: number }> = {
  'POST /panel/api/session': {
    method: 'POST',
    url: '/panel/api/session',
    body: { email: 'x@y.test', password: 'wrong wrong' },
    withoutKey: 401,
  },
  'GET /panel/api/session': { method: 'GET', url: '/panel/api/session', withoutKey: 401 },
  'DELETE /panel/api/session': { method: 'DELETE', url: '/panel/api/session', withoutKey: 401 },
  'GET /panel/api/setup': { method: 'GET', url: '/panel/api/setup', withoutKey: 200 },
  'POST /panel/api/setup': { method: 'POST', url: '/panel/api/setup', body: { token: 'guess' }, withoutKey: 403 },
  'GET /panel/api/keys': { method: 'GET', url: '/panel/api/keys', withoutKey: 401 },
  'POST /panel/api/keys': { method: 'POST', url: '/panel/api/keys', body: { name: 'n', rules: [] }, withoutKey: 401 },
  'PUT /panel/api/keys/:id': { method: 'PUT', url: '/panel/api/keys/x', body: { name: 'n' }, withoutKey: 401 },
  'POST /panel/api/keys/:id/regenerate': { method: 'POST', url: '/panel/api/keys/x/regenerate', withoutKey: 401 },
  'DELETE /panel/api/keys/:id/previous': { method: 'DELETE', url: '/panel/api/keys/x/previous', withoutKey: 401 },
  'GET /panel/api/keys/:id/usage': { method: 'GET', url: '/panel/api/keys/x/usage', withoutKey: 401 },
  'POST /panel/api/keys/regenerate-all': {
    method: 'POST',
    url: '/panel/api/keys/regenerate-all',
    body: { password: 'wrong wrong' },
    withoutKey: 401,
  },
  'DELETE /panel/api/keys/:id': { method: 'DELETE', url: '/panel/api/keys/x', withoutKey: 401 },
  'POST /panel/api/keys/:id/events': {
    method: 'POST',
    url: '/panel/api/keys/x/events',
    body: { action: 'copied' },
    withoutKey: 401,
  },
  'GET /panel/api/audit': { method: 'GET', url: '/panel/api/audit', withoutKey: 401 },
  'GET /panel/api/keys/:id/open-api-schema.json': {
    method: 'GET',
    url: '/panel/api/keys/x/open-api-schema.json',
    withoutKey: 401,
  },
  // users, invitations, roles and sessions (issue 16; per role in test/api/users-roles.test.ts)
  'GET /panel/api/users': { method: 'GET', url: '/panel/api/users', withoutKey: 401 },
  'PUT /panel/api/users/:id': { method: 'PUT', url: '/panel/api/users/x', body: { disabled: true }, withoutKey: 401 },
  'DELETE /panel/api/users/:id': { method: 'DELETE', url: '/panel/api/users/x', withoutKey: 401 },
  'GET /panel/api/users/:id/sessions': { method: 'GET', url: '/panel/api/users/x/sessions', withoutKey: 401 },
  'DELETE /panel/api/users/:id/sessions': { method: 'DELETE', url: '/panel/api/users/x/sessions', withoutKey: 401 },
  'GET /panel/api/sessions': { method: 'GET', url: '/panel/api/sessions', withoutKey: 401 },
  'DELETE /panel/api/sessions/:id': { method: 'DELETE', url: '/panel/api/sessions/x', withoutKey: 401 },
  'POST /panel/api/session/password': {
    method: 'POST',
    url: '/panel/api/session/password',
    body: { password: 'x', newPassword: 'y' },
    withoutKey: 401,
  },
  'POST /panel/api/invitations': {
    method: 'POST',
    url: '/panel/api/invitations',
    body: { email: 'a@b.test', roleId: 'editor' },
    withoutKey: 401,
  },
  'POST /panel/api/invitations/accept': {
    method: 'POST',
    url: '/panel/api/invitations/accept',
    body: { token: 'guess', password: 'long enough password' },
    withoutKey: 403,
  },
  'GET /panel/api/roles': { method: 'GET', url: '/panel/api/roles', withoutKey: 401 },
  'POST /panel/api/roles': { method: 'POST', url: '/panel/api/roles', body: { name: 'r' }, withoutKey: 401 },
  'PUT /panel/api/roles/:id': { method: 'PUT', url: '/panel/api/roles/x', body: { name: 'r' }, withoutKey: 401 },
  'DELETE /panel/api/roles/:id': { method: 'DELETE', url: '/panel/api/roles/x', withoutKey: 401 },
};

/**
 * Operator routes (decision 0023): the probes answer every caller alike, and no key or its absence changes that;
 * `/metrics` is decided by the operator's token and networks only, and does not exist while FLOTILLA_METRICS is off
 * (as in this suite): 404 for every caller. Its refusals when on are in test/hostile/metrics.test.ts.
 */
const OPERATOR_SAMPLES: Record<string, { url: string; status: number }> = {
  'GET /health': { url: '/health', status: 200 },
  'GET /ready': { url: '/ready', status: 200 },
  'GET /metrics': { url: '/metrics', status: 404 },
};

describe.each(dialectsUnderTest())('permission matrix on %s', (dialect) => {
  const t = useTestApp(dialect);
  const keys = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    await makeMatrixTypes(t());
    const ud = async (grant: keyof Omit<KeyRule, 'ctdName'> | undefined) =>
      (
        await t().app.services.keys.createUserDefined(
          SYSTEM,
          `ud ${grant ?? 'none'}`,
          grant
            ? [{ ctdName: 'alpha', canRead: false, canCreate: false, canUpdate: false, canDelete: false, [grant]: true }]
            : [],
        )
      ).key;
    Object.assign(keys, {
      none: undefined,
      malformed: 'not-a-key',
      unknown: `fla_rw_${'Z'.repeat(40)}`,
      ro: t().ro,
      rw: t().rw,
      'ud-read': await ud('canRead'),
      'ud-create': await ud('canCreate'),
      'ud-update': await ud('canUpdate'),
      'ud-delete': await ud('canDelete'),
      'ud-none': await ud(undefined),
    });
  });

  it('every registered route declares a known permission and has a sample here', () => {
    const routes = t().app.server.routeTable;
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes
      .filter((r) => r.permission !== 'public' && r.permission !== 'panel-session')
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !SAMPLES[k] && !PANEL_SAMPLES[k] && !OPERATOR_SAMPLES[k]);
    expect(missing).toEqual([]);
    for (const r of routes) expect(Object.keys(ROUTE_PERMISSIONS), `${r.method} ${r.url}`).toContain(r.permission);
  });

  it('API routes answer exactly what the specification says, for every caller and type', async () => {
    const failures: string[] = [];
    for (const route of t().app.server.routeTable) {
      const build = SAMPLES[`${route.method} ${route.url}`];
      if (!build) continue;
      const permission = route.permission as RoutePermission;
      for (const type of TYPES) {
        for (const caller of CALLERS) {
          const sample = await build(t(), type);
          const res = await t().call(sample.method, sample.url, {
            key: keys[caller],
            body: sample.body,
            headers: sample.headers,
          });
          const expected = ['none', 'malformed', 'unknown'].includes(caller)
            ? 401
            : allowed(permission, caller, sample.type ?? type)
              ? sample.ok
              : 403;
          if (res.statusCode !== expected)
            failures.push(
              `${route.method} ${route.url} [${permission}] ${caller} on ${type}: ${res.statusCode}, expected ${expected} ${res.body.slice(0, 120)}`,
            );
          if (res.statusCode === 403) expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
          if (res.statusCode === 401) expect(res.json()).toEqual({ code: 401, message: 'Unauthorized' });
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000); // ≈ 2 types × 10 callers × every API route, each a real request

  it('Panel routes refuse every API key and answer 401 (or their own status) without a session', async () => {
    const failures: string[] = [];
    for (const route of t().app.server.routeTable) {
      // every session route answers the same to callers without a session: 401, or 403 when a key is presented
      const generic =
        route.permission === 'panel-session'
          ? {
              method: route.method as Sample['method'],
              url: route.url.replace(/:\w+/g, 'x'),
              body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
              withoutKey: 401,
            }
          : undefined;
      const sample = PANEL_SAMPLES[`${route.method} ${route.url}`] ?? generic;
      if (!sample) continue;
      for (const caller of CALLERS) {
        const res = await t().call(sample.method, sample.url, { key: keys[caller], body: sample.body });
        const expected = caller === 'none' ? sample.withoutKey : 403;
        if (res.statusCode !== expected)
          failures.push(`${route.method} ${route.url} ${caller}: ${res.statusCode}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('operator routes answer every caller alike: the probes 200, /metrics 404 while off', async () => {
    const failures: string[] = [];
    for (const [route, sample] of Object.entries(OPERATOR_SAMPLES)) {
      expect(t().app.server.routeTable.map((r) => `${r.method} ${r.url}`)).toContain(route);
      for (const caller of CALLERS) {
        const key = keys[caller];
        // the key where API routes read it, and as a bearer token where /metrics reads its own
        const tries: Record<string, string>[] = key ? [{ 'x-auth-token': key }, { authorization: `Bearer ${key}` }] : [{}];
        for (const headers of tries) {
          const res = await t().call('GET', sample.url, { headers });
          if (res.statusCode !== sample.status) failures.push(`${route} ${caller}: ${res.statusCode}, expected ${sample.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
