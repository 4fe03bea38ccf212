import { canListRemoved, canObjects, readView, type ObjectAction } from '../access/policy.js';
import { envelopeJson } from '../core/envelope.js';
import { AppError, errors } from '../core/errors.js';
import { ownProperty } from '../core/own-property.js';
import type { Principal } from '../core/principal.js';
import { formatObjectTime, parseClientDate } from '../core/time.js';
import type { LoadedType, TypeRegistry } from '../content-types/type-registry.js';
import type { OrderKey, Storage, StoredObject, View } from '../storage/port.js';
import { parseFilters, parsePath, type FilterNode } from './filters.js';
import { objectJson } from './object-json.js';
import { type Answer, PageCache, type Stamp } from './page-cache.js';
import { CacheStats } from '../core/cache-stats.js';
import type { Hydrator } from './hydrate.js';

export interface ListObjectsQuery {
  page: number;
  limit: number;
  orderBy: string | undefined;
  direction: 'asc' | 'desc';
  filters: string | undefined;
  ids: string[] | undefined;
  emptyFirst: boolean;
  hydrate: 0 | 1 | 2;
}

/** A page of rows for GraphQL: REST filter JSON, REST order paths, raw offset/limit. */
export interface RowsQuery {
  filters: string | undefined;
  ids: string[] | undefined;
  orderBy: string | undefined;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const COLUMN_ORDER: Record<string, OrderKey> = {
  'internal.createdAt': { kind: 'column', column: 'created' },
  'internal.updatedAt': { kind: 'column', column: 'updated' },
  'internal.objectTitle': { kind: 'column', column: 'title' },
  'internal.latestVersion': { kind: 'column', column: 'version' },
  createdAt: { kind: 'column', column: 'created' },
  updatedAt: { kind: 'column', column: 'updated' },
  id: { kind: 'column', column: 'id' },
};

/**
 * Reading content objects. Every method takes the caller's Principal, asks access/policy, and only then reads
 * storage. Responses are JSON text spliced from stored documents.
 */
/** A preview asked for a type without the grant to preview it. */
export function noPreview(type: string): AppError {
  return new AppError(403, {
    code: 403,
    message: `Access denied: this key may not preview drafts of ${type}; read without X-MODE: preview, or use a key with preview access to ${type}`,
  });
}

export class ContentService {
  /** total_counts by query, each valid while its type's write generation is the one it was counted at. */
  private readonly counts = new Map<string, { gen: number; n: number }>();

  private readonly pages: PageCache;
  /** Lookups of the page and count caches, for /metrics. */
  readonly cacheStats: { readonly page: CacheStats; readonly count: CacheStats };

  constructor(
    private readonly storage: Storage,
    private readonly registry: TypeRegistry,
    private readonly hydrator: Hydrator,
    pageCacheBytes = 0,
  ) {
    this.pages = new PageCache(pageCacheBytes);
    this.cacheStats = { page: this.pages.stats, count: new CacheStats() };
  }

  /**
   * The type's write generation, read before its answer is queried: a cached answer stored with it is served only
   * while it is still current, on every node (decision 0019; one indexed read on PostgreSQL, memory on SQLite).
   */
  private async generation(type: string): Promise<number> {
    return (await this.storage.typeGenerations([type]))[0];
  }

  /**
   * The write generations of several types joined into one stamp with their names, read the same way: an answer
   * over these types stored with this stamp is current while the stamp is (GraphQL's response cache).
   */
  async stamp(types: readonly string[]): Promise<Stamp> {
    const gens = await this.storage.typeGenerations(types);
    let out = '';
    for (let i = 0; i < types.length; i++) out += `${types[i]}\0${gens[i]}\0`;
    return out;
  }

  /** Policy first (a denied type is 403 whether or not it exists), then existence (404). */
  async typeFor(p: Principal, action: ObjectAction, type: string): Promise<LoadedType> {
    if (!canObjects(p, action, type)) throw errors.forbidden();
    const t = await this.registry.get(type);
    if (!t) throw errors.notFound();
    return t;
  }

