/** Lookups of one in-memory cache since the process started: what `/metrics` reports as its hit ratio. */
export class CacheStats {
  hits = 0;
  misses = 0;

  /** Counts one lookup. */
  record(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }
}
