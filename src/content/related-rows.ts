import { canObjects, relatedView } from '../access/policy.js';
import type { Principal } from '../core/principal.js';
import type { Storage, StoredObject } from '../storage/port.js';

/** Target ids per storage query: an `IN (...)` list well under every driver's limit, and a short synchronous read. */
export const RELATED_CHUNK = 500;

/**
 * THE way relation targets are read, for REST and search hydration (`Hydrator`) and GraphQL (`RelationLoader`)
 * alike: only types the principal may read, each in the view the principal reads related objects of that type in (a
 * draft is never inlined into a public read), one query per type per RELATED_CHUNK ids. The callers differ only in
 * how they gather the ids of one level (hydration walks the stored JSON; GraphQL collects what its resolvers ask).
 */
export class RelatedRows {
  /** Storage reads made, so that tests can prove batching (queries grow with types and depth, not page size). */
  queries = 0;

  constructor(private readonly storage: Pick<Storage, 'getObjects'>) {}

  /**
   * The readable targets among `ids` (any order; missing ones, drafts where the principal reads the public view, and
   * types it may not read are left out: a relation met while reading never answers 403). `each` runs before each
   * query (GraphQL counts them against its budget) and `between` after each (hydration yields to other requests).
   */
  async load(
    p: Principal,
    type: string,
    ids: readonly string[],
    hooks: { each?: () => void; between?: () => Promise<void> | undefined } = {},
  ): Promise<StoredObject[]> {
    if (ids.length === 0 || !canObjects(p, 'read', type)) return [];
    const view = relatedView(p, type);
    const out: StoredObject[] = [];
    for (let i = 0; i < ids.length; i += RELATED_CHUNK) {
      hooks.each?.();
      this.queries++;
      for (const row of await this.storage.getObjects(type, ids.slice(i, i + RELATED_CHUNK), view)) out.push(row);
      await hooks.between?.();
    }
    return out;
  }
}
