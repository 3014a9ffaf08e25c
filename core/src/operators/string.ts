import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';

/**
 * String operators on a string or string[] attribute. With `caseInsensitive`, values are lower-cased
 * once here and the attribute once per test. A string[] attribute holds when any element does.
 */

type StringPredicate = (attribute: string) => boolean;

/** Applies `predicate` to a string attribute or to each string element of a string[] attribute. */
export function testStringOrArray(attribute: unknown, predicate: StringPredicate): boolean | undefined {
  if (typeof attribute === 'string') return predicate(attribute);
  if (!Array.isArray(attribute)) return undefined;
  for (let i = 0; i < attribute.length; i++) {
    const element: unknown = attribute[i];
    if (typeof element === 'string' && predicate(element)) return true;
  }
  return false;
}

/** `contains` / `starts_with` / `ends_with`; non-string values are ignored. */
export function compileSubstringOperator(condition: Condition): AttributeTest {
  const fold = condition.caseInsensitive === true;
  const values: string[] = [];
  for (const value of condition.values) {
    if (typeof value === 'string') values.push(fold ? value.toLowerCase() : value);
  }
  const operator = condition.operator;
  const method = operator === 'contains' ? 'includes' : operator === 'starts_with' ? 'startsWith' : 'endsWith';
  const predicate: StringPredicate = (attribute) => {
    const text = fold ? attribute.toLowerCase() : attribute;
    for (let i = 0; i < values.length; i++) if (text[method](values[i]!)) return true;
    return false;
  };
  return (attribute) => testStringOrArray(attribute, predicate);
}
