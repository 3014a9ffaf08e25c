/**
 * The statistics of the built-in release guard: is the treatment worse than the control by more
 * than the allowed margin? Pure functions over aggregate sums (count, sum, sum of squares), so the
 * guard, its tests and the simulation (server/bench/guard-simulation.mjs) share them.
 *
 * The guard looks at the data again every guard interval, so a fixed-sample test (a t-test at
 * α = 0.05 every minute) would raise false alarms far more often than α. We use an always-valid
 * test instead, the mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis &
 * Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests", Operations Research 70(3),
 * 2022 (arXiv:1512.04922), in its normal-approximation form for the difference of two means:
 *
 *   d̂ = estimate of the harm (e.g. mean_T − (1 + m)·mean_C), V = its variance (Welch: s²_T/n_T + k²·s²_C/n_C)
 *   Λ = √(V / (V + τ²)) · exp(τ²·d̂² / (2·V·(V + τ²)))
 *
 * Λ is a likelihood ratio of H1 (d ~ N(0, τ²)) against H0 (d = 0); under H0 it is a non-negative
 * martingale, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α however often it is looked at. The
 * guard fails only when Λ ≥ 1/α *and* d̂ > 0 (the harmful direction): a subset of that event, so
 * the one-sided false-alarm rate is ≤ α as well (conservatively). τ² = φ²·σ̄², with σ̄² the pooled
 * per-observation variance, tunes the test to standardized effects near φ ({@link MIXTURE_EFFECT}).
 * The variance is estimated from the data (plug-in), which makes the guarantee asymptotic: the
 * minimum sample size keeps the estimate from being used before it means something, and the
 * simulation measures the real false-alarm rate.
 */

/** Sums of a group's observations. */
export interface Sums {
  count: number;
  sum: number;
  sumSquares: number;
}

/** Mean and sample standard deviation of a group (null where undefined). */
export function summarize(sums: Sums): { mean: number | null; variance: number | null; stddev: number | null } {
  if (sums.count <= 0) return { mean: null, variance: null, stddev: null };
  const mean = sums.sum / sums.count;
  if (sums.count < 2) return { mean, variance: null, stddev: null };
  // Σ(x − mean)² = Σx² − n·mean²; clamp rounding below zero.
  const variance = Math.max(0, (sums.sumSquares - sums.count * mean * mean) / (sums.count - 1));
  return { mean, variance, stddev: Math.sqrt(variance) };
}

/** Standardized effect (in per-observation standard deviations) the mixture is tuned for. */
export const MIXTURE_EFFECT = 0.1;

export type Direction = 'increase_is_bad' | 'decrease_is_bad';

/** What the comparison found. */
export interface Comparison {
  /** The harm estimate d̂ (> 0: the treatment is worse than the control by more than the margin). */
  estimate: number;
  /** Its variance V. */
  variance: number;
  /** d̂ / √V (signed: > 0 in the harmful direction). */
  statistic: number;
  /** The mixture likelihood ratio Λ. */
  likelihoodRatio: number;
  /** 1/α: Λ at or above it (with d̂ > 0) is a regression. */
  threshold: number;
  /** An always-valid p-value bound at this look: min(1, 1/Λ). */
  pValue: number;
  regression: boolean;
}

/**
 * The mSPRT decision on a harm estimate with variance `variance`; `scale` is the pooled
 * per-observation variance σ̄² that sets the mixture's τ² = φ²·σ̄².
 */
export function msprt(estimate: number, variance: number, scale: number, alpha: number): Comparison {
  const threshold = 1 / alpha;
  if (!(variance > 0)) {
    // No spread at all (every value equal within each group): the difference is exact.
    const regression = estimate > 0;
    return {
      estimate,
      variance: 0,
      statistic: estimate > 0 ? Infinity : estimate < 0 ? -Infinity : 0,
      likelihoodRatio: regression ? Infinity : 1,
      threshold,
      pValue: regression ? 0 : 1,
      regression,
    };
  }
  const tau2 = MIXTURE_EFFECT * MIXTURE_EFFECT * (scale > 0 ? scale : variance);
  const logRatio =
    0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
  const likelihoodRatio = Math.exp(logRatio);
  return {
    estimate,
    variance,
    statistic: estimate / Math.sqrt(variance),
    likelihoodRatio,
    threshold,
    pValue: Math.min(1, 1 / likelihoodRatio),
    regression: estimate > 0 && logRatio >= Math.log(threshold),
  };
}

/** k, the factor of the control in the harm estimate: the allowed margin m widens the comparison. */
function marginFactor(direction: Direction, maxRelativeChange: number): number {
  return direction === 'increase_is_bad' ? 1 + maxRelativeChange : 1 - maxRelativeChange;
}

/** Harm estimate for two group statistics: T − k·C when an increase is bad, k·C − T otherwise. */
function harm(direction: Direction, treatment: number, control: number, k: number): number {
  return direction === 'increase_is_bad' ? treatment - k * control : k * control - treatment;
}

/**
 * Means (e.g. a latency-like value): Welch's two-sample statistic on T − k·C with variance
 * s²_T/n_T + k²·s²_C/n_C, through the mSPRT. Both groups need at least 2 observations.
 */
export function compareMeans(
  treatment: Sums,
  control: Sums,
  options: { direction: Direction; maxRelativeChange: number; alpha: number },
): Comparison & { treatmentMean: number; controlMean: number; treatmentStddev: number; controlStddev: number } {
  const t = summarize(treatment);
  const c = summarize(control);
  if (t.variance === null || c.variance === null) throw new RangeError('compareMeans needs 2 observations per group');
  const k = marginFactor(options.direction, options.maxRelativeChange);
  const estimate = harm(options.direction, t.mean!, c.mean!, k);
  const variance = t.variance / treatment.count + (k * k * c.variance) / control.count;
  const scale = (t.variance + c.variance) / 2;
  return {
    ...msprt(estimate, variance, scale, options.alpha),
    treatmentMean: t.mean!,
    controlMean: c.mean!,
    treatmentStddev: t.stddev!,
    controlStddev: c.stddev!,
  };
}

/**
 * Rates (events per exposure, e.g. errors per evaluation): the counts are taken as Poisson, so a
 * group's rate r = events/exposures has variance r/exposures (for 0/1 events per exposure this
 * overstates the binomial variance, erring on the side of fewer alarms). T − k·C through the mSPRT.
 */
export function compareRates(
  treatment: { events: number; exposures: number },
  control: { events: number; exposures: number },
  options: { direction: Direction; maxRelativeChange: number; alpha: number },
): Comparison & { treatmentRate: number; controlRate: number } {
  if (treatment.exposures <= 0 || control.exposures <= 0) throw new RangeError('compareRates needs exposures');
  const k = marginFactor(options.direction, options.maxRelativeChange);
  const rt = treatment.events / treatment.exposures;
  const rc = control.events / control.exposures;
  const estimate = harm(options.direction, rt, rc, k);
  const variance = rt / treatment.exposures + (k * k * rc) / control.exposures;
  const scale = (rt + rc) / 2;
  return { ...msprt(estimate, variance, scale, options.alpha), treatmentRate: rt, controlRate: rc };
}
