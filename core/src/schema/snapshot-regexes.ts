import type { Condition, Snapshot } from '../model/flag.js';
import { regexPatternProblem, regexPatternProblemAsync } from './regex-safety.js';

/** A `regex` pattern that {@link withoutRefusedRegexes} took out of a snapshot, and why. */
export interface RefusedRegex {
  /** `flag <key>` or `segment <key>`. */
  where: string;
  pattern: string;
  problem: string;
}

/**
 * The snapshot with every `regex` pattern the server would refuse at write time taken out of its
 * condition's `values` (same check: {@link regexPatternProblem}), and the list of what was taken.
 * An SDK runs this on snapshots that did not come from a server (a bootstrap, a cache file), so that
 * a hand-edited file or one written by an older server cannot stall evaluation. A removed pattern
 * behaves like an invalid one: it is ignored (spec: "Conditions"). Returns `snapshot` itself when
 * nothing is refused; never throws on odd shapes (those are left to the evaluator).
 */
export function withoutRefusedRegexes(
  snapshot: Snapshot,
  problemOf: (pattern: string, caseInsensitive: boolean) => string | undefined = regexPatternProblem,
): { snapshot: Snapshot; refused: RefusedRegex[] } {
  const refused: RefusedRegex[] = [];
  const cleanConditions = (conditions: unknown, where: string): unknown => {
    if (!Array.isArray(conditions)) return conditions;
    let changed = false;
    const cleaned = conditions.map((condition: Condition) => {
      if (condition?.operator !== 'regex' || !Array.isArray(condition.values)) return condition;
      const values = condition.values.filter((pattern) => {
        if (typeof pattern !== 'string') return true;
        const problem = problemOf(pattern, condition.caseInsensitive === true);
        if (problem !== undefined) refused.push({ where, pattern, problem });
        return problem === undefined;
      });
      if (values.length === condition.values.length) return condition;
      changed = true;
      return { ...condition, values };
    });
    return changed ? cleaned : conditions;
  };
  const flags = Array.isArray(snapshot?.flags)
    ? snapshot.flags.map((flag) => {
        if (!Array.isArray(flag?.rules)) return flag;
        let changed = false;
        const rules = flag.rules.map((rule) => {
          const conditions = cleanConditions(rule?.conditions, `flag ${flag.key}`);
          if (conditions === rule?.conditions) return rule;
          changed = true;
          return { ...rule, conditions } as typeof rule;
        });
        return changed ? { ...flag, rules } : flag;
      })
    : snapshot?.flags;
  const segments = Array.isArray(snapshot?.segments)
    ? snapshot.segments.map((segment) => {
        const conditions = cleanConditions(segment?.conditions, `segment ${segment?.key}`);
        return conditions === segment?.conditions ? segment : ({ ...segment, conditions } as typeof segment);
      })
    : snapshot?.segments;
  return { snapshot: refused.length === 0 ? snapshot : { ...snapshot, flags, segments }, refused };
}

/**
 * {@link withoutRefusedRegexes} without blocking the event loop: each distinct pattern is analysed
 * asynchronously first (regexPatternProblemAsync), then the snapshot is cleaned with those verdicts.
 */
export async function withoutRefusedRegexesAsync(
  snapshot: Snapshot,
): Promise<{ snapshot: Snapshot; refused: RefusedRegex[] }> {
  const seen = new Map<string, { pattern: string; caseInsensitive: boolean }>();
  const keyOf = (pattern: string, caseInsensitive: boolean) => `${caseInsensitive ? 'i' : ''}/${pattern}`;
  withoutRefusedRegexes(snapshot, (pattern, caseInsensitive) => {
    seen.set(keyOf(pattern, caseInsensitive), { pattern, caseInsensitive });
    return undefined;
  });
  const problems = new Map<string, string | undefined>();
  for (const [key, { pattern, caseInsensitive }] of seen) {
    problems.set(key, await regexPatternProblemAsync(pattern, caseInsensitive));
  }
  return withoutRefusedRegexes(snapshot, (pattern, caseInsensitive) => problems.get(keyOf(pattern, caseInsensitive)));
}
