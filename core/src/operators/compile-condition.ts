import type { ContextTest } from '../compile/compiled-types.js';
import { listOf } from '../compile/list-of.js';
import { readAttribute } from '../evaluate/context.js';
import type { Condition } from '../model/flag.js';
import { TERSE_ERRORS } from '../model/terse-errors.js';
import { finiteNumber } from '../parse/number.js';
import { compileComparison, isOrder } from './comparison.js';
import { compileMembership } from './membership.js';
import { operatorTable } from './operator-table.js';
import type { Ordering, RareOperators } from './rare-operators.js';
import { compileRegex, compileSubstring } from './string.js';

/**
 * The compiled form of one operator with its values: decides whether the operator holds for a
 * present attribute. Returns `undefined` when the attribute has a type the operator does not accept:
 * such a condition never matches, negated or not (spec: "Conditions").
 */
export type AttributeTest = (attribute: unknown) => boolean | undefined;

const NUMBERS: Ordering = [finiteNumber, (a: number, b: number) => a - b];

/**
 * A test of the rare operator `family` (rare-operators.ts), through the operator table: compiled now
 * when the table has the family (always, except in the browser client's bundle), else on its first
 * evaluation once the family is registered. Until then, evaluating it throws, and the evaluator
 * answers the caller's default with error GENERAL: never a silent wrong answer. Either way the
 * lookup happens once, not on every evaluation.
 */
function compileRare<K extends keyof RareOperators>(
  family: K,
  compile: (implementation: RareOperators[K]) => AttributeTest,
): AttributeTest {
  const lookup = (): AttributeTest => {
    const implementation = operatorTable[family];
    if (implementation) return compile(implementation);
    throw new Error(TERSE_ERRORS ? family : `the ${family} operators are not loaded`);
  };
  if (operatorTable[family]) return lookup();
  let test: AttributeTest | undefined;
  return (attribute) => (test ??= lookup())(attribute);
}

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
      return compileRare('cidr', (cidr) => cidr(values));
  }
  // `family_suffix`, split at the first `_`. Any other operator is unknown: it never matches.
  const [, family, suffix] = /^([^_]*)_(.*)$/.exec(operator) ?? [];
  if (!isOrder(suffix)) return () => undefined;
  return family == 'num'
    ? compileComparison(NUMBERS, suffix!, values)
    : family == 'date' || family == 'semver'
      ? compileRare(family, (ordering) => compileComparison(ordering, suffix!, values))
      : () => undefined;
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
