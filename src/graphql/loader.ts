import type { ContentService } from '../content/content.service.js';
import { parseDataUrl } from '../content/relations.js';
import type { Principal } from '../core/principal.js';
import type { StoredObject } from '../storage/port.js';
import { toNode, type ContentNode } from './node.js';

type Waiter = { resolve: (row: StoredObject | undefined) => void; reject: (e: unknown) => void };

/**
 * Per-request relation loader. Every target asked for while GraphQL resolves one level is collected, then loaded
 * through ContentService.related, the relation loader REST hydration uses too (one query per type per chunk of ids,
 * the policy applied again), and all waiters are released
 * together so that the next level batches as one as well. Missing targets resolve to undefined.
 */
export class RelationLoader {
  private readonly rows = new Map<string, Promise<StoredObject | undefined>>();
  private readonly nodes = new Map<string, ContentNode>();
  private pending = new Map<string, Map<string, Waiter[]>>();
  private scheduled = false;

  constructor(
    private readonly principal: Principal,
    private readonly content: ContentService,
    private readonly onQuery: () => void,
  ) {}

  /** The readable targets of a relation value (`[{dataUrl, type}]`), in stored order; others are left out. */
  async refs(value: unknown, allowed: (type: string) => boolean): Promise<ContentNode[]> {
    if (!Array.isArray(value)) return [];
    const targets = value
      .map((item) => parseDataUrl((item as { dataUrl?: unknown } | null)?.dataUrl))
      .filter((ref): ref is { type: string; id: string } => ref !== undefined && allowed(ref.type));
    const rows = await Promise.all(targets.map((t) => this.load(t.type, t.id)));
    return rows.filter((r): r is StoredObject => r !== undefined).map((r) => this.node(r));
  }

  load(type: string, id: string): Promise<StoredObject | undefined> {
    const key = `${type}\0${id.toLowerCase()}`;
    let hit = this.rows.get(key);
    if (hit) return hit;
    hit = new Promise<StoredObject | undefined>((resolve, reject) => {
      let byId = this.pending.get(type);
      if (!byId) this.pending.set(type, (byId = new Map()));
      const waiters = byId.get(id.toLowerCase()) ?? [];
      waiters.push({ resolve, reject });
      byId.set(id.toLowerCase(), waiters);
    });
    this.rows.set(key, hit);
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after every promise continuation of the current level, so the whole level is queued
      setImmediate(() => void this.dispatch());
    }
    return hit;
  }

  /** One parsed node per object per request; resolvers never mutate it, so sharing is safe. */
  private node(row: StoredObject): ContentNode {
    const key = `${row.type}\0${row.id.toLowerCase()}`;
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = toNode(row)));
    return n;
  }

  private async dispatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const loaded = await Promise.allSettled(
      [...batch].map(async ([type, byId]) => {
        const found = new Map<string, StoredObject>();
        for (const row of await this.content.related(this.principal, type, [...byId.keys()], this.onQuery))
          found.set(row.id.toLowerCase(), row);
        return found;
      }),
    );
    [...batch.values()].forEach((byId, i) => {
      const result = loaded[i];
      for (const [id, waiters] of byId) {
        for (const w of waiters) {
          if (result.status === 'fulfilled') w.resolve(result.value.get(id));
          else w.reject(result.reason);
        }
      }
    });
  }
}
