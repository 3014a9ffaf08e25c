/**
 * Every rollout conversion of the CLI in one module: percent as people write it (`rollout 10%`,
 * files) and as the REST API takes it (`percent`, 0–100 with two decimals; splits as
 * `{ variant, percent }`), and Unleash's per-mille weights.
 */
import {
  isPercent as isApiPercent,
  type PercentRollout,
  type PercentServe,
  type PercentShare,
} from '@switchyard/core/schema';
import type { ApiRollout, ApiServe } from './types.js';

export type { PercentRollout, PercentServe, PercentShare };

/** True for 0–100 with at most two decimals (what the API stores exactly). */
export const isPercent = (value: number): boolean => isApiPercent(value);

/** Parses "10%", "10", "12.5%" (command lines); undefined when it is not a percent. */
export function parsePercent(text: string): number | undefined {
  const match = /^\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return isPercent(value) ? value : undefined;
}

/** 12.5 → "12.5%". */
export const formatPercent = (percent: number) => `${percent}%`;

/** The body field of POST …/rules/:ruleId/rollout. */
export function apiRolloutValue(percent: number): { percent: number } {
  return { percent };
}

export function rolloutToApi(rollout: PercentRollout): ApiRollout {
  return { percent: rollout.percent, ...(rollout.stickiness ? { stickiness: rollout.stickiness } : {}) };
}
export function rolloutFromApi(rollout: ApiRollout): PercentRollout {
  return { percent: rollout.percent, ...(rollout.stickiness ? { stickiness: rollout.stickiness } : {}) };
}

export function serveToApi(serve: PercentServe): ApiServe {
  if ('variant' in serve) return { variant: serve.variant };
  const split = serve.split.map((s) => ({ variant: s.variant, percent: s.percent }));
  return { split, ...(serve.stickiness ? { stickiness: serve.stickiness } : {}) };
}
export function serveFromApi(serve: ApiServe): PercentServe {
  return serveToApi(serve);
}

/** The sum of a split's percents, exact (in hundredths) so 66.67 + 33.33 is 100. */
export const percentSum = (shares: readonly { percent: number }[]) =>
  shares.reduce((sum, s) => sum + Math.round(s.percent * 100), 0) / 100;

/** Unleash weights are per mille (0–1000): the same share as a percent (one decimal). */
export const perMilleToPercent = (weight: number) => weight / 10;
