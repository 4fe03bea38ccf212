import { CacheStats } from '../core/cache-stats.js';

/** A type's generation, or several types' generations joined into one string. */
export type Stamp = number | string;

/** A finished answer as sent: JSON text, or its UTF-8 bytes when it came from (or went into) a cache. */
export type Answer = string | Buffer;

/**
 * Finished answers (list pages and search responses at hydrate=0, GraphQL responses), keyed by query, kept as the
 * bytes they are sent as (encoded once when stored: a hit costs no UTF-8 encoding, length scan or allocation), each
 * valid only while the generation stamp it was stored with is the current one. The stamp comes from
 * `Storage.typeGenerations`, read BEFORE the answer is queried: on SQLite from memory (one process owns the file), on PostgreSQL from the database,
 * so a write committed on any node before a request reads the stamp invalidates what this node holds (decision
 * 0019). Answers are cached after the policy check; their keys say what they may depend on (type, view, scope).
 */
export class PageCache {
  private readonly pages = new Map<string, { gen: Stamp; bytes: Buffer }>();
  private bytes = 0;
  /** Hits and misses of `get` (stale entries count as misses). */
  readonly stats = new CacheStats();

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get(key: string, gen: Stamp): Buffer | undefined {
    const hit = this.pages.get(key);
    this.stats.record(hit !== undefined && hit.gen === gen);
    if (!hit) return undefined;
    if (hit.gen !== gen) {
      this.drop(key, hit.bytes);
      return undefined;
    }
    // refresh its place in the LRU order
    this.pages.delete(key);
    this.pages.set(key, hit);
    return hit.bytes;
  }

  /**
   * Keeps an answer; what to send: its bytes when kept, else the text itself. `gen` must be the generation read
   * BEFORE the page was queried, so a write during the query invalidates it.
   */
  set(key: string, gen: Stamp, text: string): Answer {
    // a character is at least one byte: a text this long can only be larger
    if (!this.enabled || text.length > this.maxBytes / 8) return text;
    const bytes = Buffer.from(text);
    if (bytes.length > this.maxBytes / 8) return text;
    const old = this.pages.get(key);
    if (old) this.drop(key, old.bytes);
    this.pages.set(key, { gen, bytes });
    this.bytes += bytes.length;
    while (this.bytes > this.maxBytes) {
      const [k, v] = this.pages.entries().next().value!;
      this.drop(k, v.bytes);
    }
    return bytes;
  }

  clear(): void {
    this.pages.clear();
    this.bytes = 0;
  }

  private drop(key: string, bytes: Buffer): void {
    this.pages.delete(key);
    this.bytes -= bytes.length;
  }
}
