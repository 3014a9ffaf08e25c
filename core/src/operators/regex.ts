import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';
import { testStringOrArray } from './string.js';

/** Compiles a pattern (unanchored, `i` when case-insensitive), or `undefined` when it is invalid. */
export function compilePattern(pattern: string, caseInsensitive: boolean): RegExp | undefined {
  try {
    return new RegExp(pattern, caseInsensitive ? 'i' : '');
  } catch {
    return undefined;
  }
}

/** `regex`: some pattern finds a match in the string (or some element of a string[]). */
export function compileRegexOperator(condition: Condition): AttributeTest {
  const patterns: RegExp[] = [];
  for (const value of condition.values) {
    if (typeof value !== 'string') continue;
    const pattern = compilePattern(value, condition.caseInsensitive === true);
    if (pattern !== undefined) patterns.push(pattern);
  }
  const count = patterns.length;
  const predicate = (text: string): boolean => {
    for (let i = 0; i < count; i++) if (patterns[i]!.test(text)) return true;
    return false;
  };
  return (attribute) => testStringOrArray(attribute, predicate);
}
