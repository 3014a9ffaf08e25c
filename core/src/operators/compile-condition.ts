import type { ContextTest } from '../compile/compiled-types.js';
import { listOf } from '../compile/list-of.js';
import { readAttribute } from '../evaluate/context.js';
import type { Condition } from '../model/flag.js';
import { compileCidr } from './cidr.js';
import { compileComparison } from './comparison.js';
import { compileMembership } from './membership.js';
import { compileRegex, compileSubstring } from './string.js';

/**
 * The compiled form of one operator with its values: decides whether the operator holds for a
 * present attribute. Returns `undefined` when the attribute has a type the operator does not accept:
 * such a condition never matches, negated or not (spec: "Conditions").
 */
export type AttributeTest = (attribute: unknown) => boolean | undefined;

function compileTest(operator: string, values: readonly unknown[], fold: boolean): AttributeTest {
  switch (operator) {
    case 'in':
    case 'not_in':
      return compileMembership(values, fold);
    case 'contains':
      return compileSubstring('includes', values, fold);
    case 'starts_with':
      return compileSubstring('startsWith', values, fold);
    case 'ends_with':
      return compileSubstring('endsWith', values, fold);
    case 'regex':
      return compileRegex(values, fold);
    case 'cidr':
      return compileCidr(values);
  }
  return compileComparison(operator, values);
}

/**
 * Compiles a condition to a test of the context. Absent (missing or `null`) or wrong-typed
 * attributes never match, whatever `negate` says; `exists` is the one operator that sees absent
 * attributes (present = not missing and not `null`, so `negate` means "absent"; values ignored).
 * Malformed input compiles to a condition that never matches.
 */
export function compileCondition(condition: Condition): ContextTest {
  const attribute = String(condition.attribute);
  // `not_in` is `in` negated: a wrong-typed attribute still never matches.
  const negate = (condition.negate === true) != (condition.operator == 'not_in');
  if (condition.operator == 'exists') return (context) => (readAttribute(context, attribute) != null) != negate;
  const test = compileTest(String(condition.operator), listOf(condition.values), condition.caseInsensitive === true);
  return (context) => {
    const attributeValue = readAttribute(context, attribute);
    if (attributeValue == null) return false;
    const holds = test(attributeValue);
    return holds !== undefined && holds != negate;
  };
}
