/** A cached file: its bytes and the validators it was served with. */
export interface CachedBytes {
  data: Buffer;
  mtimeMs: number;
  etag: string;
}

/**
 * A small least-recently-used cache of file bytes, bounded in total size. Serving a hot image from a file costs
 * several thread-pool round trips (stat, open, read, close) that measured as the bottleneck of `/image/...`; the
 * bytes of an id's original and renditions never change while the object exists, so callers key entries by the
 * object's id and creation time and look the object up first.
 */
export class ByteCache {
  private readonly entries = new Map<string, CachedBytes>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(key: string): CachedBytes | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // re-insert: Map keeps insertion order, so the first key is always the least recently used
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedBytes): void {
    if (value.data.length > this.maxEntryBytes) return;
    const old = this.entries.get(key);
    if (old) this.bytes -= old.data.length;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.bytes += value.data.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.data.length;
    }
  }
}
