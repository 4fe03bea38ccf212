import type { StoredObject, WrittenTypes } from '../port.js';

/**
 * The objects this process's last commits left, by type, id and version, for a consumer of their events on this
 * node (the webhook fan-out's payloads) to use instead of reading them back. Only committed objects are kept (the
 * storage hands them over after the commit), only of the types a consumer asked for (nothing is held on a server
 * whose webhooks want none), and only the most recent ones: at most `maxCount` objects and `maxBytes` of their
 * documents, the oldest dropped first. A miss means "read it"; another node's writes are always a miss.
 * Decision 0012, addendum of session 8.
 */
export class WrittenObjects {
  private wanted: WrittenTypes = null;
  private readonly kept = new Map<string, StoredObject>();
  private bytes = 0;

  constructor(
    private readonly maxCount = 4096,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  /** From now on, keep the objects of these types (and drop what is held of others). */
  want(types: WrittenTypes): void {
    this.wanted = types;
    if (types === '*') return;
    for (const [key, row] of this.kept) if (!types?.has(row.type)) this.drop(key, row);
  }

  wants(type: string): boolean {
    return this.wanted === '*' || (this.wanted !== null && this.wanted.has(type));
  }

  /** After a commit: the objects it wrote. */
  keep(rows: readonly StoredObject[]): void {
    for (const row of rows) {
      if (!this.wants(row.type) || row.data.length > this.maxBytes) continue;
      const key = keyOf(row.type, row.id, row.version);
      const was = this.kept.get(key);
      if (was) this.drop(key, was);
      this.kept.set(key, row);
      this.bytes += row.data.length;
    }
    for (const [key, row] of this.kept) {
      if (this.kept.size <= this.maxCount && this.bytes <= this.maxBytes) break;
      this.drop(key, row);
    }
  }

  /** The object of `type` and `id` at `version`, if a recent commit of this process wrote it and it is still held. */
  get(type: string, id: string, version: number): StoredObject | undefined {
    return this.kept.get(keyOf(type, id, version));
  }

  /** How many objects are held (tests). */
  get size(): number {
    return this.kept.size;
  }

  private drop(key: string, row: StoredObject): void {
    this.kept.delete(key);
    this.bytes -= row.data.length;
  }
}

const keyOf = (type: string, id: string, version: number) => `${type}\0${id.toLowerCase()}\0${version}`;
