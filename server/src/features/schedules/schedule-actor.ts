import { systemPrincipal, type Actor } from '../../auth/principal.js';

/**
 * Who makes a scheduled change: the system, as task `schedule:<id>` (the schedule is what acts when
 * it is due), displayed `schedule <id> (by <creator>)` so a reader sees who asked for it. The
 * creator's kind and id are on the schedule row (and in the change's audit reason).
 */
export function scheduleActor(scheduleId: string, creator: Actor): Actor {
  return { ...systemPrincipal(`schedule:${scheduleId}`), display: `schedule ${scheduleId} (by ${creator.display})` };
}

/** The audit reason of a scheduled change: the schedule's own reason, and who scheduled it. */
export function scheduledReason(reason: string | null, creator: Actor): string {
  const by = `scheduled by ${creator.kind}:${creator.id} (${creator.display})`;
  return reason ? `${reason} (${by})` : by;
}
