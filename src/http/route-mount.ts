import type { RoutePermission } from '../access/route-permissions.js';

/**
 * Where a set of Flotiq routes is mounted. The same handlers serve API keys at `/api/...` and the Panel's
 * session at `/panel/api/...`; the permission of a Panel mount is always `panel-session` (the services still
 * decide with the session's Principal, exactly as for a key).
 */
export interface RouteMount {
  readonly prefix: string;
  permission(p: RoutePermission): RoutePermission;
}

export const API_MOUNT: RouteMount = { prefix: '', permission: (p) => p };
export const PANEL_MOUNT: RouteMount = { prefix: '/panel', permission: () => 'panel-session' };
