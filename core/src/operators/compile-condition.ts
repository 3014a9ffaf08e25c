import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';
import { compileCidrOperator } from './cidr.js';
import { compileDateOperator } from './date.js';
import { compileMembershipOperator } from './membership.js';
import { compileNumberOperator } from './number.js';
import { compileRegexOperator } from './regex.js';
import { compileSemverOperator } from './semver.js';
import { compileSubstringOperator } from './string.js';

/** A condition ready for evaluation: its values are parsed and its operator resolved once. */
export interface CompiledCondition {
  readonly attribute: string;
  /** For `exists` this is unused; see `isExists`. */
  readonly test: AttributeTest;
  readonly negate: boolean;
  readonly isExists: boolean;
}

/** An operator this version does not know: every attribute is of the wrong type. */
const unknownOperator: AttributeTest = () => undefined;

/** Operators are dispatched by family (prefix) to keep the browser bundle small. */
function compileTest(condition: Condition): AttributeTest {
  const operator = String(condition.operator);
  if (operator === 'in' || operator === 'not_in') return compileMembershipOperator(condition);
  if (operator === 'contains' || operator === 'starts_with' || operator === 'ends_with') {
    return compileSubstringOperator(condition);
  }
  if (operator === 'regex') return compileRegexOperator(condition);
  if (operator === 'cidr') return compileCidrOperator(condition);
  if (operator.startsWith('num_')) return compileNumberOperator(condition);
  if (operator.startsWith('date_')) return compileDateOperator(condition);
  if (operator.startsWith('semver_')) return compileSemverOperator(condition);
  return unknownOperator;
}

/** Compiles a condition; malformed input compiles to a condition that never matches. */
export function compileCondition(condition: Condition): CompiledCondition {
  const values = Array.isArray(condition.values) ? condition.values : [];
  return {
    attribute: String(condition.attribute),
    test: compileTest({ ...condition, values }),
    negate: condition.negate === true,
    isExists: condition.operator === 'exists',
  };
}
