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
const PREREQUISITE_ERROR_MESSAGE = 'prerequisite missing, cyclic or in error';

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

type ResultOf = (variant: string, reason: Reason, ruleId?: string) => ServedResult;

/**
 * The factory of one flag's frozen result objects, one per (variant, reason, ruleId). Variant
 * values are deep-frozen copies so a caller cannot change what the next evaluation returns.
 */
function resultFactory(flag: Flag): ResultOf {
  const values = new Map<string, JsonValue>();
  for (const variant of listOf(flag.variants)) {
    if (!values.has(variant.key)) values.set(variant.key, frozenJsonCopy(variant.value));
  }
  return (variant, reason, ruleId) => {
    if (!values.has(variant)) return undefined;
    const result: EvaluationResult = { value: values.get(variant)!, variant, reason };
    if (ruleId !== undefined) result.ruleId = ruleId;
    if (reason === 'ERROR') {
      result.errorCode = 'GENERAL';
      result.errorMessage = PREREQUISITE_ERROR_MESSAGE;
    }
    return Object.freeze(result);
  };
}

function compileServe(serve: Serve, results: ResultOf, reason: Reason, ruleId?: string): CompiledServe {
  if (serve !== null && typeof serve === 'object' && 'split' in serve && Array.isArray(serve.split)) {
    const thresholds: number[] = [];
    const shareResults: ServedResult[] = [];
    let cumulative = 0;
    let absentUnitResult: ServedResult;
    let absentUnitChosen = false;
    for (const share of serve.split) {
      const weight = Number.isFinite(share.weight) && share.weight > 0 ? share.weight : 0;
      cumulative += weight;
      const result = results(share.variant, 'SPLIT', ruleId);
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
    result: typeof variant === 'string' ? results(variant, reason, ruleId) : undefined,
    thresholds: [],
    results: [],
    absentUnitResult: undefined,
    stickiness: undefined,
  };
}

function compileRule(rule: Rule, results: ResultOf, segments: ReadonlyMap<string, CompiledSegment>): CompiledRule {
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
  const conditions = listOf(rule.conditions).map(compileCondition);
  return {
    id,
    conditions,
    segments: ruleSegments,
    targetsEveryone: conditions.length === 0 && ruleSegments.length === 0 && !missingSegment,
    missingSegment,
    rolloutPercentage,
    rolloutStickiness,
    serve: compileServe(rule.serve, results, 'TARGETING_MATCH', id),
  };
}

/** Compiles one flag against the snapshot's compiled segments. */
export function compileFlag(flag: Flag, segments: ReadonlyMap<string, CompiledSegment>): CompiledFlag {
  const results = resultFactory(flag);
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
    offResult: results(flag.offVariant, 'DISABLED'),
    prerequisiteFailedResult: results(flag.offVariant, 'PREREQUISITE_FAILED'),
    prerequisiteErrorResult: results(flag.offVariant, 'ERROR'),
  };
}

/** Stand-in for a flag that could not be compiled: every evaluation returns the default (GENERAL). */
export function brokenFlag(key: string, type: Flag['type']): CompiledFlag {
  const empty: Flag = {
    key,
    type,
    variants: [],
    enabled: true,
    offVariant: '',
    defaultServe: { variant: '' },
    rules: [],
    prerequisites: [],
    version: 0,
  };
  return compileFlag(empty, new Map());
}
