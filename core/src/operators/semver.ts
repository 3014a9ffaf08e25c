import type { Condition } from '../model/flag.js';
import { compareSemver, parseSemver, type SemVer } from '../parse/semver.js';
import type { AttributeTest } from './attribute-test.js';

/**
 * `semver_*`: strict semver 2.0 precedence. A string attribute that is not a valid version is the
 * wrong type; invalid values are ignored.
 */
export function compileSemverOperator(condition: Condition): AttributeTest {
  const versions: SemVer[] = [];
  for (const value of condition.values) {
    if (typeof value !== 'string') continue;
    const version = parseSemver(value);
    if (version !== undefined) versions.push(version);
  }
  // Comparing with the lowest (for gt/gte) or highest (for lt/lte) value settles "at least one".
  let lowest: SemVer | undefined;
  let highest: SemVer | undefined;
  for (const version of versions) {
    if (lowest === undefined || compareSemver(version, lowest) < 0) lowest = version;
    if (highest === undefined || compareSemver(version, highest) > 0) highest = version;
  }
  const operator = condition.operator;
  const holds = (version: SemVer): boolean => {
    switch (operator) {
      case 'semver_eq':
        for (const value of versions) if (compareSemver(version, value) === 0) return true;
        return false;
      case 'semver_gt':
        return lowest !== undefined && compareSemver(version, lowest) > 0;
      case 'semver_gte':
        return lowest !== undefined && compareSemver(version, lowest) >= 0;
      case 'semver_lt':
        return highest !== undefined && compareSemver(version, highest) < 0;
      default:
        return highest !== undefined && compareSemver(version, highest) <= 0;
    }
  };
  return (attribute) => {
    if (typeof attribute !== 'string') return undefined;
    const version = parseSemver(attribute);
    return version === undefined ? undefined : holds(version);
  };
}
