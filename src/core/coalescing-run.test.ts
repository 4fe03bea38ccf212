import { describe, expect, it } from 'vitest';
import { CoalescingRun } from './coalescing-run.js';

describe('CoalescingRun', () => {
  it('runs one drain at a time; calls made during a drain share exactly one more, which sees their work', async () => {
    const queue: number[] = [];
    const drained: number[][] = [];
    let active = 0;
    let maxActive = 0;
    const run = new CoalescingRun(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 10));
      drained.push(queue.splice(0));
      active--;
    });
    queue.push(1);
    const first = run.run();
    queue.push(2);
    const second = run.run();
    queue.push(3);
    const third = run.run();
    expect(second).toBe(third);
    await third;
    // everything queued was drained, by the first drain and the one shared drain after it
    expect(drained.flat().sort()).toEqual([1, 2, 3]);
    expect(drained).toHaveLength(2);
    expect(maxActive).toBe(1);
    await first;
    await run.idle();
  });
});
