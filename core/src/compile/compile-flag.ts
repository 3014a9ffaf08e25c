import type { Flag, JsonValue, Rule, Serve } from '../model/flag.js';
import type { Reason } from '../model/result.js';
import { TERSE_ERRORS } from '../model/terse-errors.js';
import { compileCondition } from '../operators/compile-condition.js';
import type { CompiledFlag, CompiledRule, CompiledServe, ContextTest, ServedResult } from './compiled-types.js';
import { isAsciiPrefix } from '../hash/murmur3.js';
import { frozenJsonCopy } from './freeze.js';
import { listOf } from './list-of.js';
import { finiteNumber } from '../parse/number.js';

/** A missing segment: the rule referencing it never matches. */
const NEVER: ContextTest = () => false;

/** Compiles one flag against the snapshot's compiled segments (each a list of condition tests). */
export function compileFlag(flag: Flag, segments: ReadonlyMap<string, readonly ContextTest[]>): CompiledFlag {
  // Variant values are deep-frozen copies so a caller cannot change what the next evaluation returns.
  const values = new Map<string, JsonValue>();
  for (const variant of listOf(flag.variants)) {
    if (!values.has(variant.key)) values.set(variant.key, frozenJsonCopy(variant.value));
  }
  /** The frozen result object of one (variant, reason, ruleId), or `undefined` for an unknown variant. */
  const resultOf = (variant: unknown, reason: Reason, ruleId?: string): ServedResult =>
    values.has(variant as string)
      ? Object.freeze({
          value: values.get(variant as string)!,
          variant: variant as string,
          reason,
          ...(ruleId !== undefined && { ruleId }),
          ...(reason == 'ERROR' && {
            errorCode: 'GENERAL' as const,
            errorMessage: TERSE_ERRORS ? flag.key : 'prerequisite missing, cyclic or in error',
          }),
        })
      : undefined;

  const compileServe = (serve: Serve, reason: Reason, ruleId?: string): CompiledServe => {
    const split = (serve as { split?: unknown })?.split;
    if (!Array.isArray(split)) {
      return {
        result_: resultOf((serve as { variant?: unknown })?.variant, reason, ruleId),
        thresholds_: undefined,
        results_: undefined,
        stickiness_: undefined,
      };
    }
    const thresholds: number[] = [];
    const results: ServedResult[] = [];
    let cumulative = 0;
    let absent: ServedResult;
    for (const share of split as { variant: string; weight: number }[]) {
      const weight = (finiteNumber(share.weight) ?? 0) > 0 ? share.weight : 0;
      const result = resultOf(share.variant, 'SPLIT', ruleId);
      if (weight > 0 && !cumulative) absent = result; // the first share with a weight
      thresholds.push((cumulative += weight));
      results.push(result);
    }
    const stickiness = (serve as { stickiness?: unknown }).stickiness;
    return {
      result_: absent,
      thresholds_: thresholds,
      results_: results,
      stickiness_: typeof stickiness == 'string' ? stickiness : undefined,
    };
  };

  const compileRule = (rule: Rule): CompiledRule => {
    const id = String(rule.id);
    const tests = listOf(rule.conditions).map(compileCondition);
    for (const key of listOf(rule.segments)) tests.push(...(segments.get(key) ?? [NEVER]));
    const rollout = rule.rollout;
    return {
      id_: id,
      tests_: tests,
      // A malformed percentage includes nobody rather than everybody.
      percentage_: rollout == null ? 10000 : (finiteNumber(rollout.percentage) ?? 0),
      stickiness_: typeof rollout?.stickiness == 'string' ? rollout.stickiness : undefined,
      serve_: compileServe(rule.serve, 'TARGETING_MATCH', id),
    };
  };

  const rules = listOf(flag.rules).map(compileRule);
  const prefix = `${typeof flag.salt == 'string' ? flag.salt : flag.key}:`;
  return {
    type_: flag.type,
    prefix_: prefix,
    ascii_: isAsciiPrefix(prefix),
    enabled_: flag.enabled === true,
    rules_: rules,
    fallthrough_: compileServe(flag.defaultServe, rules.length ? 'DEFAULT' : 'STATIC'),
    prerequisites_: listOf(flag.prerequisites).map((prerequisite) => ({
      key_: String(prerequisite.flagKey),
      variants_: new Set(listOf(prerequisite.variants)),
    })),
    off_: resultOf(flag.offVariant, 'DISABLED'),
    failed_: resultOf(flag.offVariant, 'PREREQUISITE_FAILED'),
    error_: resultOf(flag.offVariant, 'ERROR'),
  };
}
