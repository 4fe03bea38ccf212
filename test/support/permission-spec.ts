import type { RoutePermission } from '../../src/access/route-permissions.js';
import type { KeyRule } from '../../src/core/principal.js';

/** A caller as api-keys.md describes keys: an application key, or a user-defined key and its rules. */
export type SpecCaller = { kind: 'none' } | { kind: 'ro' } | { kind: 'rw' } | { kind: 'ud'; rules: Partial<KeyRule>[] };

/**
 * What api-keys.md allows `caller` on a route declaring `permission` (on `type` where the route names one). Written
 * from the specification, independently of src/access/policy.ts: the permission matrix checks real answers against
 * it, and the OpenAPI test checks each key's document against it.
 */
export function allowedBySpec(permission: RoutePermission, caller: SpecCaller, type?: string): boolean {
  if (caller.kind === 'none') return false;
  const app = caller.kind === 'ro' || caller.kind === 'rw';
  const r = caller.kind === 'ud' ? caller.rules.find((x) => x.ctdName === type) : undefined;
  const ud = (grant: keyof KeyRule) => r?.[grant] === true;
  switch (permission) {
    case 'any-key':
    case 'ctd-list':
    case 'graphql':
      return true;
    case 'search':
      // any key may search; searching one named type needs read on it
      return type === undefined || app || ud('canRead');
    case 'ctd-read':
      return app || r !== undefined;
    case 'ctd-write':
      return caller.kind === 'rw';
    case 'media-create':
      return caller.kind === 'rw' || (caller.kind === 'ud' && caller.rules.some((x) => x.ctdName === '_media' && x.canCreate));
    case 'objects-read':
      return app || ud('canRead');
    case 'objects-create':
    case 'objects-upsert':
      return caller.kind === 'rw' || ud('canCreate');
    case 'objects-duplicate':
      return caller.kind === 'rw' || (ud('canCreate') && ud('canRead'));
    case 'objects-update':
      return caller.kind === 'rw' || ud('canUpdate');
    case 'objects-delete':
      return caller.kind === 'rw' || ud('canDelete');
    case 'objects-removed':
      return app || (ud('canRead') && ud('canDelete'));
    case 'objects-publish':
      return caller.kind === 'rw' || ud('canPublish');
    case 'metrics':
      // the operator's scrape token and networks decide; no key grants it
      return false;
    default:
      throw new Error(`no specification for ${permission}`);
  }
}
