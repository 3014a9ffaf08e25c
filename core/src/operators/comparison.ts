import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';

/** What each operator suffix requires of `compare(attribute, value)`. */
const ORDER_TESTS: Record<string, (order: number) => boolean> = {
  eq: (order) => order === 0,
  gt: (order) => order > 0,
  gte: (order) => order >= 0,
  lt: (order) => order < 0,
  lte: (order) => order <= 0,
  before: (order) => order < 0,
  after: (order) => order > 0,
};

/**
 * The shared shape of the ordered operators (`num_*`, `date_*`, `semver_*`): values are parsed once
 * (unparseable ones ignored), the attribute on each test (unparseable = wrong type, never matches),
 * and the operator holds when the comparison with at least one value has the required order.
 */
export function compileComparison<T>(
  condition: Condition,
  parse: (value: unknown) => T | undefined,
  compare: (attribute: T, value: T) => number,
): AttributeTest {
  const values: T[] = [];
  for (const value of condition.values) {
    const parsed = parse(value);
    if (parsed !== undefined) values.push(parsed);
  }
  const operator = condition.operator;
  const suffix = operator.slice(operator.indexOf('_') + 1);
  // An unknown suffix is an unknown operator: the wrong type for every attribute, never a match.
  if (!Object.hasOwn(ORDER_TESTS, suffix)) return () => undefined;
  const orderHolds = ORDER_TESTS[suffix]!;
  return (attribute) => {
    const parsed = parse(attribute);
    if (parsed === undefined) return undefined;
    for (let i = 0; i < values.length; i++) if (orderHolds(compare(parsed, values[i]!))) return true;
    return false;
  };
}
