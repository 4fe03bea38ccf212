/**
 * What each route requires, declared on the route itself (`config.permission`). This is THE route table's
 * permission column: a route without one cannot be registered, and the permission-matrix test checks every
 * route's real answers against the table in its own expectations. The decisions themselves stay in policy.ts,
 * called by the services; the declaration is what the route promises, and the test proves they agree.
 */
export const ROUTE_PERMISSIONS = {
  public: 'no authentication (public files; the /health and /ready probes)',
  'panel-login': 'Panel sign-in and first-run setup: no session needed; API keys refused',
  'panel-session': 'a Panel session, plus X-CSRF-Token for every change; API keys refused',
  'any-key': 'any valid API key',
  'ctd-list': 'any valid key; user-defined keys see only the types they have a rule on',
  'ctd-read': 'read-only/read-write, or a user-defined key with any rule on the type',
  'ctd-write': 'the read-write key only',
  'objects-read': 'read on the type',
  'objects-create': 'create on the type',
  'objects-update': 'update on the type',
  'objects-delete': 'delete on the type',
  'objects-duplicate': 'create and read on the type (the duplicate reveals the original)',
  'objects-upsert': 'create on the type (and update too with updateExisting=true)',
  'objects-removed': 'read on the type (user-defined keys: read and delete)',
  'objects-publish': 'publish on the type (Draft & Public)',
  search: 'any valid key; results limited to readable types',
  graphql: 'any valid key; the schema holds only readable types',
  'media-create': 'create on _media',
  metrics:
    'the scrape token (FLOTILLA_METRICS_TOKEN as a bearer token) and/or a client address in FLOTILLA_METRICS_ALLOW; API keys and sessions grant nothing; 404 while FLOTILLA_METRICS is off',
} as const;

export type RoutePermission = keyof typeof ROUTE_PERMISSIONS;

export type RouteAuth = 'api-key' | 'public' | 'panel' | 'panel-login' | 'operator';

/** How a route identifies its caller follows from its permission. */
export function authOf(permission: RoutePermission): RouteAuth {
  if (permission === 'public') return 'public';
  // neither a key nor a session: the route asks policy.metricsRefusal with the operator's settings
  if (permission === 'metrics') return 'operator';
  if (permission === 'panel-login') return 'panel-login';
  if (permission === 'panel-session') return 'panel';
  return 'api-key';
}

export function isRoutePermission(v: unknown): v is RoutePermission {
  return typeof v === 'string' && Object.hasOwn(ROUTE_PERMISSIONS, v);
}
