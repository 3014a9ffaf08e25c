import { isPercentStep, type PlanStep } from './schemas.js';

/** What a plan's check found: every guard's verdict status (empty when it has no guards). */
export interface PlanCheckInput {
  steps: readonly PlanStep[];
  /** -1 before the first step. */
  currentStep: number;
  stepStartedAt: Date | null;
  onInconclusive: 'hold' | 'continue' | 'rollback';
  guardIntervalSeconds: number;
  hasGuards: boolean;
  verdicts: readonly { status: 'pass' | 'fail' | 'inconclusive' }[];
  now: Date;
}

export type PlanDecision =
  | { action: 'rollback'; because: 'fail' | 'inconclusive' }
  | { action: 'advance'; to: number }
  | { action: 'complete' }
  /** Check again at `nextCheckAt` (null: only a person moves it on, at a gate without guards). */
  | { action: 'wait'; nextCheckAt: Date | null; waitingFor: 'hold' | 'guards' | 'manual-gate' };

/**
 * The decision of one check of a running plan, pure. In order: any failing guard rolls back (an
 * inconclusive one too when `onInconclusive` is `rollback`); before the first step, the first
 * step; at a manual gate, wait (guards are still checked every interval: the flag stays at the
 * previous percentage); during a hold, wait until the hold ends or the next guard check, whichever
 * is first; after the hold, an inconclusive guard holds the step (policy `hold`) until the next
 * check; otherwise the next step, or `complete` after the last one.
 */
export function decidePlanCheck(input: PlanCheckInput): PlanDecision {
  const { steps, currentStep, now } = input;
  const interval = input.guardIntervalSeconds * 1_000;
  const nextGuardCheck = new Date(now.getTime() + interval);
  if (input.verdicts.some((verdict) => verdict.status === 'fail')) return { action: 'rollback', because: 'fail' };
  const inconclusive = input.verdicts.some((verdict) => verdict.status === 'inconclusive');
  if (inconclusive && input.onInconclusive === 'rollback') return { action: 'rollback', because: 'inconclusive' };
  if (currentStep < 0) return { action: 'advance', to: 0 };
  const step = steps[currentStep]!;
  if (!isPercentStep(step)) {
    return { action: 'wait', nextCheckAt: input.hasGuards ? nextGuardCheck : null, waitingFor: 'manual-gate' };
  }
  const holdEnds = new Date((input.stepStartedAt ?? now).getTime() + step.holdMinutes * 60_000);
  if (now < holdEnds) {
    const next = input.hasGuards && nextGuardCheck < holdEnds ? nextGuardCheck : holdEnds;
    return { action: 'wait', nextCheckAt: next, waitingFor: 'hold' };
  }
  if (inconclusive && input.onInconclusive === 'hold') {
    return { action: 'wait', nextCheckAt: nextGuardCheck, waitingFor: 'guards' };
  }
  return currentStep + 1 < steps.length ? { action: 'advance', to: currentStep + 1 } : { action: 'complete' };
}

/** The rollout percentage in force at step `index`: the last percent step at or before it (null: none yet). */
export function percentAt(steps: readonly PlanStep[], index: number): number | null {
  for (let at = Math.min(index, steps.length - 1); at >= 0; at--) {
    const step = steps[at]!;
    if (isPercentStep(step)) return step.percent;
  }
  return null;
}
