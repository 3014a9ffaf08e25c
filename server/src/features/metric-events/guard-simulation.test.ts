import { describe, expect, it } from 'vitest';
import { simulateGuard, type SimulationOptions } from './guard-simulation.js';

/**
 * The guard's statistical promise, checked by simulation (seeded, so the same every run): a step
 * without a regression fails at most α of the time although the guard looks every interval, and
 * a real regression of the stated size is caught in most steps within the hold. Full figures:
 * server/bench/guard-simulation.mjs and docs/guards.md.
 */
const ALPHA = 0.05;
const RUNS = 600;
const common = { runs: RUNS, looks: 60, alpha: ALPHA, minSamples: 200, seed: 15 } satisfies Partial<SimulationOptions>;
/** Three standard errors of a rate of α over RUNS runs: room for the simulation's own noise. */
const TOLERANCE = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS);

const latency = (treatmentFactor: number) =>
  ({ metric: 'mean', median: 100, sigma: 0.5, treatmentFactor, perLook: 100 }) as const;
const errors = (treatmentFactor: number) =>
  ({ metric: 'rate', controlRate: 0.01, treatmentFactor, perLook: 1000 }) as const;

describe('builtin guard under repeated looks (simulation)', () => {
  it('A/A: false alarms stay within α over 60 looks, where a fixed test at every look would not', () => {
    // Even splits, and a 10% step (the treatment gets a tenth of the traffic).
    const cases = [
      { scenario: latency(1), treatmentShare: 0.5 },
      { scenario: errors(1), treatmentShare: 0.5 },
      { scenario: latency(1), treatmentShare: 0.1 },
    ];
    for (const { scenario, treatmentShare } of cases) {
      const result = simulateGuard({ ...common, scenario, treatmentShare });
      expect({ scenario, treatmentShare, failureRate: result.failureRate }).toEqual({
        scenario,
        treatmentShare,
        failureRate: expect.toSatisfy((rate: number) => rate <= ALPHA + TOLERANCE),
      });
      // The simulation can tell an invalid procedure: repeated fixed-α tests alarm far more often.
      expect(result.naiveFailureRate).toBeGreaterThan(2 * ALPHA);
    }
  });

  it('A/B: a +10% latency and a 1% → 1.5% error rate are caught in ≥ 80% of steps, within minutes', () => {
    const slower = simulateGuard({ ...common, scenario: latency(1.1) });
    expect(slower.failureRate).toBeGreaterThanOrEqual(0.8);
    expect(slower.medianLooksToFail).toBeLessThanOrEqual(15);
    const moreErrors = simulateGuard({ ...common, scenario: errors(1.5) });
    expect(moreErrors.failureRate).toBeGreaterThanOrEqual(0.8);
    expect(moreErrors.medianLooksToFail).toBeLessThanOrEqual(15);
  });

  it('a regression within maxRelativeChange is not an alarm', () => {
    const result = simulateGuard({ ...common, scenario: latency(1.05), maxRelativeChange: 0.1 });
    expect(result.failureRate).toBeLessThanOrEqual(ALPHA);
  });
});
