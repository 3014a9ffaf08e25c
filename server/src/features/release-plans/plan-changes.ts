/**
 * The changes a running plan makes to itself and to its flag, shared by the check job (run.ts) and
 * the routes (advance, rollback). Each is ONE transaction that first claims the plan (row lock,
 * state and generation still the ones read: see store.ts `claimPlan`), so a step is applied once
 * even when two replicas, a retried job and a person act at the same moment. A step's rollout and
 * a rollback are ordinary audited, published configuration changes (FlagConfigService.applyClaimed)
 * whose actor is the plan; the plan's own events (`release_plan.*`) are audited in the same
 * transaction, and reach webhooks through the event outbox like every audited change.
 */
import { percentToBasisPoints } from '@switchyard/core/schema';
import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, recordChange, type ChangeDeps } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { enqueueJob } from '../../jobs/queue.js';
import type { InfoLogger } from '../flag-config/kill-log.js';
import { FlagConfigService, type ConfigChange } from '../flag-config/service.js';
import { isPercentStep, type PlanStep, type VerdictView } from './schemas.js';
import { claimPlan, creatorOf, withKeys, type PlanRow } from './store.js';
import { planActor } from './plan-actor.js';
import { toPlanView } from './views.js';

export const PLAN_CHECK_JOB = 'release_plan.check';

/** The check job's payload: the plan, and the generation it was scheduled for. */
export interface PlanCheckPayload {
  planId: string;
  generation: number;
}

/** Schedules the plan's next check (in the transaction that bumped it to `generation`). */
export async function enqueuePlanCheck(tx: Prisma.TransactionClient, planId: string, generation: number, at: Date) {
  const payload: PlanCheckPayload = { planId, generation };
  await enqueueJob(tx, PLAN_CHECK_JOB, payload, { uniqueKey: `${planId}:${generation}`, runAt: at, backoffMs: 5_000 });
}

export interface StepOptions {
  /** The generation the caller read: nothing happens when the plan has moved on since. */
  generation: number;
  now: Date;
  /** Recorded with the configuration change. */
  reason: string;
  verdicts?: VerdictView[];
}

export class PlanChanges {
  readonly #configs: FlagConfigService;

  /** `log`: where the configuration changes log kills (a rollback with `kill`). */
  constructor(private readonly deps: ChangeDeps & { log?: InfoLogger | undefined }) {
    this.#configs = new FlagConfigService(deps);
  }

  /**
   * Moves the plan to step `to`: a percent step sets the rule's rollout (audited, actor the plan)
   * and starts its hold; a manual gate just waits there. False when the claim failed.
   */
  async advanceTo(plan: PlanRow, to: number, options: StepOptions): Promise<boolean> {
    const steps = plan.steps as PlanStep[];
    const step = steps[to]!;
    const actor = planActor(plan.id, creatorOf(plan));
    const next = options.generation + 1;
    const hasGuards = (plan.guards as unknown[]).length > 0;
    const verdicts = verdictColumns(options);
    if (!isPercentStep(step)) {
      return inChangeTransaction(this.deps, async (tx, record) => {
        if (!(await claimPlan(tx, plan.id, options.generation))) return false;
        const nextCheckAt = hasGuards ? new Date(options.now.getTime() + plan.guardIntervalSeconds * 1_000) : null;
        const row = await tx.releasePlan.update({
          where: { id: plan.id },
          data: { currentStep: to, generation: next, nextCheckAt, ...verdicts },
          include: withKeys,
        });
        if (nextCheckAt) await enqueuePlanCheck(tx, plan.id, next, nextCheckAt);
        await record({ ...this.#event(row, actor, 'release_plan.gate_reached'), reason: options.reason });
        return true;
      });
    }
    const holdEnds = new Date(options.now.getTime() + step.holdMinutes * 60_000);
    const guardCheck = new Date(options.now.getTime() + plan.guardIntervalSeconds * 1_000);
    const nextCheckAt = hasGuards && guardCheck < holdEnds ? guardCheck : holdEnds;
    const change: ConfigChange = {
      kind: 'percent',
      ruleId: plan.ruleId,
      percentage: percentToBasisPoints(step.percent),
      reason: options.reason,
      // A step never ends a kill (on-call's, a trigger's): the plan stops instead (run.ts).
      unlessKilled: true,
    };
    let claimed = false;
    await this.#configs.applyClaimed(targetOf(plan), change, actor, {
      claim: async (tx) => (claimed = await claimPlan(tx, plan.id, options.generation)),
      done: async (tx) => {
        await tx.releasePlan.update({
          where: { id: plan.id },
          data: { currentStep: to, generation: next, stepStartedAt: options.now, nextCheckAt, ...verdicts },
        });
        await enqueuePlanCheck(tx, plan.id, next, nextCheckAt);
      },
    });
    return claimed;
  }

