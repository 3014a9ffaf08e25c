import type { CompiledRule, CompiledSegment } from '../compile/compiled-types.js';
import type { EvaluationContext } from '../model/flag.js';
import type { CompiledCondition } from '../operators/compile-condition.js';
import { attributeExists } from '../operators/exists.js';
import { readAttribute } from './context.js';

/** Spec "Conditions": absent or wrong-typed attributes never match, whatever `negate` says. */
export function conditionMatches(condition: CompiledCondition, context: EvaluationContext): boolean {
  const attribute = readAttribute(context, condition.attribute);
  if (condition.isExists) return attributeExists(attribute) !== condition.negate;
  if (attribute === undefined || attribute === null) return false;
  const holds = condition.test(attribute);
  return holds === undefined ? false : holds !== condition.negate;
}

function allConditionsMatch(conditions: readonly CompiledCondition[], context: EvaluationContext): boolean {
  for (let i = 0; i < conditions.length; i++) {
    if (!conditionMatches(conditions[i]!, context)) return false;
  }
  return true;
}

/** A segment matches when all its conditions do (an empty segment matches everyone). */
export function segmentMatches(segment: CompiledSegment, context: EvaluationContext): boolean {
  return allConditionsMatch(segment.conditions, context);
}

/** A rule's targeting (conditions and segments, not its rollout) matches the context. */
export function ruleTargets(rule: CompiledRule, context: EvaluationContext): boolean {
  if (rule.missingSegment || !allConditionsMatch(rule.conditions, context)) return false;
  const segments = rule.segments;
  for (let i = 0; i < segments.length; i++) {
    if (!segmentMatches(segments[i]!, context)) return false;
  }
  return true;
}
