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

const wrongType: AttributeTest = () => undefined;

function compileTest(condition: Condition): AttributeTest {
  switch (condition.operator) {
    case 'in':
    case 'not_in':
      return compileMembershipOperator(condition);
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return compileSubstringOperator(condition);
    case 'regex':
      return compileRegexOperator(condition);
    case 'num_eq':
    case 'num_gt':
    case 'num_gte':
    case 'num_lt':
    case 'num_lte':
      return compileNumberOperator(condition);
    case 'date_before':
    case 'date_after':
      return compileDateOperator(condition);
    case 'semver_eq':
    case 'semver_gt':
    case 'semver_gte':
    case 'semver_lt':
    case 'semver_lte':
      return compileSemverOperator(condition);
    case 'cidr':
      return compileCidrOperator(condition);
    default:
      // An operator this version does not know never matches.
      return wrongType;
  }
}

/** Compiles a condition; malformed input compiles to a condition that never matches. */
export function compileCondition(condition: Condition): CompiledCondition {
  const safe: Condition = {
    ...condition,
    values: Array.isArray(condition.values) ? condition.values : [],
  };
  return {
    attribute: String(condition.attribute),
    test: compileTest(safe),
    negate: condition.negate === true,
    isExists: condition.operator === 'exists',
  };
}
