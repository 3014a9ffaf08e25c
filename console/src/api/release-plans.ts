import { path, request } from './client';

/**
 * Release plans (issue 15): `…/flags/:flag/environments/:environment/release-plans`. The types
 * mirror the server's `ReleasePlan` and `GuardVerdict` schemas
 * (server/src/features/release-plans/schemas.ts); percentages are percent, as the API takes them.
 */
export type PlanStep = { percent: number; holdMinutes: number } | { gate: 'manual' };

export type PlanState = 'draft' | 'running' | 'paused' | 'completed' | 'aborted' | 'rolled_back';

export interface GuardVerdict {
  /** Index in the plan's `guards`. */
  guard: number;
  kind: string;
  status: 'pass' | 'fail' | 'inconclusive';
  message: string;
  observed: number | null;
  evidence: Record<string, unknown>;
  at: string;
}

export interface GuardSpec {
  kind: string;
  [field: string]: unknown;
}

export interface ReleasePlan {
  id: string;
  flag: string;
  environment: string;
  ruleId: string;
  steps: PlanStep[];
  guards: GuardSpec[];
  guardIntervalSeconds: number;
  onFailure: 'rollback' | 'kill';
  onInconclusive: 'hold' | 'continue' | 'rollback';
  reason: string | null;
  state: PlanState;
  progress: {
    /** Index of the step applied last; -1 before the first. */
    currentStep: number;
    currentPercent: number | null;
    stepStartedAt: string | null;
    holdEndsAt: string | null;
    nextCheckAt: string | null;
    waitingFor: 'start' | 'hold' | 'guards' | 'manual-gate' | 'resume' | null;
    lastCheckedAt: string | null;
    verdicts: GuardVerdict[];
  };
  /** How it ended: who and why; for a guard rollback, the failing verdicts. */
  outcome: Record<string, unknown> | null;
  createdBy: { kind: string; id: string; display: string };
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** What `POST …/release-plans` takes: `template: 'standard'` or `steps`. */
export interface CreatePlanBody {
  template?: 'standard';
  steps?: PlanStep[];
  ruleId?: string;
  guards?: GuardSpec[];
  guardIntervalSeconds?: number;
  onFailure?: 'rollback' | 'kill';
  onInconclusive?: 'hold' | 'continue' | 'rollback';
  reason?: string;
}

export type PlanVerb = 'start' | 'pause' | 'resume' | 'abort' | 'advance' | 'rollback';

/** The body of an action: a reason; `fromStep` for advance; `to` for rollback. */
export interface PlanActionBody {
  reason?: string;
  fromStep?: number;
  to?: 'rollback' | 'kill';
}

const plansPath = (project: string, flag: string, environment: string) =>
  path`/projects/${project}/flags/${flag}/environments/${environment}/release-plans`;

/** The flag's plans in the environment, newest first. */
export async function listPlans(project: string, flag: string, environment: string): Promise<ReleasePlan[]> {
  return (await request<{ items: ReleasePlan[] }>('GET', plansPath(project, flag, environment))).data.items;
}

/** Creates a draft (400 with `details.issues` for bad steps or guards; nothing is written then). */
export async function createPlan(
  project: string,
  flag: string,
  environment: string,
  body: CreatePlanBody,
): Promise<ReleasePlan> {
  return (await request<ReleasePlan>('POST', plansPath(project, flag, environment), { body })).data;
}

/** start, pause, resume, abort, advance (with `fromStep`) or rollback (with `to`). */
export async function planAction(
  project: string,
  flag: string,
  environment: string,
  id: string,
  verb: PlanVerb,
  body: PlanActionBody = {},
): Promise<ReleasePlan> {
  const url = `${plansPath(project, flag, environment)}${path`/${id}/${verb}`}`;
  return (await request<ReleasePlan>('POST', url, { body })).data;
}

/** Deletes a draft (409 for a plan that ran: it stays as the record). */
export async function deleteDraft(project: string, flag: string, environment: string, id: string): Promise<void> {
  await request<null>('DELETE', `${plansPath(project, flag, environment)}${path`/${id}`}`);
}
