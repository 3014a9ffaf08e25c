import type { Condition } from '../model/flag.js';
import { compareSemver, parseSemver } from '../parse/semver.js';
import type { AttributeTest } from './attribute-test.js';
import { compileComparison } from './comparison.js';

const semver = (value: unknown) => (typeof value === 'string' ? parseSemver(value) : undefined);

/**
 * `semver_*`: strict semver 2.0 precedence. A string attribute that is not a valid version is the
 * wrong type; invalid values are ignored.
 */
export function compileSemverOperator(condition: Condition): AttributeTest {
  return compileComparison(condition, semver, compareSemver);
}
