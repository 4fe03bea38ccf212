import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows up to the limit in a window, then tells how long to wait, then resets', () => {
    let now = 1_000_000;
    const r = new RateLimiter(3, 60_000, () => now);
    expect([r.take('ip'), r.take('ip'), r.take('ip')]).toEqual([0, 0, 0]);
    expect(r.take('ip')).toBe(60);
    expect(r.take('other')).toBe(0);
    now += 30_500;
    expect(r.retryAfter('ip')).toBe(30);
    now += 30_000;
    expect(r.take('ip')).toBe(0);
  });

  it('counts failures separately from checks', () => {
    const r = new RateLimiter(2, 1000, () => 5);
    expect(r.retryAfter('k')).toBe(0);
    r.hit('k');
    r.hit('k');
    expect(r.retryAfter('k')).toBe(1);
    r.reset('k');
    expect(r.retryAfter('k')).toBe(0);
  });
});