  /** Only records the guards' verdicts and schedules the next check (no audit: it changes nothing). */
  async wait(plan: PlanRow, options: Omit<StepOptions, 'reason'> & { nextCheckAt: Date | null }): Promise<boolean> {
    return this.deps.prisma.$transaction(async (tx) => {
      if (!(await claimPlan(tx, plan.id, options.generation))) return false;
      const next = options.generation + 1;
      await tx.releasePlan.update({
        where: { id: plan.id },
        data: {
          generation: next,
          nextCheckAt: options.nextCheckAt,
          lastCheckedAt: options.now,
          lastVerdicts: (options.verdicts ?? []) as unknown as Prisma.InputJsonValue,
        },
      });
      if (options.nextCheckAt) await enqueuePlanCheck(tx, plan.id, next, options.nextCheckAt);
      return true;
    });
  }

  /** The last step's hold is over and no guard objects: the plan is done (audited, actor the plan). */
  async complete(plan: PlanRow, options: Omit<StepOptions, 'reason'>): Promise<boolean> {
    const actor = planActor(plan.id, creatorOf(plan));
    return inChangeTransaction(this.deps, async (tx, record) => {
      if (!(await claimPlan(tx, plan.id, options.generation))) return false;
      const row = await tx.releasePlan.update({
        where: { id: plan.id },
        data: { ...endedColumns('completed', options), ...verdictColumns(options) },
        include: withKeys,
      });
      await record(this.#event(row, actor, 'release_plan.completed'));
      return true;
    });
  }

  /**
   * Rolls the flag back (the rule to 0%, or a kill) and ends the plan `rolled_back`, in one
   * transaction: the configuration change (actor: `actor`, the plan when a guard failed) and a
   * `release_plan.rolled_back` event whose `after` holds the plan and `outcome` (the failing
   * verdicts with their evidence), which webhooks receive. `states`: where a rollback may start.
   */
  async rollback(
    plan: PlanRow,
    options: StepOptions & {
      to: 'rollback' | 'kill';
      actor?: Actor;
      outcome: Record<string, unknown>;
      states?: readonly PlanRow['state'][];
    },
  ): Promise<boolean> {
    const actor = options.actor ?? planActor(plan.id, creatorOf(plan));
    const change: ConfigChange =
      options.to === 'kill'
        ? { kind: 'kill', reason: options.reason }
        : { kind: 'percent', ruleId: plan.ruleId, percentage: 0, reason: options.reason, unlessKilled: true };
    let claimed = false;
    await this.#configs.applyClaimed(targetOf(plan), change, actor, {
      claim: async (tx) => (claimed = await claimPlan(tx, plan.id, options.generation, options.states ?? ['running'])),
      done: async (tx, auditId) => {
        const outcome = { ...options.outcome, to: options.to, configAuditEventId: auditId.toString() };
        const row = await tx.releasePlan.update({
          where: { id: plan.id },
          data: {
            ...endedColumns('rolled_back', options),
            outcome: outcome as Prisma.InputJsonValue,
            ...verdictColumns(options),
          },
          include: withKeys,
        });
        // Recorded directly (not through inChangeTransaction's record): applyClaimed owns the
        // transaction. The event_outbox row is written all the same; webhooks get it.
        await recordChange(tx, { ...this.#event(row, actor, 'release_plan.rolled_back'), reason: options.reason });
      },
    });
    return claimed;
  }

  /**
   * Ends the plan `aborted` because its flag refused a change (the rule was removed, the flag
   * archived): audited as `release_plan.aborted` by the plan, with the error as reason.
   */
  async abortOnError(plan: PlanRow, options: Omit<StepOptions, 'reason'> & { error: string }): Promise<boolean> {
    const actor = planActor(plan.id, creatorOf(plan));
    return inChangeTransaction(this.deps, async (tx, record) => {
      if (!(await claimPlan(tx, plan.id, options.generation))) return false;
      const row = await tx.releasePlan.update({
        where: { id: plan.id },
        data: { ...endedColumns('aborted', options), outcome: { by: 'plan', error: options.error } },
        include: withKeys,
      });
      await record({ ...this.#event(row, actor, 'release_plan.aborted'), reason: options.error });
      return true;
    });
  }

  #event(row: PlanRow, actor: Actor, action: string) {
    return {
      actor,
      projectId: row.projectId,
      action,
      targetType: 'release_plan',
      targetKey: row.id,
      environment: row.environment.key,
      after: toPlanView(row),
    };
  }
}

/** The verdicts of the check that led to a write, for the plan row (nothing when no check ran). */
function verdictColumns(options: Pick<StepOptions, 'verdicts' | 'now'>) {
  return options.verdicts === undefined
    ? {}
    : { lastVerdicts: options.verdicts as unknown as Prisma.InputJsonValue, lastCheckedAt: options.now };
}

/** The columns of a plan that ends in `state`: a new generation (no job of the old one acts), no more checks. */
function endedColumns(
  state: 'completed' | 'rolled_back' | 'aborted',
  options: Pick<StepOptions, 'generation' | 'now'>,
) {
  return { state, generation: options.generation + 1, nextCheckAt: null, finishedAt: options.now };
}

export function targetOf(plan: PlanRow) {
  return { projectKey: plan.project.key, flagKey: plan.flag.key, environmentKey: plan.environment.key };
}