  /** A read of one type: the type (as typeFor) and the view it is read in; a preview without the grant is a 403. */
  private async readable(p: Principal, type: string): Promise<{ t: LoadedType; view: View }> {
    const t = await this.typeFor(p, 'read', type);
    const view = readView(p, type, t.ct.draftPublic);
    if (!view) throw noPreview(type);
    return { t, view };
  }

  async list(p: Principal, type: string, q: ListObjectsQuery): Promise<Answer> {
    const { t, view } = await this.readable(p, type);
    // decided above: the caller may read this type in this view; a hydrate=0 page is then the same for every such caller
    const cacheable = q.hydrate === 0 && this.pages.enabled;
    const gen = await this.generation(type);
    const key = cacheable
      ? `${type}\0${view}\0${t.version}\0${q.page}\0${q.limit}\0${q.orderBy}\0${q.direction}\0${q.filters}\0${q.ids?.join('\0')}\0${q.emptyFirst}`
      : '';
    if (cacheable) {
      const hit = this.pages.get(key, gen);
      if (hit !== undefined) return hit;
    }
    const text = await this.readPage(p, t, view, q, gen);
    return cacheable ? this.pages.set(key, gen, text) : text;
  }

  private async readPage(p: Principal, t: LoadedType, view: View, q: ListObjectsQuery, gen: number): Promise<string> {
    const type = t.ct.name;
    const where = parseFilters(q.filters, t.fields);
    const order = this.orderKey(q.orderBy);
    const rows = await this.storage.listObjects({
      type,
      view,
      where,
      ids: q.ids,
      order,
      direction: q.direction,
      emptyFirst: q.emptyFirst,
      limit: q.limit,
      offset: (q.page - 1) * q.limit,
    });
    const total = await this.count(type, view, where, q.ids, gen);
    // hydrate=0 too: the hydrator holds the read budget, and a page of large objects is a large answer
    const items = await this.hydrator.hydrateRows(p, rows, q.hydrate);
    return envelopeJson(items, total, q.page, q.limit);
  }

  /** Stored rows of one page (GraphQL shapes them itself); same policy, filter and order rules as `list`. */
  async listRows(p: Principal, type: string, q: RowsQuery): Promise<StoredObject[]> {
    const { t, view } = await this.readable(p, type);
    const where = parseFilters(q.filters, t.fields);
    return this.storage.listObjects({
      type,
      view,
      where,
      ids: q.ids,
      order: this.orderKey(q.orderBy),
      direction: q.direction,
      emptyFirst: false,
      limit: q.limit,
      offset: q.offset,
    });
  }

  /** The total of a `listRows` query (cached per type generation, like `list`). */
  async countRows(p: Principal, type: string, q: Pick<RowsQuery, 'filters' | 'ids'>): Promise<number> {
    const { t, view } = await this.readable(p, type);
    return this.count(type, view, parseFilters(q.filters, t.fields), q.ids, await this.generation(type));
  }

  /**
   * Relation targets for GraphQL, through the relation loader REST hydration uses (the policy decides the readable
   * types and their view there); `each` runs before each storage query.
   */
  related(p: Principal, type: string, ids: string[], each?: () => void): Promise<StoredObject[]> {
    return this.hydrator.related.load(p, type, ids, { each });
  }

  private orderKey(orderBy: string | undefined): OrderKey {
    if (!orderBy) return { kind: 'column', column: 'created' };
    const column = ownProperty(COLUMN_ORDER, orderBy);
    if (column) return column;
    const target = parsePath(orderBy);
    if (!target || target.kind !== 'data') throw errors.validation({ order_by: [`Cannot order by ${orderBy}`] });
    return { kind: 'data', path: target.path };
  }

