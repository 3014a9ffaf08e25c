import type { CompiledFlag, CompiledServe, ServedResult } from '../compile/compiled-types.js';
import { ROLLOUT_SEED, VARIANT_SEED, rolloutBucketOfHash, variantBucketOfHash } from '../hash/buckets.js';
import { murmur3Prefixed } from '../hash/murmur3.js';
import type { EvaluationContext } from '../model/flag.js';
import { unitOf } from './context.js';
import { ruleTargets } from './match.js';

const FULL_ROLLOUT = 10000;

/** Picks a split share by variant bucket; an absent unit gets the first share with a weight > 0. */
function serveSplit(flag: CompiledFlag, serve: CompiledServe, context: EvaluationContext): ServedResult {
  const unit = unitOf(context, serve.stickiness);
  if (unit === undefined) return serve.absentUnitResult;
  const bucket = variantBucketOfHash(murmur3Prefixed(flag.hashPrefix, flag.hashPrefixAscii, unit, VARIANT_SEED));
  const thresholds = serve.thresholds;
  for (let i = 0; i < thresholds.length; i++) {
    if (thresholds[i]! > bucket) return serve.results[i];
  }
  return undefined; // weights sum to less than 10000: a snapshot that bypassed validation
}

/**
 * Steps 5 and 6 of the spec: the first rule whose targeting matches and whose rollout includes the
 * unit serves; otherwise the fallthrough does. Assumes the flag is enabled and its prerequisites passed.
 */
export function resolveRules(flag: CompiledFlag, context: EvaluationContext): ServedResult {
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (!rule.targetsEveryone && !ruleTargets(rule, context)) continue;
    const percentage = rule.rolloutPercentage;
    if (percentage < FULL_ROLLOUT) {
      const unit = unitOf(context, rule.rolloutStickiness);
      if (unit === undefined) continue;
      const hash = murmur3Prefixed(flag.hashPrefix, flag.hashPrefixAscii, unit, ROLLOUT_SEED);
      if (rolloutBucketOfHash(hash) >= percentage) continue;
    }
    const serve = rule.serve;
    return serve.isSplit ? serveSplit(flag, serve, context) : serve.result;
  }
  const fallthrough = flag.fallthrough;
  return fallthrough.isSplit ? serveSplit(flag, fallthrough, context) : fallthrough.result;
}
