/**
 * A fixed-window counter per key, in process memory. Used where a library limiter does not fit: counting only
 * failures (bad keys, bad passwords) and per-account login attempts. Per node by design: an attacker spreading
 * over N nodes gets at most N times the budget, which the budget accounts for.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetMs: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is within its budget. Does not count. */
  retryAfter(key: string, limit = this.limit): number {
    const w = this.windows.get(key);
    const now = this.now();
    if (!w || w.resetMs <= now) return 0;
    return w.count >= limit ? Math.max(1, Math.ceil((w.resetMs - now) / 1000)) : 0;
  }

  /** Counts one event for `key`. */
  hit(key: string): void {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetMs <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      w = { count: 0, resetMs: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
  }

  /** Counts and answers in one step: seconds to wait when this event is over the budget, else 0. */
  take(key: string, limit = this.limit): number {
    const wait = this.retryAfter(key, limit);
    if (wait > 0) return wait;
    this.hit(key);
    return 0;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetMs <= now) this.windows.delete(k);
  }
}
