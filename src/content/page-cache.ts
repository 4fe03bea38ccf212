/**
 * Finished list pages (hydrate=0), keyed by type and query, valid while the type's write generation is unchanged.
 * Only for storage that one process owns (SQLite): there every write bumps the generation before its response is
 * sent, so a cached page can never be older than a write the caller has seen. With a shared database another
 * node's write reaches this node by signal a moment later, so the cache is off there (the constructor says so).
 * Pages are cached after the policy check and never depend on who asked (hydrate=0 reveals only the type itself).
 */
export class PageCache {
  private readonly pages = new Map<string, { gen: number; text: string }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get(key: string, gen: number): string | undefined {
    const hit = this.pages.get(key);
    if (!hit) return undefined;
    if (hit.gen !== gen) {
      this.drop(key, hit.text);
      return undefined;
    }
    // refresh its place in the LRU order
    this.pages.delete(key);
    this.pages.set(key, hit);
    return hit.text;
  }

  /** `gen` must be the generation read BEFORE the page was queried, so a write during the query invalidates it. */
  set(key: string, gen: number, text: string): void {
    if (!this.enabled || text.length > this.maxBytes / 8) return;
    const old = this.pages.get(key);
    if (old) this.drop(key, old.text);
    this.pages.set(key, { gen, text });
    this.bytes += text.length;
    while (this.bytes > this.maxBytes) {
      const [k, v] = this.pages.entries().next().value!;
      this.drop(k, v.text);
    }
  }

  clear(): void {
    this.pages.clear();
    this.bytes = 0;
  }

  private drop(key: string, text: string): void {
    this.pages.delete(key);
    this.bytes -= text.length;
  }
}
