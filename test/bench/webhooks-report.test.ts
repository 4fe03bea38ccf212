import { describe, expect, it } from 'vitest';
import { roundRatios, roundsEstimate, throughputRatio } from '../../bench/webhooks-report.js';
import type { ThroughputPhase } from '../../bench/webhooks-report.js';

const phase = (webhook: boolean, writes: number, seconds = 1): ThroughputPhase =>
  ({ webhook, writes, seconds, mainCpuSeconds: 0, processCpuSeconds: 0, benchCpuSeconds: 0 }) as ThroughputPhase;

describe("the webhooks bench's arithmetic", () => {
  it('pairs each round’s two phases whichever ran first (ABBA), and the aggregate weighs every create', () => {
    const phases = [phase(false, 100), phase(true, 90), phase(true, 160), phase(false, 200)];
    expect(roundRatios(phases)).toEqual([90, 80]);
    expect(throughputRatio(phases)).toEqual({ off: 150, on: 125, ratio: (125 / 150) * 100 });
  });

  it('estimates the rounds’ ratio by its geometric mean with ± two standard errors of the logs', () => {
    expect(roundsEstimate([100])).toBeUndefined();
    const same = roundsEstimate([95, 95, 95])!;
    expect([same.mean, same.low, same.high].map((x) => Number(x.toFixed(6)))).toEqual([95, 95, 95]);
    const est = roundsEstimate([80, 125])!;
    // logs ±0.223: mean 0 → 100 %; sd 0.3156, se 0.2232, interval exp(±0.4463)
    expect(est.mean).toBeCloseTo(100, 6);
    expect(est.low).toBeCloseTo(64.0, 1);
    expect(est.high).toBeCloseTo(156.25, 1);
  });
});
