import type { AttributeTest } from './compile-condition.js';
import { anyString } from './string.js';

/**
 * `in` (and `not_in`, which compileCondition runs as a negated `in`): the attribute (string,
 * string[], number or boolean) equals a value of the same type. One Set holds every value (a Set never equates values of different types), so a test is one
 * hash lookup. With `caseInsensitive`, string values are lower-cased once here.
 */
export function compileMembership(values: readonly unknown[], fold: boolean): AttributeTest {
  const set = new Set(values.map((value) => (fold && typeof value == 'string' ? value.toLowerCase() : value)));
  const has = fold ? (text: string) => set.has(text.toLowerCase()) : (text: string) => set.has(text);
  return (attribute) =>
    typeof attribute == 'number' || typeof attribute == 'boolean'
      ? attribute === attribute && set.has(attribute) // NaN is never a member
      : anyString(attribute, has);
}
