import type { PrismaClient } from '../../generated/prisma/client.js';
import { notFound } from '../../http/errors.js';
import { requireFlag } from '../flags/service.js';
import { requireProject } from '../projects/store.js';
import { canaryGate } from './canary-gate.js';
import type { CurrentPlanView } from './schemas.js';
import { ACTIVE_STATES, withKeys } from './store.js';
import { toPlanView } from './views.js';

/**
 * The current release plan of a flag in one environment, with the flag's kill state and the gate
 * a deployment canary reads (canary-gate.ts): the running or paused plan if there is one (at most
 * one is, start makes sure), else the newest plan. 404 when the flag has no plan there, or the
 * project, flag or environment does not exist. Two indexed reads and no evidence: cheap enough for
 * an analysis that asks every few seconds.
 */
export async function readCurrentPlan(
  prisma: PrismaClient,
  projectKey: string,
  flagKey: string,
  environmentKey: string,
): Promise<CurrentPlanView> {
  const project = await requireProject(prisma, projectKey);
  const flag = await requireFlag(prisma, project.id, flagKey);
  const environment = await prisma.environment.findUnique({
    where: { projectId_key: { projectId: project.id, key: environmentKey } },
    select: { id: true },
  });
  if (!environment) throw notFound(`Environment '${environmentKey}' not found in project '${projectKey}'`);
  const where = { flagId: flag.id, environmentId: environment.id };
  const order = [{ createdAt: 'desc' as const }, { id: 'asc' as const }];
  const row =
    (await prisma.releasePlan.findFirst({
      where: { ...where, state: { in: [...ACTIVE_STATES] } },
      include: withKeys,
      orderBy: order,
    })) ?? (await prisma.releasePlan.findFirst({ where, include: withKeys, orderBy: order }));
  if (!row) throw notFound(`Flag '${flagKey}' has no release plan in '${environmentKey}'`);
  const config = await prisma.flagConfig.findUnique({
    where: { flagId_environmentId: where },
    select: { killedFrom: true },
  });
  const plan = toPlanView(row);
  const killed = config !== null && config.killedFrom !== null;
  const guards = plan.progress.verdicts.map(({ guard, kind, status, message, observed, at }) => ({
    guard,
    kind,
    status,
    message,
    observed,
    at,
  }));
  return {
    ...canaryGate({ killed, state: plan.state, verdicts: guards }),
    killed,
    id: plan.id,
    state: plan.state,
    step: plan.progress.currentStep,
    stepCount: plan.steps.length,
    percent: plan.progress.currentPercent,
    guards,
    updatedAt: plan.updatedAt,
  };
}
