import type { Condition, Rule } from '@switchyard/core';
import { isRegexVerdictCached, regexPatternProblemAsync } from '@switchyard/core/schema';
import type { ValidationIssue } from '../http/errors.js';
import { badRequest } from '../http/errors.js';

/**
 * The backtracking analysis of `regex` patterns on the write path, after schema validation (the
 * zod schemas check the syntax only, synchronously: see core's regex-safety.ts). recheck runs
 * outside the event loop (its native agent or a worker thread), so SSE streams and other requests
 * of the replica keep being served while a write's patterns are analysed.
 *
 * Only patterns the write adds are analysed: those already stored were checked when written (or,
 * for rows older than the check, by the start-up scan: stored-regex-fix.ts). Verdicts are cached
 * per pattern (LRU, in core), so rewriting a configuration with unchanged patterns analyses nothing.
 * Per request, at most {@link REGEX_WRITE_LIMITS}`.maxNewPatterns` patterns not cached yet are
 * analysed, within {@link REGEX_WRITE_LIMITS}`.budgetMs` in all; what is left over is refused with
 * a 400 saying so (the verdicts reached are kept, so sending the request again goes on from there).
 */

/** One `regex` pattern of a request, with the dotted path of its value (`body.rules.0.conditions.1.values.0`). */
export interface RegexAt {
  path: string;
  pattern: string;
  caseInsensitive: boolean;
}

/** Bounds of the analysis one write may ask for. */
export interface RegexWriteLimits {
  /** Most patterns without a cached verdict analysed for one request. */
  maxNewPatterns: number;
  /** Total time the request may wait for analyses (each also stops at recheck's own 2 s timeout). */
  budgetMs: number;
}

export const REGEX_WRITE_LIMITS: RegexWriteLimits = { maxNewPatterns: 32, budgetMs: 5000 };

/** Every string value of every `regex` condition of `conditions`, whose path is `path`. */
export function regexesIn(conditions: readonly Condition[] | undefined, path: string): RegexAt[] {
  const found: RegexAt[] = [];
  (conditions ?? []).forEach((condition, index) => {
    if (condition.operator !== 'regex') return;
    condition.values.forEach((value, valueIndex) => {
      if (typeof value !== 'string') return;
      const at = `${path}.${index}.values.${valueIndex}`;
      found.push({ path: at, pattern: value, caseInsensitive: condition.caseInsensitive === true });
    });
  });
  return found;
}

/** {@link regexesIn} over every rule's conditions (`body.rules.<i>.conditions`). */
export function regexesOfRules(rules: readonly Pick<Rule, 'conditions'>[] | undefined, path = 'body.rules'): RegexAt[] {
  return (rules ?? []).flatMap((rule, index) => regexesIn(rule.conditions, `${path}.${index}.conditions`));
}

const keyOf = ({ pattern, caseInsensitive }: Pick<RegexAt, 'pattern' | 'caseInsensitive'>) =>
  `${caseInsensitive ? 'i' : ''}/${pattern}`;

/** The entries of `next` whose pattern (with its case flag) `stored` does not hold. */
export function addedRegexes(next: RegexAt[], stored: RegexAt[]): RegexAt[] {
  const known = new Set(stored.map(keyOf));
  return next.filter((entry) => !known.has(keyOf(entry)));
}

/** True when every entry has a cached verdict: checking them costs nothing (and reads nothing). */
export function allRegexVerdictsCached(regexes: RegexAt[]): boolean {
  return regexes.every((entry) => isRegexVerdictCached(entry.pattern, entry.caseInsensitive));
}

/** The problems of `regexes`, one issue per refused value, analysed within `limits`. */
export async function regexIssues(
  regexes: RegexAt[],
  limits: RegexWriteLimits = REGEX_WRITE_LIMITS,
): Promise<ValidationIssue[]> {
  if (regexes.length === 0) return [];
  const signal = AbortSignal.timeout(limits.budgetMs);
  const problems = new Map<string, string | undefined>();
  let analysed = 0;
  for (const entry of regexes) {
    const key = keyOf(entry);
    if (problems.has(key)) continue;
    const cached = isRegexVerdictCached(entry.pattern, entry.caseInsensitive);
    if (!cached && analysed >= limits.maxNewPatterns) {
      problems.set(
        key,
        `not analysed: the request adds more than ${limits.maxNewPatterns} regex patterns not seen before ` +
          `(those analysed are remembered: send it again, or add fewer patterns per request)`,
      );
      continue;
    }
    if (!cached) analysed += 1;
    const problem = await regexPatternProblemAsync(entry.pattern, entry.caseInsensitive, signal);
    problems.set(
      key,
      problem !== undefined && signal.aborted && !isRegexVerdictCached(entry.pattern, entry.caseInsensitive)
        ? `not analysed within the request's ${limits.budgetMs} ms for regex analysis (those analysed are ` +
            `remembered: send it again, or add fewer patterns per request)`
        : problem,
    );
  }
  const issues: ValidationIssue[] = [];
  for (const entry of regexes) {
    const problem = problems.get(keyOf(entry));
    if (problem !== undefined) {
      const message = problem.startsWith('not analysed') ? problem : `pattern ${problem}`;
      issues.push({ path: entry.path, message: `${JSON.stringify(entry.pattern)}: ${message}` });
    }
  }
  return issues;
}

/** Throws the 400 of {@link regexIssues} when there is any, naming the first refused value. */
export async function assertRegexesSafe(
  regexes: RegexAt[],
  what: string,
  limits: RegexWriteLimits = REGEX_WRITE_LIMITS,
): Promise<void> {
  const issues = await regexIssues(regexes, limits);
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw badRequest(`${what}: ${first.path}: ${first.message}`, { issues });
}
