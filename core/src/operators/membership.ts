import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';
import { testStringOrArray } from './string.js';

/**
 * `in` / `not_in`: the attribute (string, string[], number or boolean) equals a value of the same
 * type. Values are split by type into Sets once, so a test is one hash lookup.
 */
export function compileMembershipOperator(condition: Condition): AttributeTest {
  const fold = condition.caseInsensitive === true;
  const strings = new Set<string>();
  const numbers = new Set<number>();
  let hasTrue = false;
  let hasFalse = false;
  for (const value of condition.values) {
    if (typeof value === 'string') strings.add(fold ? value.toLowerCase() : value);
    else if (typeof value === 'number') {
      if (!Number.isNaN(value)) numbers.add(value);
    } else if (value === true) hasTrue = true;
    else if (value === false) hasFalse = true;
  }
  const stringIn = fold ? (text: string) => strings.has(text.toLowerCase()) : (text: string) => strings.has(text);
  const isIn: AttributeTest = (attribute) => {
    switch (typeof attribute) {
      case 'number':
        return numbers.has(attribute);
      case 'boolean':
        return attribute ? hasTrue : hasFalse;
      default:
        return testStringOrArray(attribute, stringIn);
    }
  };
  if (condition.operator === 'in') return isIn;
  return (attribute) => {
    const result = isIn(attribute);
    return result === undefined ? undefined : !result;
  };
}
