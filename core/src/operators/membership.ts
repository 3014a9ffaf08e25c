import type { AttributeTest } from './compile-condition.js';
import { anyString } from './string.js';

/**
 * `in` / `not_in`: the attribute (string, string[], number or boolean) equals a value of the same
 * type. One Set holds every value (a Set never equates values of different types), so a test is one
 * hash lookup. With `caseInsensitive`, string values are lower-cased once here.
 */
export function compileMembership(isIn: boolean, values: readonly unknown[], fold: boolean): AttributeTest {
  const set = new Set(values.map((value) => (fold && typeof value == 'string' ? value.toLowerCase() : value)));
  const has = fold ? (text: string) => set.has(text.toLowerCase()) : (text: string) => set.has(text);
  const test: AttributeTest = (attribute) =>
    typeof attribute == 'number' || typeof attribute == 'boolean'
      ? attribute === attribute && set.has(attribute) // NaN is never a member
      : anyString(attribute, has);
  return isIn
    ? test
    : (attribute) => {
        const holds = test(attribute);
        return holds === undefined ? holds : !holds;
      };
}
