import type { AttributeTest } from './compile-condition.js';
import type { Ordering } from './rare-operators.js';

/**
 * Which orders of `compare(attribute, value)` each operator suffix accepts, as a bit mask:
 * 1 = less, 2 = equal, 4 = greater.
 */
const ORDERS: Record<string, number> = { eq: 2, gt: 4, gte: 6, lt: 1, lte: 3, before: 1, after: 4 };

/** Whether `suffix` names an order (`gt`, `before`, …): any other is an unknown operator. */
export const isOrder = (suffix: string | undefined): boolean => Object.hasOwn(ORDERS, suffix!);

/**
 * An ordered operator `family_suffix` (`suffix` checked with {@link isOrder}): `num_*` (finite
 * numbers; numeric strings are the wrong type), `date_*` (instants in epoch ms: spec date strings or
 * finite numbers) and `semver_*` (strict semver 2.0 precedence), given their family's `ordering`.
 * Values are parsed once (unparseable ones ignored), the attribute on each test (unparseable =
 * wrong type, never matches), and the operator holds when the comparison with at least one value
 * has an accepted order.
 */
export function compileComparison(
  [parse, compare]: Ordering,
  suffix: string,
  values: readonly unknown[],
): AttributeTest {
  const order = compare as (a: unknown, b: unknown) => number;
  const accepted = ORDERS[suffix]!;
  const parsed = values.map(parse).filter((value) => value !== undefined);
  return (attribute) => {
    const value = parse(attribute);
    if (value === undefined) return undefined;
    return parsed.some((other) => {
      const result = order(value, other);
      return (accepted & (result < 0 ? 1 : result > 0 ? 4 : 2)) > 0;
    });
  };
}
