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

/** The condition's string values (others ignored), lower-cased when `caseInsensitive`. */
export function stringValues(condition: Condition): string[] {
  const values: string[] = [];
  const fold = condition.caseInsensitive === true;
  for (const value of condition.values) {
    if (typeof value === 'string') values.push(fold ? value.toLowerCase() : value);
  }
  return values;
}

/** `contains` / `starts_with` / `ends_with`. */
export function compileSubstringOperator(condition: Condition): AttributeTest {
  const values = stringValues(condition);
  const fold = condition.caseInsensitive === true;
  const count = values.length;
  let holds: (text: string, value: string) => boolean;
  switch (condition.operator) {
    case 'contains':
      holds = (text, value) => text.includes(value);
      break;
    case 'starts_with':
      holds = (text, value) => text.startsWith(value);
      break;
    default:
      holds = (text, value) => text.endsWith(value);
  }
  const predicate: StringPredicate = (attribute) => {
    const text = fold ? attribute.toLowerCase() : attribute;
    for (let i = 0; i < count; i++) if (holds(text, values[i]!)) return true;
    return false;
  };
  return (attribute) => testStringOrArray(attribute, predicate);
}
