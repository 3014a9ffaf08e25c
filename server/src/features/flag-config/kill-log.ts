import type { Actor } from '../../auth/principal.js';

/** The part of pino's (and fastify's) logger a kill log line needs. */
export interface InfoLogger {
  info(fields: object, message: string): void;
}

/** Where a kill or restore happened, and why. */
export interface KillLogTarget {
  project: string;
  flag: string;
  environment: string;
  reason: string | null | undefined;
}

/**
 * One structured info line per kill or restore that was written (committed), so an operator
 * reading the server log (or a log pipeline alerting on `event`) sees who stopped or restarted
 * what, where and why, without querying the audit log. The actor is reduced to its identity
 * (kind, id, display): never a token secret or session.
 */
export function logKillOrRestore(
  log: InfoLogger | undefined,
  event: 'flag.killed' | 'flag.restored',
  actor: Actor,
  target: KillLogTarget,
): void {
  if (!log) return;
  log.info(
    {
      event,
      actor: { kind: actor.kind, id: actor.id, display: actor.display },
      project: target.project,
      flag: target.flag,
      environment: target.environment,
      reason: target.reason ?? null,
    },
    `${event === 'flag.killed' ? 'Flag killed' : 'Flag restored'}: ${target.project}/${target.flag} in ${target.environment}`,
  );
}
