import { toInstant } from '../parse/date.js';
import { compareSemver, parseSemver } from '../parse/semver.js';
import { compileCidr } from './cidr.js';
import type { AttributeTest } from './compile-condition.js';

/** How an ordered operator family reads a value (`undefined`: not one) and orders two of them. */
export type Ordering = readonly [parse: (value: unknown) => unknown, compare: (a: never, b: never) => number];

/**
 * `@switchyard/core/operators`. The operator families whose parsers are large and that most flags never use: `cidr`, `date_*`
 * and `semver_*`. The condition compiler reaches them through the table in operator-table.ts,
 * which core fills with {@link RARE_OPERATORS}; the browser client's bundle starts with an empty
 * table and loads these on demand (see sdk-browser/src/operators-extra.ts).
 */
export interface RareOperators {
  readonly cidr: (values: readonly unknown[]) => AttributeTest;
  readonly date: Ordering;
  readonly semver: Ordering;
}

/** Every rare operator family, implemented. */
export const RARE_OPERATORS: RareOperators = {
  cidr: compileCidr,
  date: [toInstant, (a: number, b: number) => a - b],
  semver: [parseSemver, compareSemver],
};
