import {
  type AbortSignalLike,
  isRedosVerdictCached,
  redosProblem,
  redosProblemAsync,
  redosVerdictAsync,
} from './regex-redos.js';
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
 *
 * Steps 1–3 ({@link regexSyntaxProblem}) are deterministic and cheap (microseconds), so the zod
 * schemas run them. Step 4 is an analysis that takes milliseconds and can time out: the server runs
 * it asynchronously after schema validation ({@link regexPatternProblemAsync}), so that its event
 * loop keeps serving meanwhile. {@link regexPatternProblem} runs all four synchronously, for the
 * few callers that must answer at once.
 */

/** Longest accepted pattern, in UTF-16 code units. */
export const MAX_REGEX_PATTERN_LENGTH = 256;

/** Steps 1–3: why `pattern` is not in the accepted syntax, or `undefined`. Deterministic, fast. */
export function regexSyntaxProblem(pattern: string): string | undefined {
  return syntaxAnalysis(pattern).problem;
}

function syntaxAnalysis(pattern: string): { problem: string } | { problem?: undefined; overApproximation: string } {
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH)
    return { problem: `is longer than ${MAX_REGEX_PATTERN_LENGTH} characters` };
  try {
    new RegExp(pattern);
    new RegExp(pattern, 'i');
  } catch {
    return { problem: 'is not a valid regular expression' };
  }
  return parseRegex(pattern);
}

/**
 * Why `pattern` may not be stored, or `undefined` when it is acceptable (steps 1–4). Blocks the
 * calling thread during the analysis (1–20 ms for a new pattern, up to 2 s): prefer
 * {@link regexPatternProblemAsync} wherever the caller can wait.
 */
export function regexPatternProblem(pattern: string, caseInsensitive = false): string | undefined {
  const analysis = syntaxAnalysis(pattern);
  if (analysis.problem !== undefined) return analysis.problem;
  // Both: the widened pattern exposes growth a count hides, but a loop can also hide what a count
  // shows (`(?:[ab]|[^b]){2}.*$` is quadratic, `(?:[ab]|[^b])+.*$` is not).
  return (
    redosProblem(pattern, caseInsensitive) ??
    (analysis.overApproximation === pattern ? undefined : redosProblem(analysis.overApproximation, caseInsensitive))
  );
}

/**
 * {@link regexPatternProblem} without blocking the event loop: recheck analyses outside the
 * calling thread. When `signal` aborts before the answer, the pattern is refused as undecided.
 */
export async function regexPatternProblemAsync(
  pattern: string,
  caseInsensitive = false,
  signal?: AbortSignalLike,
): Promise<string | undefined> {
  const analysis = syntaxAnalysis(pattern);
  if (analysis.problem !== undefined) return analysis.problem;
  return (
    (await redosProblemAsync(pattern, caseInsensitive, signal)) ??
    (analysis.overApproximation === pattern
      ? undefined
      : await redosProblemAsync(analysis.overApproximation, caseInsensitive, signal))
  );
}

/**
 * {@link regexPatternProblemAsync} with whether the answer is decided: a refusal because the
 * analysis timed out (or was cancelled) is not, and may go the other way another time. Syntax
 * refusals and recheck's `safe` / `vulnerable` are decided (the same on every machine).
 */
export async function regexPatternVerdictAsync(
  pattern: string,
  caseInsensitive = false,
  signal?: AbortSignalLike,
): Promise<{ problem: string | undefined; decided: boolean }> {
  const analysis = syntaxAnalysis(pattern);
  if (analysis.problem !== undefined) return { problem: analysis.problem, decided: true };
  const asWritten = await redosVerdictAsync(pattern, caseInsensitive, signal);
  if (asWritten.verdict !== undefined || analysis.overApproximation === pattern) {
    return { problem: asWritten.verdict, decided: asWritten.decided };
  }
  const widened = await redosVerdictAsync(analysis.overApproximation, caseInsensitive, signal);
  return { problem: widened.verdict, decided: widened.decided };
}

/** True when {@link regexPatternProblemAsync} would answer from cached verdicts, analysing nothing. */
export function isRegexVerdictCached(pattern: string, caseInsensitive = false): boolean {
  const analysis = syntaxAnalysis(pattern);
  if (analysis.problem !== undefined) return true;
  return (
    isRedosVerdictCached(pattern, caseInsensitive) && isRedosVerdictCached(analysis.overApproximation, caseInsensitive)
  );
}
