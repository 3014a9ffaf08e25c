import { toInstant } from '../parse/date.js';
import { finiteNumber } from '../parse/number.js';
import { compareSemver, parseSemver } from '../parse/semver.js';
import type { AttributeTest } from './compile-condition.js';

/**
 * Which orders of `compare(attribute, value)` each operator suffix accepts, as a bit mask:
 * 1 = less, 2 = equal, 4 = greater.
 */
const ORDERS: Record<string, number> = { eq: 2, gt: 4, gte: 6, lt: 1, lte: 3, before: 1, after: 4 };

const difference = (a: number, b: number) => a - b;

/**
 * The ordered operators: `num_*` (finite numbers; numeric strings are the wrong type), `date_*`
 * (instants in epoch ms: spec date strings or finite numbers) and `semver_*` (strict semver 2.0
 * precedence). Values are parsed once (unparseable ones ignored), the attribute on each test
 * (unparseable = wrong type, never matches), and the operator holds when the comparison with at
 * least one value has an accepted order. Any other operator is unknown: it never matches.
 */
export function compileComparison(operator: string, values: readonly unknown[]): AttributeTest {
  // `family_suffix`, split at the first `_`.
  const [, family, suffix] = /^([^_]*)_(.*)$/.exec(operator) ?? [];
  const [parse, compare] = (
    family == 'num'
      ? [finiteNumber, difference]
      : family == 'date'
        ? [toInstant, difference]
        : family == 'semver'
          ? [parseSemver, compareSemver]
          : []
  ) as [((value: unknown) => unknown) | undefined, (a: unknown, b: unknown) => number];
  if (!parse || !Object.hasOwn(ORDERS, suffix!)) return () => undefined;
  const accepted = ORDERS[suffix!]!;
  const parsed = values.map(parse).filter((value) => value !== undefined);
  return (attribute) => {
    const value = parse(attribute);
    if (value === undefined) return undefined;
    return parsed.some((other) => {
      const order = compare(value, other);
      return (accepted & (order < 0 ? 1 : order > 0 ? 4 : 2)) > 0;
    });
  };
}
