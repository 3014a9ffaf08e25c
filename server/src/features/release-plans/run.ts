import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../http/errors.js';
import { PermanentJobError, type JobHandler } from '../../jobs/runner.js';
import { decidePlanCheck, percentAt } from './decide.js';
import type { GuardRegistry } from './guards/index.js';
import { PLAN_CHECK_JOB, PlanChanges, type PlanCheckPayload } from './plan-changes.js';
import type { PlanStep, VerdictView } from './schemas.js';
import { withKeys, type PlanRow } from './store.js';
import { toVerdictView } from './views.js';

/**
 * The job that checks a running plan: evaluates its guards (outside any transaction, each bounded
 * by the guard interval), decides (decide.ts) and applies the decision through PlanChanges, whose
 * claim makes it happen once: a job scheduled for an older generation of the plan (paused, moved
 * on by a person, run already by a replica whose completion was lost) changes nothing. Every
 * decision schedules the next check in its own transaction, so a running plan always has exactly
 * one pending check job, across replicas and restarts.
 */
export function releasePlanCheckJob(app: FastifyInstance, guards: GuardRegistry): JobHandler<PlanCheckPayload> {
  const prisma = app.db.prisma;
  const changes = new PlanChanges({ prisma, notifier: app.changes, log: app.log });
  return {
    name: PLAN_CHECK_JOB,
    async run({ planId, generation }, context) {
      const plan = await prisma.releasePlan.findUnique({ where: { id: planId }, include: withKeys });
      if (!plan || plan.state !== 'running' || plan.generation !== generation) return; // stale
      const now = context.now;
      const config = await prisma.flagConfig.findUnique({
        where: { flagId_environmentId: { flagId: plan.flagId, environmentId: plan.environmentId } },
        select: { killedFrom: true },
      });
      if (config?.killedFrom != null) {
        // Someone (on-call, a trigger) killed the flag: a plan never ends a kill, so it stops here.
        await changes.abortOnError(plan, {
          generation,
          now,
          error: `The flag was killed in '${plan.environment.key}'`,
        });
        return;
      }
      const verdicts = plan.currentStep >= 0 ? await evaluateGuards(app, guards, plan, now) : [];
      const steps = plan.steps as PlanStep[];
      const decision = decidePlanCheck({
        steps,
        currentStep: plan.currentStep,
        stepStartedAt: plan.stepStartedAt,
        onInconclusive: plan.onInconclusive as 'hold' | 'continue' | 'rollback',
        guardIntervalSeconds: plan.guardIntervalSeconds,
        hasGuards: (plan.guards as unknown[]).length > 0,
        verdicts,
        now,
      });
      const base = { generation, now, verdicts };
      try {
        switch (decision.action) {
          case 'wait':
            await changes.wait(plan, { ...base, nextCheckAt: decision.nextCheckAt });
            return;
          case 'complete':
            await changes.complete(plan, base);
            return;
          case 'advance':
            await changes.advanceTo(plan, decision.to, {
              ...base,
              reason: `release plan step ${decision.to + 1}/${steps.length}${stepText(steps[decision.to]!)}`,
            });
            return;
          case 'rollback': {
            const failing = verdicts.filter((verdict) => verdict.status === decision.because);
            const to = plan.onFailure as 'rollback' | 'kill';
            await changes.rollback(plan, {
              ...base,
              to,
              reason: `release plan ${plan.id} ${to === 'kill' ? 'killed the flag' : 'rolled back to 0%'}: ${failing
                .map((verdict) => `guard ${verdict.guard} (${verdict.kind}) ${verdict.status}: ${verdict.message}`)
                .join('; ')}`,
              outcome: { by: 'guards', because: decision.because, failing },
            });
            return;
          }
        }
      } catch (error) {
        // The configuration refused the change (the rule was removed, the flag archived): the plan
        // cannot go on. It stops where it is, saying why; retrying cannot help.
        if (!(error instanceof HttpError)) throw error;
        await changes.abortOnError(plan, { generation, now, error: error.message });
        throw new PermanentJobError(error.message);
      }
    },
  };
}

/** The longest a guard may take (each kind's own timeout is at most 30 s). */
const MAX_GUARD_MS = 60_000;

function stepText(step: PlanStep): string {
  return 'percent' in step ? `: ${step.percent}% for at least ${step.holdMinutes} min` : ': manual gate';
}

/** Every guard of the plan, in parallel, each bounded by the guard interval. */
async function evaluateGuards(
  app: FastifyInstance,
  registry: GuardRegistry,
  plan: PlanRow,
  now: Date,
): Promise<VerdictView[]> {
  const specs = plan.guards as { kind: string }[];
  if (specs.length === 0) return [];
  const steps = plan.steps as PlanStep[];
  // Within the interval, and well within the job's lease (5 min) whatever the interval.
  const signal = AbortSignal.timeout(Math.min(plan.guardIntervalSeconds * 1_000, MAX_GUARD_MS));
  const context = {
    projectId: plan.projectId,
    projectKey: plan.project.key,
    environmentId: plan.environmentId,
    environmentKey: plan.environment.key,
    flagId: plan.flagId,
    flagKey: plan.flag.key,
    planId: plan.id,
    stepStartedAt: plan.stepStartedAt ?? now,
    stepPercent: percentAt(steps, plan.currentStep) ?? 0,
    now,
    prisma: app.db.prisma,
    log: app.log,
    signal,
  };
  const verdicts = await Promise.all(specs.map((spec) => registry.evaluate(spec, context)));
  return verdicts.map((verdict, index) => toVerdictView(index, specs[index]!.kind, verdict, now));
}
