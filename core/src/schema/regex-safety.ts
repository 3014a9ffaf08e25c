import { redosProblem } from './regex-redos.js';
import { parseRegex } from './regex-syntax.js';

/**
 * Write-time screening of `regex` condition patterns, so that no accepted pattern can make an SDK
 * spend more than linear time on an attribute (at most `MAX_REGEX_INPUT_LENGTH` code units; longer
 * ones are not tested). In order, refusing at the first problem:
 * 1. at most {@link MAX_REGEX_PATTERN_LENGTH} code units;
 * 2. a valid ECMAScript RegExp, with and without `i`;
 * 3. inside the portable syntax (regex-syntax.ts: no back-references, look-around, …);
 * 4. proven free of super-linear backtracking by recheck (regex-redos.ts), both as written and with
 *    its counted repetitions widened to unbounded ones (regex-syntax.ts), with the `i` flag when
 *    the condition is case-insensitive. Undecided counts as unsafe.
 */

/** Longest accepted pattern, in UTF-16 code units. */
export const MAX_REGEX_PATTERN_LENGTH = 256;

/** Why `pattern` may not be stored, or `undefined` when it is acceptable. */
export function regexPatternProblem(pattern: string, caseInsensitive = false): string | undefined {
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) return `is longer than ${MAX_REGEX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern);
    new RegExp(pattern, 'i');
  } catch {
    return 'is not a valid regular expression';
  }
  const analysis = parseRegex(pattern);
  if (analysis.problem !== undefined) return analysis.problem;
  // Both: the widened pattern exposes growth a count hides, but a loop can also hide what a count
  // shows (`(?:[ab]|[^b]){2}.*$` is quadratic, `(?:[ab]|[^b])+.*$` is not).
  return (
    redosProblem(pattern, caseInsensitive) ??
    (analysis.overApproximation === pattern ? undefined : redosProblem(analysis.overApproximation, caseInsensitive))
  );
}
