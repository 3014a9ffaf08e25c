import type { GuardVerdict } from './guards/index.js';
import { percentAt } from './decide.js';
import { isPercentStep, type PlanStep, type PlanView, type VerdictView } from './schemas.js';
import type { PlanRow } from './store.js';

/** A verdict as the plan stores and shows it. */
export function toVerdictView(guard: number, kind: string, verdict: GuardVerdict, at: Date): VerdictView {
  return {
    guard,
    kind,
    status: verdict.status,
    message: verdict.message,
    observed: verdict.observed ?? null,
    evidence: verdict.evidence,
    at: at.toISOString(),
  };
}

export function toPlanView(row: PlanRow): PlanView {
  const steps = row.steps as PlanStep[];
  const step = row.currentStep >= 0 ? steps[row.currentStep] : undefined;
  const holdEndsAt =
    step && isPercentStep(step) && row.stepStartedAt
      ? new Date(row.stepStartedAt.getTime() + step.holdMinutes * 60_000).toISOString()
      : null;
  return {
    id: row.id,
    flag: row.flag.key,
    environment: row.environment.key,
    ruleId: row.ruleId,
    steps,
    guards: row.guards as { kind: string }[],
    guardIntervalSeconds: row.guardIntervalSeconds,
    onFailure: row.onFailure as PlanView['onFailure'],
    onInconclusive: row.onInconclusive as PlanView['onInconclusive'],
    reason: row.reason,
    state: row.state,
    progress: {
      currentStep: row.currentStep,
      currentPercent: percentAt(steps, row.currentStep),
      stepStartedAt: row.stepStartedAt?.toISOString() ?? null,
      holdEndsAt,
      nextCheckAt: row.state === 'running' ? (row.nextCheckAt?.toISOString() ?? null) : null,
      waitingFor: waitingFor(row, step, holdEndsAt),
      lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
      verdicts: row.lastVerdicts as VerdictView[],
    },
    outcome: (row.outcome as Record<string, unknown> | null) ?? null,
    createdBy: { kind: row.createdByKind, id: row.createdById, display: row.createdBy },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

function waitingFor(
  row: PlanRow,
  step: PlanStep | undefined,
  holdEndsAt: string | null,
): PlanView['progress']['waitingFor'] {
  if (row.state === 'draft') return 'start';
  if (row.state === 'paused') return 'resume';
  if (row.state !== 'running' || !step) return null;
  if (!isPercentStep(step)) return 'manual-gate';
  const checked = row.lastCheckedAt ?? row.stepStartedAt;
  return holdEndsAt && checked && checked.getTime() >= Date.parse(holdEndsAt) ? 'guards' : 'hold';
}
