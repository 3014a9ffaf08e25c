import type { Actor, PrincipalKind } from '../../auth/principal.js';
import type { Prisma, ReleasePlan } from '../../generated/prisma/client.js';

/** A plan row with the keys its views and changes need. */
export type PlanRow = ReleasePlan & { project: { key: string }; flag: { key: string }; environment: { key: string } };

export const withKeys = {
  project: { select: { key: true } },
  flag: { select: { key: true } },
  environment: { select: { key: true } },
} as const;

export const ACTIVE_STATES = ['running', 'paused'] as const;

/** Locks the plan row until the transaction ends and reads its state: null when it is gone. */
export async function lockPlan(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<{ state: ReleasePlan['state']; generation: number; currentStep: number } | null> {
  const rows = await tx.$queryRaw<{ state: ReleasePlan['state']; generation: number; current_step: number }[]>`
    SELECT state::text AS state, generation, current_step FROM release_plans WHERE id = ${id}::uuid FOR UPDATE`;
  const row = rows[0];
  return row ? { state: row.state, generation: row.generation, currentStep: row.current_step } : null;
}

/**
 * The claim of a plan's change: locks the row and answers true only when it is still in one of
 * `states` at `generation` (every change of a plan bumps its generation, so a job or a request
 * that read an older plan changes nothing).
 */
export async function claimPlan(
  tx: Prisma.TransactionClient,
  id: string,
  generation: number,
  states: readonly ReleasePlan['state'][] = ['running'],
): Promise<boolean> {
  const row = await lockPlan(tx, id);
  return row !== null && row.generation === generation && states.includes(row.state);
}

/**
 * Serializes starts of plans of one flag in one environment (an advisory lock for the
 * transaction), so two concurrent starts cannot both find no active plan.
 */
export async function lockFlagEnvironment(tx: Prisma.TransactionClient, flagId: string, environmentId: string) {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`switchyard:release-plan:${flagId}:${environmentId}`}))::text AS locked`;
}

export function creatorOf(plan: Pick<ReleasePlan, 'createdByKind' | 'createdById' | 'createdBy'>): Actor {
  return { kind: plan.createdByKind as PrincipalKind, id: plan.createdById, display: plan.createdBy };
}
