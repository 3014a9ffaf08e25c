import type { Rollout, Rule, Serve } from '../model/flag.js';

/**
 * Percent ↔ basis points: the ONE place where the public API's percent (0..100, at most two
 * decimals, e.g. 25.5) meets the model's integer basis points (0..10000, e.g. 2550), which SDKs,
 * snapshots and stored configurations keep. No zod here, so any bundle can import it.
 *
 * Exact for two decimals: a JSON number such as 0.29 is the double nearest 29/100, so
 * `Math.round(0.29 * 100)` is 29 even though `0.29 * 100` is 28.999999999999996, and `29 / 100` is
 * that same double again, which is how a number with more decimals is told apart.
 */
export const BASIS_POINTS_PER_PERCENT = 100;

/** Whether `value` is a percent the API can store: 0..100 with at most two decimals. */
export function isPercent(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) return false;
  return Math.round(value * BASIS_POINTS_PER_PERCENT) / BASIS_POINTS_PER_PERCENT === value;
}

/** Basis points of a percent (25.5 → 2550); throws a RangeError unless `isPercent(percent)`. */
export function percentToBasisPoints(percent: number): number {
  if (!isPercent(percent)) throw new RangeError(`${percent} is not a percent 0..100 with at most two decimals`);
  return Math.round(percent * BASIS_POINTS_PER_PERCENT);
}

/** Percent of basis points (2550 → 25.5): the double nearest the two-decimal value, so JSON shows `25.5`. */
export function basisPointsToPercent(basisPoints: number): number {
  return basisPoints / BASIS_POINTS_PER_PERCENT;
}

/** A rule's rollout as the public API writes it. */
export interface PercentRollout {
  /** 0..100, at most two decimals (25.5 = 25.5 %). */
  percent: number;
  stickiness?: string;
}

/** A share of a split as the public API writes it; percents sum to 100. */
export interface PercentShare {
  variant: string;
  percent: number;
}

/** What a rule or the fallthrough serves, as the public API writes it. */
export type PercentServe = { variant: string } | { split: PercentShare[]; stickiness?: string };

/** A targeting rule as the public API writes it. */
export type PercentRule = Omit<Rule, 'rollout' | 'serve'> & { rollout?: PercentRollout; serve: PercentServe };

/** The rollout-bearing fields of a configuration (model: basis points). */
export interface ServingConfig {
  defaultServe: Serve;
  rules: Rule[];
}

/** The same fields as the public API writes them (percent). */
export interface PercentServingConfig {
  defaultServe: PercentServe;
  rules: PercentRule[];
}

export function rolloutToPercent({ percentage, ...rest }: Rollout): PercentRollout {
  return { percent: basisPointsToPercent(percentage), ...rest };
}

export function rolloutFromPercent({ percent, ...rest }: PercentRollout): Rollout {
  return { percentage: percentToBasisPoints(percent), ...rest };
}

export function serveToPercent(serve: Serve): PercentServe {
  if (!('split' in serve)) return serve;
  const { split, ...rest } = serve;
  return { split: split.map(({ variant, weight }) => ({ variant, percent: basisPointsToPercent(weight) })), ...rest };
}

export function serveFromPercent(serve: PercentServe): Serve {
  if (!('split' in serve)) return serve;
  const { split, ...rest } = serve;
  return { split: split.map(({ variant, percent }) => ({ variant, weight: percentToBasisPoints(percent) })), ...rest };
}

export function ruleToPercent({ rollout, serve, ...rest }: Rule): PercentRule {
  return { ...rest, ...(rollout ? { rollout: rolloutToPercent(rollout) } : {}), serve: serveToPercent(serve) };
}

export function ruleFromPercent({ rollout, serve, ...rest }: PercentRule): Rule {
  return { ...rest, ...(rollout ? { rollout: rolloutFromPercent(rollout) } : {}), serve: serveFromPercent(serve) };
}

/** A configuration (any object with `defaultServe` and `rules`) with its rollouts in percent; other fields kept. */
export function configToPercent<T extends ServingConfig>(
  config: T,
): Omit<T, keyof ServingConfig> & PercentServingConfig {
  return { ...config, defaultServe: serveToPercent(config.defaultServe), rules: config.rules.map(ruleToPercent) };
}

/** A configuration with its rollouts in basis points, from percent; other fields kept. */
export function configFromPercent<T extends PercentServingConfig>(
  config: T,
): Omit<T, keyof PercentServingConfig> & ServingConfig {
  return { ...config, defaultServe: serveFromPercent(config.defaultServe), rules: config.rules.map(ruleFromPercent) };
}
