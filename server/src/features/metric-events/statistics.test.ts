import { describe, expect, it } from 'vitest';
import { compareMeans, compareRates, msprt, summarize, type Sums } from './statistics.js';

/** Sums of `values`. */
const sums = (values: number[]): Sums => ({
  count: values.length,
  sum: values.reduce((a, b) => a + b, 0),
  sumSquares: values.reduce((a, b) => a + b * b, 0),
});
/** Sums of n values with the given mean and (population) standard deviation. */
const normalSums = (n: number, mean: number, sd: number): Sums => ({
  count: n,
  sum: n * mean,
  sumSquares: n * (sd * sd + mean * mean),
});

describe('summarize', () => {
  it('gives the mean and the sample standard deviation from the sums', () => {
    expect(summarize(sums([2, 4, 4, 4, 5, 5, 7, 9]))).toEqual({
      mean: 5,
      variance: 32 / 7,
      stddev: Math.sqrt(32 / 7),
    });
    expect(summarize(sums([3]))).toEqual({ mean: 3, variance: null, stddev: null });
    expect(summarize(sums([]))).toEqual({ mean: null, variance: null, stddev: null });
  });
});

describe('msprt', () => {
  it('matches the mixture likelihood ratio formula', () => {
    // V = 1, τ² = 0.01 · 100 = 1: Λ = √(1/2) · exp(d² / 4).
    const result = msprt(3, 1, 100, 0.05);
    expect(result.likelihoodRatio).toBeCloseTo(Math.SQRT1_2 * Math.exp(9 / 4), 10);
    expect(result.regression).toBe(false); // 6.7 < 20
    expect(msprt(4, 1, 100, 0.05).regression).toBe(true); // √½·e⁴ = 38.6 ≥ 20
  });

  it('never fails in the harmless direction, however strong the evidence', () => {
    const result = msprt(-40, 1, 100, 0.05);
    expect(result.likelihoodRatio).toBeGreaterThan(1e100);
    expect(result.regression).toBe(false);
  });

  it('decides exactly when there is no spread at all', () => {
    expect(msprt(1, 0, 0, 0.05).regression).toBe(true);
    expect(msprt(0, 0, 0, 0.05).regression).toBe(false);
    expect(msprt(-1, 0, 0, 0.05).regression).toBe(false);
  });
});

describe('compareMeans', () => {
  const options = { direction: 'increase_is_bad', maxRelativeChange: 0, alpha: 0.05 } as const;

  it('fails a clear increase and passes equal groups', () => {
    expect(compareMeans(normalSums(5000, 110, 50), normalSums(5000, 100, 50), options).regression).toBe(true);
    expect(compareMeans(normalSums(5000, 100, 50), normalSums(5000, 100, 50), options).regression).toBe(false);
  });

  it('allows the margin: +10% with maxRelativeChange 0.2 is no regression', () => {
    const result = compareMeans(normalSums(50_000, 110, 50), normalSums(50_000, 100, 50), {
      ...options,
      maxRelativeChange: 0.2,
    });
    expect(result.estimate).toBeCloseTo(110 - 1.2 * 100, 6);
    expect(result.regression).toBe(false);
  });

  it('turns around with decrease_is_bad', () => {
    const lower = { ...options, direction: 'decrease_is_bad' } as const;
    expect(compareMeans(normalSums(5000, 90, 50), normalSums(5000, 100, 50), lower).regression).toBe(true);
    expect(compareMeans(normalSums(5000, 110, 50), normalSums(5000, 100, 50), lower).regression).toBe(false);
  });

  it('uses Welch’s variance s²_T/n_T + k²·s²_C/n_C', () => {
    const result = compareMeans(normalSums(101, 10, 2), normalSums(201, 10, 3), { ...options, maxRelativeChange: 0.5 });
    const sT2 = (101 * 4) / 100;
    const sC2 = (201 * 9) / 200;
    expect(result.variance).toBeCloseTo(sT2 / 101 + (1.5 * 1.5 * sC2) / 201, 10);
  });
});

describe('compareRates', () => {
  const options = { direction: 'increase_is_bad', maxRelativeChange: 0, alpha: 0.05 } as const;

  it('fails a doubled error rate and passes an equal one (Poisson variance)', () => {
    const worse = compareRates({ events: 400, exposures: 20_000 }, { events: 200, exposures: 20_000 }, options);
    expect(worse.treatmentRate).toBe(0.02);
    expect(worse.variance).toBeCloseTo(0.02 / 20_000 + 0.01 / 20_000, 15);
    expect(worse.regression).toBe(true);
    const same = compareRates({ events: 200, exposures: 20_000 }, { events: 200, exposures: 20_000 }, options);
    expect(same.regression).toBe(false);
  });

  it('passes when neither group has any event', () => {
    expect(compareRates({ events: 0, exposures: 500 }, { events: 0, exposures: 500 }, options).regression).toBe(false);
  });
});
