import { isAscii } from '../hash/utf8.js';
import type { Flag, JsonValue, Rule, Serve } from '../model/flag.js';
import type { EvaluationResult, Reason } from '../model/result.js';
import { compileCondition } from '../operators/compile-condition.js';
import type {
  CompiledFlag,
  CompiledPrerequisite,
  CompiledRule,
  CompiledSegment,
  CompiledServe,
  ServedResult,
} from './compiled-types.js';
import { frozenJsonCopy } from './freeze.js';

const FULL_ROLLOUT = 10000;
const PREREQUISITE_ERROR_MESSAGE = 'a prerequisite is missing, cyclic or in error';

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** Builds the frozen result objects of one flag, one per (variant, reason, ruleId), on demand. */
class ResultFactory {
  private readonly values = new Map<string, JsonValue>();

  constructor(flag: Flag) {
    for (const variant of listOf(flag.variants)) {
      if (!this.values.has(variant.key)) this.values.set(variant.key, frozenJsonCopy(variant.value));
    }
  }

  served(variant: string, reason: Reason, ruleId?: string, errorMessage?: string): ServedResult {
    if (!this.values.has(variant)) return undefined;
    const result: EvaluationResult = { value: this.values.get(variant)!, variant, reason };
    if (ruleId !== undefined) result.ruleId = ruleId;
    if (reason === 'ERROR') {
      result.errorCode = 'GENERAL';
      if (errorMessage !== undefined) result.errorMessage = errorMessage;
    }
    return Object.freeze(result);
  }
}

function compileServe(serve: Serve, results: ResultFactory, reason: Reason, ruleId?: string): CompiledServe {
  if (serve !== null && typeof serve === 'object' && 'split' in serve && Array.isArray(serve.split)) {
    const thresholds: number[] = [];
    const shareResults: ServedResult[] = [];
    let cumulative = 0;
    let absentUnitResult: ServedResult;
    let absentUnitChosen = false;
    for (const share of serve.split) {
      const weight = Number.isFinite(share.weight) && share.weight > 0 ? share.weight : 0;
      cumulative += weight;
      const result = results.served(share.variant, 'SPLIT', ruleId);
      thresholds.push(cumulative);
      shareResults.push(result);
      if (weight > 0 && !absentUnitChosen) {
        absentUnitChosen = true;
        absentUnitResult = result;
      }
    }
    return {
      isSplit: true,
      result: undefined,
      thresholds,
      results: shareResults,
      absentUnitResult,
      stickiness: typeof serve.stickiness === 'string' ? serve.stickiness : undefined,
    };
  }
  const variant = serve !== null && typeof serve === 'object' && 'variant' in serve ? serve.variant : undefined;
  return {
    isSplit: false,
    result: typeof variant === 'string' ? results.served(variant, reason, ruleId) : undefined,
    thresholds: [],
    results: [],
    absentUnitResult: undefined,
    stickiness: undefined,
  };
}

function compileRule(rule: Rule, results: ResultFactory, segments: ReadonlyMap<string, CompiledSegment>): CompiledRule {
  const id = String(rule.id);
  const ruleSegments: CompiledSegment[] = [];
  let missingSegment = false;
  for (const key of listOf(rule.segments)) {
    const segment = segments.get(key);
    if (segment === undefined) missingSegment = true;
    else ruleSegments.push(segment);
  }
  const rollout = rule.rollout;
  let rolloutPercentage = FULL_ROLLOUT;
  let rolloutStickiness: string | undefined;
  if (rollout !== undefined && rollout !== null) {
    // A malformed percentage includes nobody rather than everybody.
    rolloutPercentage = Number.isFinite(rollout.percentage) ? rollout.percentage : 0;
    rolloutStickiness = typeof rollout.stickiness === 'string' ? rollout.stickiness : undefined;
  }
  return {
    id,
    conditions: listOf(rule.conditions).map(compileCondition),
    segments: ruleSegments,
    missingSegment,
    rolloutPercentage,
    rolloutStickiness,
    serve: compileServe(rule.serve, results, 'TARGETING_MATCH', id),
  };
}

/** Compiles one flag against the snapshot's compiled segments. */
export function compileFlag(flag: Flag, segments: ReadonlyMap<string, CompiledSegment>): CompiledFlag {
  const results = new ResultFactory(flag);
  const rules = listOf(flag.rules).map((rule) => compileRule(rule, results, segments));
  const prerequisites: CompiledPrerequisite[] = listOf(flag.prerequisites).map((prerequisite) => ({
    flagKey: String(prerequisite.flagKey),
    variants: new Set(listOf(prerequisite.variants)),
  }));
  const salt = typeof flag.salt === 'string' ? flag.salt : flag.key;
  const hashPrefix = `${salt}:`;
  return {
    key: flag.key,
    type: flag.type,
    hashPrefix,
    hashPrefixAscii: isAscii(hashPrefix),
    enabled: flag.enabled === true,
    rules,
    fallthrough: compileServe(flag.defaultServe, results, rules.length === 0 ? 'STATIC' : 'DEFAULT'),
    prerequisites,
    offResult: results.served(flag.offVariant, 'DISABLED'),
    prerequisiteFailedResult: results.served(flag.offVariant, 'PREREQUISITE_FAILED'),
    prerequisiteErrorResult: results.served(flag.offVariant, 'ERROR', undefined, PREREQUISITE_ERROR_MESSAGE),
  };
}

/** Stand-in for a flag that could not be compiled: every evaluation returns the default (GENERAL). */
export function brokenFlag(key: string, type: Flag['type']): CompiledFlag {
  const nothing: CompiledServe = {
    isSplit: false,
    result: undefined,
    thresholds: [],
    results: [],
    absentUnitResult: undefined,
    stickiness: undefined,
  };
  return {
    key,
    type,
    hashPrefix: `${key}:`,
    hashPrefixAscii: false,
    enabled: true,
    rules: [],
    fallthrough: nothing,
    prerequisites: [],
    offResult: undefined,
    prerequisiteFailedResult: undefined,
    prerequisiteErrorResult: undefined,
  };
}