  /** `gen`: the type's generation read before anything of this answer was queried. */
  private async count(type: string, view: View, where: FilterNode[], ids: string[] | undefined, gen: number): Promise<number> {
    const key = `${type}\0${view}\0${JSON.stringify(where)}\0${ids ? ids.join('\0') : ''}`;
    const hit = this.counts.get(key);
    this.cacheStats.count.record(hit !== undefined && hit.gen === gen);
    if (hit && hit.gen === gen) return hit.n;
    const n = await this.storage.countObjects({ type, view, where, ids });
    if (this.counts.size > 5000) this.counts.clear();
    this.counts.set(key, { gen, n });
    return n;
  }

  async get(p: Principal, type: string, id: string, hydrate: 0 | 1 | 2): Promise<string> {
    const { view } = await this.readable(p, type);
    const row = await this.storage.getObject(type, id, view);
    if (!row) throw errors.notFound();
    return hydrate > 0 ? (await this.hydrator.hydrateRows(p, [row], hydrate))[0] : objectJson(row);
  }

  /** Ids of objects deleted after `deletedAfter` (any date clients send; absent = all). */
  async removed(p: Principal, type: string, deletedAfter: string | undefined): Promise<string[]> {
    if (!canListRemoved(p, type)) throw errors.forbidden();
    const t = await this.registry.get(type);
    if (!t) throw errors.notFound();
    const view = readView(p, type, t.ct.draftPublic);
    if (!view) throw noPreview(type);
    let after = 0;
    if (deletedAfter !== undefined && deletedAfter !== '') {
      after = parseClientDate(deletedAfter);
      if (Number.isNaN(after)) throw errors.validation({ deletedAfter: ['This value is not a valid datetime.'] });
    }
    return this.storage.listRemoved(type, after, view);
  }

  async versions(
    p: Principal,
    type: string,
    id: string,
    page: number,
    limit: number,
    direction: 'asc' | 'desc',
  ): Promise<string> {
    const { view } = await this.readable(p, type);
    const row = await this.storage.getObject(type, id, view);
    if (!row) throw errors.notFound();
    const [total, versions, [first]] = await Promise.all([
      this.storage.countVersions(type, id, view),
      this.storage.listVersions(type, id, view, limit, (page - 1) * limit, direction),
      this.storage.listVersions(type, id, 'preview', 1, 0, 'asc'),
    ]);
    // the owner made the first version; each version's editor is whoever wrote it
    const owner = await this.nameOf(first?.updatedBy ?? null);
    const items = await Promise.all(versions.map(async (v) => this.versionJson(row, v, owner, await this.nameOf(v.updatedBy))));
    return envelopeJson(items, total, page, limit);
  }

  async version(p: Principal, type: string, id: string, version: number): Promise<string> {
    const { view } = await this.readable(p, type);
    const row = await this.storage.getObject(type, id, view);
    if (!row) throw errors.notFound();
    const v = await this.storage.getVersion(type, id, version, view);
    if (!v) throw errors.notFound();
    return objectJson({ ...row, version: v.version, updatedMs: v.createdMs }, v.data);
  }

  /** Names the writer of a version (set by app.ts: a key's name or a Panel user's e-mail); null when unknown. */
  actorNames: (actor: string) => Promise<string | null> = async () => null;

  private nameOf(actor: string | null): Promise<string | null> {
    return actor === null ? Promise.resolve(null) : this.actorNames(actor);
  }

  private versionJson(
    row: Parameters<typeof objectJson>[0],
    v: { version: number; data: string; createdMs: number },
    owner: string | null,
    editor: string | null,
  ): string {
    const extra = {
      version: v.version,
      current: v.version === row.version,
      createdAt: formatObjectTime(row.createdMs),
      updatedAt: formatObjectTime(v.createdMs),
      deletedAt: '',
      owner,
      editor,
    };
    const obj = objectJson({ ...row, version: v.version, updatedMs: v.createdMs }, v.data);
    return `${obj.slice(0, -1)},${JSON.stringify(extra).slice(1)}`;
  }
}
