import type { StoredObject, WrittenTypes } from '../port.js';

/**
 * The objects this process's last commits left (the newest version of each), for a consumer of their events on this
 * node (the webhook fan-out's payloads) to use instead of reading them back. Only committed objects are kept (the
 * storage hands them over after the commit), only of the types a consumer asked for (nothing is held on a server
 * whose webhooks want none), and only until taken: the fan-out takes each as it builds the payload. What no one
 * takes (another node fanned the events out) goes by age: at most `maxCount` objects and `maxBytes` of their
 * documents, the oldest dropped first. A miss means "read it"; another node's writes are always a miss.
 * Decision 0012, addendum of session 8.
 */
export class WrittenObjects {
  private wanted: WrittenTypes = null;
  /** By type, then by id as stored (an event names its object by that id): the newest version written. */
  private readonly kept = new Map<string, Map<string, StoredObject>>();
  /** Every held object once, oldest first, for the bounds. */
  private readonly order = new Set<StoredObject>();
  private bytes = 0;

  constructor(
    private readonly maxCount = 1024,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  /** From now on, keep the objects of these types (and drop what is held of others). */
  want(types: WrittenTypes): void {
    this.wanted = types;
    if (types === '*') return;
    for (const row of this.order) if (!types?.has(row.type)) this.drop(row);
  }

  wants(type: string): boolean {
    return this.wanted === '*' || (this.wanted !== null && this.wanted.has(type));
  }

  /** After a commit: the objects it wrote (a later version of an object replaces the earlier one). */
  keep(rows: readonly StoredObject[]): void {
    for (const row of rows) {
      if (!this.wants(row.type) || row.data.length > this.maxBytes) continue;
      let ofType = this.kept.get(row.type);
      if (!ofType) this.kept.set(row.type, (ofType = new Map()));
      const was = ofType.get(row.id);
      ofType.set(row.id, row);
      if (was && this.order.delete(was)) this.bytes -= was.data.length;
      this.order.add(row);
      this.bytes += row.data.length;
    }
    for (const row of this.order) {
      if (this.order.size <= this.maxCount && this.bytes <= this.maxBytes) break;
      this.drop(row);
    }
  }

  /**
   * The object of `type` and `id` at `version`, if a recent commit of this process wrote it and it is still held;
   * forgotten as it is taken (its event's fan-out is its one reader), so objects do not outlive their use.
   */
  take(type: string, id: string, version: number): StoredObject | undefined {
    const row = this.kept.get(type)?.get(id);
    if (!row || row.version !== version) return undefined;
    this.drop(row);
    return row;
  }

  /** How many objects are held (tests). */
  get size(): number {
    return this.order.size;
  }

  private drop(row: StoredObject): void {
    if (!this.order.delete(row)) return;
    const ofType = this.kept.get(row.type);
    if (ofType?.get(row.id) === row) ofType.delete(row.id);
    if (ofType?.size === 0) this.kept.delete(row.type);
    this.bytes -= row.data.length;
  }
}
