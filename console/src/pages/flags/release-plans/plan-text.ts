import type { GuardVerdict, PlanState, PlanStep, ReleasePlan } from '../../../api/release-plans';

/** The plan's steps as the server's standard template makes them (shown before creating). */
export const STANDARD_STEPS: readonly PlanStep[] = [
  { percent: 1, holdMinutes: 30 },
  { percent: 10, holdMinutes: 60 },
  { percent: 50, holdMinutes: 60 },
  { percent: 100, holdMinutes: 0 },
];

export const STATE_LABEL: Record<PlanState, string> = {
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  aborted: 'Aborted',
  rolled_back: 'Rolled back',
};

/** States a plan ends in: it is history then. */
export const isFinished = (state: PlanState) => state === 'completed' || state === 'aborted' || state === 'rolled_back';

/** "45 s", "12 min", "1 h 30 min": a duration for people (minutes rounded up past a minute). */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "10 % for 1 h", "100 %", "manual gate". */
export function stepText(step: PlanStep): string {
  if ('gate' in step) return 'manual gate';
  return step.holdMinutes > 0
    ? `${step.percent} % for ${durationText(step.holdMinutes * 60_000)}`
    : `${step.percent} %`;
}

/** "1 % → 10 % → 50 % → 100 %": the path of the rollout. */
export const pathText = (steps: readonly PlanStep[]) =>
  steps.map((step) => ('gate' in step ? 'gate' : `${step.percent} %`)).join(' → ');

/** Percent of the plan's steps done (the current one counted), for the progress bar. */
export function stepsDone(plan: Pick<ReleasePlan, 'steps' | 'progress' | 'state'>): number {
  if (plan.state === 'completed') return plan.steps.length;
  return Math.max(0, plan.progress.currentStep + 1);
}

/** What the plan waits for now, in words, with times relative to `now`. */
export function waitingText(plan: ReleasePlan, now: number): string {
  const { progress } = plan;
  switch (progress.waitingFor) {
    case 'start':
      return 'Not started: nothing changes before Start.';
    case 'resume':
      return 'Paused: no step is applied and no guard checked until it is resumed.';
    case 'manual-gate':
      return 'Waiting at a manual gate: Advance moves to the next step.';
    case 'guards':
      return 'The hold is over; waiting for every guard to be conclusive before the next step.';
    case 'hold': {
      const ends = progress.holdEndsAt ? Date.parse(progress.holdEndsAt) : null;
      if (ends === null) return 'Holding.';
      return ends > now ? `Holding: ${durationText(ends - now)} left.` : 'Hold over: the next step is due.';
    }
    default:
      return '';
  }
}

/** "Next check in 8 s" while the plan runs. */
export function nextCheckText(plan: ReleasePlan, now: number): string | null {
  if (plan.state !== 'running' || !plan.progress.nextCheckAt) return null;
  const at = Date.parse(plan.progress.nextCheckAt);
  return at > now ? `Next check or step in ${durationText(at - now)}.` : 'Next check or step is due.';
}

/**
 * How a finished plan ended, from its `outcome`: who (a person, or the guards), to what (0 % or a
 * kill), and why (their reason, or the failing guards' messages).
 */
export function outcomeText(plan: ReleasePlan): string {
  const outcome = plan.outcome ?? {};
  const label = STATE_LABEL[plan.state];
  if (plan.state === 'completed') return `${label} at ${plan.progress.currentPercent ?? 100} %.`;
  const to = outcome.to === 'kill' ? ' (flag killed)' : outcome.to === 'rollback' ? ' to 0 %' : '';
  if (outcome.by === 'guards') {
    const failing = Array.isArray(outcome.failing) ? (outcome.failing as GuardVerdict[]) : [];
    const because = failing.map(
      (verdict) => `guard ${verdict.guard} (${verdict.kind}) ${verdict.status}: ${verdict.message}`,
    );
    return `${label}${to} by its guards${because.length > 0 ? `: ${because.join('; ')}` : ` (${String(outcome.because ?? 'fail')})`}.`;
  }
  if (outcome.by === 'plan' && typeof outcome.error === 'string') return `${label}: ${outcome.error}`;
  const by = typeof outcome.by === 'string' ? ` by ${outcome.by}` : '';
  const reason = typeof outcome.reason === 'string' && outcome.reason ? `: ${outcome.reason}` : '';
  return `${label}${to}${by}${reason}.`;
}

/** The failing verdicts a rollback recorded (the evidence to show in the history). */
export function failingVerdicts(plan: ReleasePlan): GuardVerdict[] {
  const failing = plan.outcome?.failing;
  return Array.isArray(failing) ? (failing as GuardVerdict[]) : [];
}

/** One issue of a 400 (`details.issues`), as the server's validation answers it. */
export interface Issue {
  path: string;
  message: string;
}

/** The issues of a 400 body's `details`, if any. */
export function issuesOf(details: unknown): Issue[] {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is Issue => typeof issue?.path === 'string' && typeof issue?.message === 'string',
  );
}

/** Parses the guards editor's text: a JSON array of guard specs (the server validates their fields). */
export function parseGuards(text: string): { guards: { kind: string }[] } | { error: string } {
  if (!text.trim()) return { guards: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `Not JSON: ${(error as Error).message}` };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((item) => typeof item === 'object' && item !== null && typeof item.kind === 'string')) {
    return { error: 'Each guard is an object with a "kind": "http", "prometheus" or "builtin".' };
  }
  return { guards: list as { kind: string }[] };
}
