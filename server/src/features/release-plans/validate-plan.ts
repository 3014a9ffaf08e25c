import type { ConfigState } from '../flags/store.js';
import { isPercentStep, type PlanStep } from './schemas.js';

/** One problem of a plan body: `path` dotted from `body`. */
export type Issue = { path: string; message: string };

/** Percent steps must rise strictly (a plan rolls forward; to go back, roll back). */
export function stepIssues(steps: readonly PlanStep[]): Issue[] {
  const issues: Issue[] = [];
  let last = -1;
  for (const [index, step] of steps.entries()) {
    if (!isPercentStep(step)) continue;
    if (step.percent <= last) {
      issues.push({ path: `body.steps.${index}.percent`, message: `must be more than the step before (${last})` });
    }
    last = step.percent;
  }
  if (last < 0) issues.push({ path: 'body.steps', message: 'needs at least one percent step' });
  return issues;
}

/**
 * The rule a plan moves: `ruleId` when given (400 when the environment has no such rule), else
 * the one catch-all rule (no conditions, no segments); 400 when there is none or more than one.
 */
export function pickRule(config: ConfigState, ruleId: string | undefined, issues: Issue[]): string | undefined {
  if (ruleId !== undefined) {
    if (config.rules.some((rule) => rule.id === ruleId)) return ruleId;
    issues.push({ path: 'body.ruleId', message: `no rule '${ruleId}' in this environment` });
    return undefined;
  }
  const catchAll = config.rules.filter((rule) => rule.conditions.length === 0 && rule.segments.length === 0);
  if (catchAll.length === 1) return catchAll[0]!.id;
  issues.push({
    path: 'body.ruleId',
    message:
      catchAll.length === 0
        ? 'required: the environment has no catch-all rule (no conditions, no segments) whose rollout a plan could move'
        : 'required: the environment has several catch-all rules',
  });
  return undefined;
}
