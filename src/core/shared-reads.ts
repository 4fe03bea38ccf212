/** The most distinct keys one query asks for: a flood of distinct keys (random API keys…) waits for further queries. */
export const MAX_KEYS_PER_READ = 500;

interface Waiter<V> {
  resolve(v: V | undefined): void;
  reject(e: unknown): void;
}

/**
 * Reads by key that concurrent callers share without ever getting an answer older than their call. A caller joins
 * the next query, never one already under way (it may have looked before the caller's moment): when none is under
 * way the query goes out at once with the keys asked so far; otherwise the keys asked meanwhile go out together as
 * soon as it returns. So under load one query answers many requests, and each answer still reflects every write
 * committed before its request asked — what a cache validated per request guarantees, at the price of one query
 * per burst instead of one per request (decision 0019, "Reads shared by concurrent requests"). A query asks for at
 * most MAX_KEYS_PER_READ keys, the first asked; the others go out with the next query, in the order they were
 * asked, so no burst builds an unbounded statement.
 */
export class SharedReads<K, V> {
  private underWay = false;
  private waiting = new Map<K, Waiter<V>[]>();

  constructor(private readonly readMany: (keys: K[]) => Promise<ReadonlyMap<K, V>>) {}

  read(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const list = this.waiting.get(key);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.underWay) this.send();
    });
  }

  private send(): void {
    let batch = this.waiting;
    if (batch.size <= MAX_KEYS_PER_READ) this.waiting = new Map();
    else {
      // the first keys asked; a Map iterates in insertion order, and the rest keep theirs for the next query
      batch = new Map();
      for (const [key, waiters] of this.waiting) {
        if (batch.size === MAX_KEYS_PER_READ) break;
        batch.set(key, waiters);
        this.waiting.delete(key);
      }
    }
    this.underWay = true;
    const settle = (found: ReadonlyMap<K, V> | undefined, error?: unknown) => {
      for (const [key, waiters] of batch)
        for (const w of waiters) {
          if (found) w.resolve(found.get(key));
          else w.reject(error);
        }
      this.underWay = false;
      if (this.waiting.size > 0) this.send();
    };
    let query: Promise<ReadonlyMap<K, V>>;
    try {
      query = this.readMany([...batch.keys()]);
    } catch (e) {
      query = Promise.reject(e);
    }
    query.then(
      (found) => settle(found),
      (e: unknown) => settle(undefined, e),
    );
  }
}
