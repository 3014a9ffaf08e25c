import { compareMeans, compareRates, type Direction, type Sums } from './statistics.js';

/**
 * Simulated release steps for the built-in guard's statistics: traffic arrives in both groups at
 * every guard interval ("look"), the guard decides on everything since the step began, and a run
 * ends at the first failure or after the hold. A/A runs (no difference) measure the false-alarm
 * rate, A/B runs (a real regression) the detection rate and time to detection. Seeded, so the
 * figures in docs/guards.md are reproducible (server/bench/guard-simulation.mjs prints them).
 */

/** A small, fast, seedable PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Binomial(n, p) for small p, by geometric gaps between successes: cost ∝ successes. */
function binomial(random: () => number, n: number, p: number): number {
  if (p <= 0) return 0;
  const logQ = Math.log(1 - p);
  let successes = 0;
  for (let position = Math.floor(Math.log(1 - random()) / logQ); position < n;) {
    successes++;
    position += 1 + Math.floor(Math.log(1 - random()) / logQ);
  }
  return successes;
}

export interface MeanScenario {
  metric: 'mean';
  /** Values are log-normal (a latency): median `median`, log-scale spread `sigma`. */
  median: number;
  sigma: number;
  /** The treatment's values are multiplied by this (1.1 = 10% slower). */
  treatmentFactor: number;
  /** Events per group per look (at an even split; see {@link SimulationOptions.treatmentShare}). */
  perLook: number;
}

export interface RateScenario {
  metric: 'rate';
  /** Events per exposure in the control (e.g. 0.01 errors per request). */
  controlRate: number;
  /** The treatment's rate is multiplied by this. */
  treatmentFactor: number;
  /** Exposures per group per look (at an even split; see {@link SimulationOptions.treatmentShare}). */
  perLook: number;
}

export interface SimulationOptions {
  scenario: MeanScenario | RateScenario;
  runs: number;
  /** Looks per run (guard intervals in a step's hold). */
  looks: number;
  alpha: number;
  minSamples: number;
  direction?: Direction;
  maxRelativeChange?: number;
  /**
   * The treatment's share of the traffic (the step's percentage): of the 2 × perLook observations
   * of a look, this share goes to the treatment. Default 0.5.
   */
  treatmentShare?: number;
  seed: number;
}

export interface SimulationResult {
  runs: number;
  looks: number;
  /** Share of runs the guard failed. */
  failureRate: number;
  /** Median look of the first failure among the runs that failed (null when none did). */
  medianLooksToFail: number | null;
  /** The same data judged by a one-sided z-test at α at every look (what repeated looks do to it). */
  naiveFailureRate: number;
}

/** Runs the simulation: how often, and how soon, the guard fails. */
export function simulateGuard(options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed);
  const decide = {
    direction: options.direction ?? 'increase_is_bad',
    maxRelativeChange: options.maxRelativeChange ?? 0,
    alpha: options.alpha,
  };
  const naiveZ = normalQuantile(1 - options.alpha);
  const failedAt: number[] = [];
  const share = options.treatmentShare ?? 0.5;
  const perLook = options.scenario.perLook * 2;
  const treatmentPerLook = Math.round(perLook * share);
  const controlPerLook = perLook - treatmentPerLook;
  let naiveFailures = 0;
  for (let run = 0; run < options.runs; run++) {
    const scenario = options.scenario;
    const t: Sums = { count: 0, sum: 0, sumSquares: 0 };
    const c: Sums = { count: 0, sum: 0, sumSquares: 0 };
    let treatmentExposures = 0;
    let controlExposures = 0;
    let failed = false;
    let naiveFailed = false;
    for (let look = 1; look <= options.looks && !(failed && naiveFailed); look++) {
      if (scenario.metric === 'mean') {
        for (let i = 0; i < treatmentPerLook; i++) {
          add(t, scenario.median * Math.exp(scenario.sigma * normal(random)) * scenario.treatmentFactor);
        }
        for (let i = 0; i < controlPerLook; i++) add(c, scenario.median * Math.exp(scenario.sigma * normal(random)));
        if (t.count < options.minSamples || c.count < options.minSamples) continue;
      } else {
        treatmentExposures += treatmentPerLook;
        controlExposures += controlPerLook;
        t.count += binomial(random, treatmentPerLook, scenario.controlRate * scenario.treatmentFactor);
        c.count += binomial(random, controlPerLook, scenario.controlRate);
        if (treatmentExposures < options.minSamples || controlExposures < options.minSamples) continue;
      }
      const result =
        scenario.metric === 'mean'
          ? compareMeans(t, c, decide)
          : compareRates(
              { events: t.count, exposures: treatmentExposures },
              { events: c.count, exposures: controlExposures },
              decide,
            );
      if (!failed && result.regression) {
        failed = true;
        failedAt.push(look);
      }
      if (!naiveFailed && result.statistic >= naiveZ) {
        naiveFailed = true;
        naiveFailures++;
      }
    }
  }
  failedAt.sort((a, b) => a - b);
  return {
    runs: options.runs,
    looks: options.looks,
    failureRate: failedAt.length / options.runs,
    medianLooksToFail: failedAt.length === 0 ? null : failedAt[Math.floor((failedAt.length - 1) / 2)]!,
    naiveFailureRate: naiveFailures / options.runs,
  };
}

function add(sums: Sums, value: number): void {
  sums.count++;
  sums.sum += value;
  sums.sumSquares += value * value;
}

/** Φ⁻¹(p) by bisection on erf's complement (precision far beyond what the naive test needs). */
function normalQuantile(p: number): number {
  let low = -10;
  let high = 10;
  for (let i = 0; i < 100; i++) {
    const middle = (low + high) / 2;
    if (normalCdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Φ(x) (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
