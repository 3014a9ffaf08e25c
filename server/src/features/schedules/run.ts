import { percentToBasisPoints } from '@switchyard/core/schema';
import type { FastifyInstance } from 'fastify';
import type { Actor, PrincipalKind } from '../../auth/principal.js';
import { HttpError } from '../../http/errors.js';
import { PermanentJobError, type JobHandler } from '../../jobs/runner.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { FlagConfigService, type ConfigChange } from '../flag-config/service.js';
import { guardRegistryOf } from '../release-plans/registry.js';
import { ReleasePlanService } from '../release-plans/service.js';
import type { ScheduledChange } from './schemas.js';
import { scheduleActor, scheduledReason } from './schedule-actor.js';
import { SCHEDULE_JOB } from './service.js';

/**
 * The job that applies a due schedule. Exactly once, across replicas and restarts: the change is
 * written in a transaction that first locks the schedule row and checks it is still `pending`, and
 * marks it `applied` (with the change's audit event) before committing. A second run (another
 * replica whose lease ran out, a retry after a crash between commit and job completion) finds it
 * applied and writes nothing; a cancel that got the row lock first leaves it `cancelled`.
 * A change the configuration refuses (restore of a flag that is not killed, a rule that is gone)
 * marks the schedule `failed` with the reason; it is not retried. `start-plan` starts a draft
 * release plan the same way (claimed in the start's transaction); a plan that is no longer a
 * draft, or another active plan, fails the schedule with the 409's reason.
 */
export function scheduledChangeJob(app: FastifyInstance): JobHandler<{ scheduleId: string }> {
  const prisma = app.db.prisma;
  const configs = new FlagConfigService({ prisma, notifier: app.changes, log: app.log });
  const plans = new ReleasePlanService(
    { prisma, notifier: app.changes },
    { guards: guardRegistryOf(app), minGuardIntervalSeconds: app.config.releasePlanMinGuardIntervalS },
  );
  return {
    name: SCHEDULE_JOB,
    async run({ scheduleId }, context) {
      const schedule = await prisma.schedule.findUnique({
        where: { id: scheduleId },
        include: {
          project: { select: { key: true } },
          flag: { select: { key: true } },
          environment: { select: { key: true } },
        },
      });
      if (!schedule || schedule.state !== 'pending') return; // deleted with its flag, cancelled or applied
      const creator: Actor = {
        kind: schedule.createdByKind as PrincipalKind,
        id: schedule.createdById,
        display: schedule.createdBy,
      };
      const reason = scheduledReason(schedule.reason, creator);
      const target = {
        projectKey: schedule.project.key,
        flagKey: schedule.flag.key,
        environmentKey: schedule.environment.key,
      };
      const hooks = {
        claim: async (tx: Prisma.TransactionClient) => {
          const rows = await tx.$queryRaw<{ state: string }[]>`
            SELECT state::text AS state FROM schedules WHERE id = ${scheduleId}::uuid FOR UPDATE`;
          return rows[0]?.state === 'pending';
        },
        done: async (tx: Prisma.TransactionClient, auditEventId: bigint) => {
          await tx.schedule.update({
            where: { id: scheduleId },
            data: { state: 'applied', auditEventId, finishedAt: context.now },
          });
        },
      };
      const actor = scheduleActor(schedule.id, creator);
      const scheduled = schedule.change as ScheduledChange;
      try {
        if (scheduled.kind === 'start-plan') {
          const { projectKey, flagKey, environmentKey } = target;
          await plans.startClaimed(projectKey, flagKey, environmentKey, scheduled.planId, actor, reason, hooks);
        } else {
          await configs.applyClaimed(target, toConfigChange(scheduled, reason), actor, hooks);
        }
      } catch (error) {
        if (!(error instanceof HttpError)) throw error; // database trouble: retried
        await prisma.schedule.updateMany({
          where: { id: scheduleId, state: 'pending' },
          data: { state: 'failed', error: error.message, finishedAt: context.now },
        });
        throw new PermanentJobError(error.message);
      }
    },
  };
}

function toConfigChange(change: Exclude<ScheduledChange, { kind: 'start-plan' }>, reason: string): ConfigChange {
  return change.kind === 'percent'
    ? { kind: 'percent', ruleId: change.ruleId, percentage: percentToBasisPoints(change.percent), reason }
    : { kind: change.kind, reason };
}
