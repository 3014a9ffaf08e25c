import { systemPrincipal, type Actor } from '../../auth/principal.js';

/**
 * Who makes a plan's changes (its steps, its rollback when a guard fails): the system, as task
 * `release-plan:<id>`, displayed `release plan <id> (by <creator>)` so a reader sees who made the
 * plan. Like schedules' actor (schedules/schedule-actor.ts).
 */
export function planActor(planId: string, creator: Actor): Actor {
  return { ...systemPrincipal(`release-plan:${planId}`), display: `release plan ${planId} (by ${creator.display})` };
}

/** `token:<id> (<display>)`: a person or token named in an audit reason. */
export function actorText(actor: Actor): string {
  return `${actor.kind}:${actor.id} (${actor.display})`;
}
