import type { CompiledFlag, CompiledServe, ServedResult } from '../compile/compiled-types.js';
import { ROLLOUT_SEED, VARIANT_SEED, rolloutBucketOfHash, variantBucketOfHash } from '../hash/buckets.js';
import { murmur3Prefixed } from '../hash/murmur3.js';
import type { EvaluationContext } from '../model/flag.js';
import { unitOf } from './context.js';

/** A single variant's result, or a split share picked by variant bucket (absent unit: see CompiledServe). */
function serve(flag: CompiledFlag, compiled: CompiledServe, context: EvaluationContext): ServedResult {
  const thresholds = compiled.thresholds_;
  if (thresholds === undefined) return compiled.result_;
  const unit = unitOf(context, compiled.stickiness_);
  if (unit === undefined) return compiled.result_;
  const bucket = variantBucketOfHash(murmur3Prefixed(flag.prefix_, flag.ascii_, unit, VARIANT_SEED));
  for (let i = 0; i < thresholds.length; i++) {
    if (thresholds[i]! > bucket) return compiled.results_![i];
  }
  return undefined; // weights sum to less than 10000: a snapshot that bypassed validation
}

/**
 * Steps 5 and 6 of the spec: the first rule whose targeting (conditions and segments) matches and
 * whose rollout includes the unit serves; otherwise the fallthrough does. Assumes the flag is
 * enabled and its prerequisites passed.
 */
export function resolveRules(flag: CompiledFlag, context: EvaluationContext): ServedResult {
  const rules = flag.rules_;
  next: for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const tests = rule.tests_;
    for (let j = 0; j < tests.length; j++) if (!tests[j]!(context)) continue next;
    const percentage = rule.percentage_;
    if (percentage < 10000) {
      const unit = unitOf(context, rule.stickiness_);
      if (
        unit === undefined ||
        rolloutBucketOfHash(murmur3Prefixed(flag.prefix_, flag.ascii_, unit, ROLLOUT_SEED)) >= percentage
      ) {
        continue;
      }
    }
    return serve(flag, rule.serve_, context);
  }
  return serve(flag, flag.fallthrough_, context);
}
