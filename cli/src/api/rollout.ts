/**
 * Every conversion between the percent people write (files, `rollout 10%`) and what the REST API
 * takes. One module, so the switch of the API from basis points (`percentage`, `weight`) to percent
 * (`percent`) is made here only.
 */
import type { ApiRollout, ApiServe, ApiShare } from './types.js';

/** A rollout as files and commands write it: percent, 0–100 with up to two decimals. */
export interface PercentRollout {
  percent: number;
  stickiness?: string;
}
export interface PercentShare {
  variant: string;
  percent: number;
}
export type PercentServe = { variant: string } | { split: PercentShare[]; stickiness?: string };

/** True for 0–100 with at most two decimals (what 1/10000 steps can express). */
export function isPercent(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 100 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
}

/** Parses "10%", "10", "12.5%" (command lines); undefined when it is not a percent. */
export function parsePercent(text: string): number | undefined {
  const match = /^\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return isPercent(value) ? value : undefined;
}

/** 12.5 → "12.5%". */
export const formatPercent = (percent: number) => `${percent}%`;

const toBasisPoints = (percent: number) => Math.round(percent * 100);
const toPercent = (basisPoints: number) => Math.round(basisPoints) / 100;

/** The REST API's value for a percent (basis points today). */
export function apiRolloutValue(percent: number): { percentage: number } {
  return { percentage: toBasisPoints(percent) };
}

export function rolloutToApi(rollout: PercentRollout): ApiRollout {
  return { ...apiRolloutValue(rollout.percent), ...(rollout.stickiness ? { stickiness: rollout.stickiness } : {}) };
}
export function rolloutFromApi(rollout: ApiRollout): PercentRollout {
  return { percent: toPercent(rollout.percentage), ...(rollout.stickiness ? { stickiness: rollout.stickiness } : {}) };
}

export function serveToApi(serve: PercentServe): ApiServe {
  if ('variant' in serve) return { variant: serve.variant };
  const split: ApiShare[] = serve.split.map((s) => ({ variant: s.variant, weight: toBasisPoints(s.percent) }));
  return { split, ...(serve.stickiness ? { stickiness: serve.stickiness } : {}) };
}
export function serveFromApi(serve: ApiServe): PercentServe {
  if ('variant' in serve) return { variant: serve.variant };
  const split = serve.split.map((s) => ({ variant: s.variant, percent: toPercent(s.weight) }));
  return { split, ...(serve.stickiness ? { stickiness: serve.stickiness } : {}) };
}

/** Unleash weights are per mille (0–1000): the same share as a percent. */
export const perMilleToPercent = (weight: number) => weight / 10;
