import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Prisma, Schedule } from '../../generated/prisma/client.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { cancelJob, enqueueJob } from '../../jobs/queue.js';
import { requireFlag } from '../flags/service.js';
import { requireProject } from '../projects/store.js';
import type { CreateScheduleBody, ScheduledChange, ScheduleView } from './schemas.js';

export const SCHEDULE_JOB = 'schedule.apply';
/** How far ahead a change may be scheduled. */
const MAX_AHEAD_MS = 5 * 366 * 24 * 60 * 60_000;

type ScheduleRow = Schedule & { flag: { key: string }; environment: { key: string } };
const withKeys = { flag: { select: { key: true } }, environment: { select: { key: true } } } as const;

/** Scheduled changes of a flag in one environment: create (audited, with its job), list, cancel. */
export class ScheduleService {
  constructor(
    private readonly deps: ChangeDeps,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(projectKey: string, flagKey: string, state?: Schedule['state']): Promise<ScheduleView[]> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const flag = await requireFlag(this.deps.prisma, project.id, flagKey);
    const rows = await this.deps.prisma.schedule.findMany({
      where: { flagId: flag.id, ...(state ? { state } : {}) },
      include: withKeys,
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toScheduleView);
  }

  async get(projectKey: string, flagKey: string, id: string): Promise<ScheduleView> {
    return toScheduleView(await this.#find(this.deps.prisma, projectKey, flagKey, id));
  }

  /** 400 when `at` is not in the future (or too far), 404 for an unknown environment. */
  async create(projectKey: string, flagKey: string, body: CreateScheduleBody, actor: Actor): Promise<ScheduleView> {
    const at = new Date(body.at);
    const now = this.now();
    if (at.getTime() <= now.getTime()) {
      throw badRequest('The schedule is in the past', {
        issues: [{ path: 'body.at', message: `must be after ${now.toISOString()}` }],
      });
    }
    if (at.getTime() - now.getTime() > MAX_AHEAD_MS) {
      throw badRequest('The schedule is too far ahead', {
        issues: [{ path: 'body.at', message: 'must be within 5 years' }],
      });
    }
    const project = await requireProject(this.deps.prisma, projectKey);
    const flag = await requireFlag(this.deps.prisma, project.id, flagKey);
    const environment = await this.deps.prisma.environment.findUnique({
      where: { projectId_key: { projectId: project.id, key: body.environment } },
    });
    if (!environment) throw notFound(`Environment '${body.environment}' not found in project '${projectKey}'`);
    if (body.change.kind === 'start-plan') {
      const plan = await this.deps.prisma.releasePlan.findFirst({
        where: { id: body.change.planId, flagId: flag.id, environmentId: environment.id },
        select: { state: true },
      });
      if (plan?.state !== 'draft') {
        throw badRequest('No such draft release plan', {
          issues: [
            {
              path: 'body.change.planId',
              message: plan
                ? `the plan is ${plan.state}; only a draft can be started`
                : `no release plan of flag '${flagKey}' in '${environment.key}' has this id`,
            },
          ],
        });
      }
    }
    return inChangeTransaction(this.deps, async (tx, record) => {
      const row = await tx.schedule.create({
        data: {
          projectId: project.id,
          flagId: flag.id,
          environmentId: environment.id,
          at,
          change: body.change,
          reason: body.reason ?? null,
          createdByKind: actor.kind,
          createdById: actor.id,
          createdBy: actor.display,
        },
        include: withKeys,
      });
      // The job exists if and only if the schedule does: same transaction.
      await enqueueJob(tx, SCHEDULE_JOB, { scheduleId: row.id }, { uniqueKey: row.id, runAt: at, backoffMs: 30_000 });
      const view = toScheduleView(row);
      await record({
        actor,
        projectId: project.id,
        action: 'schedule.created',
        targetType: 'schedule',
        targetKey: row.id,
        environment: environment.key,
        after: view,
        reason: body.reason ?? null,
      });
      return view;
    });
  }

  /** Cancels a pending schedule; 409 once it was applied, cancelled or failed. */
  async cancel(projectKey: string, flagKey: string, id: string, actor: Actor): Promise<ScheduleView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const before = await this.#find(tx, projectKey, flagKey, id, true);
      if (before.state !== 'pending')
        throw conflict(`Schedule '${id}' is ${before.state}; only a pending one can be cancelled`);
      const row = await tx.schedule.update({
        where: { id },
        data: { state: 'cancelled', finishedAt: this.now() },
        include: withKeys,
      });
      await cancelJob(tx, SCHEDULE_JOB, id);
      const after = toScheduleView(row);
      await record({
        actor,
        projectId: row.projectId,
        action: 'schedule.cancelled',
        targetType: 'schedule',
        targetKey: id,
        environment: row.environment.key,
        before: toScheduleView(before),
        after,
      });
      return after;
    });
  }

  async #find(
    tx: Prisma.TransactionClient,
    projectKey: string,
    flagKey: string,
    id: string,
    forUpdate = false,
  ): Promise<ScheduleRow> {
    const project = await requireProject(tx, projectKey);
    const flag = await requireFlag(tx, project.id, flagKey);
    // The row lock orders a cancel against the job applying it (which locks the row too).
    if (forUpdate) await tx.$queryRaw`SELECT id FROM schedules WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await tx.schedule.findFirst({ where: { id, flagId: flag.id }, include: withKeys });
    if (!row) throw notFound(`Schedule '${id}' not found for flag '${flagKey}'`);
    return row;
  }
}

export function toScheduleView(row: ScheduleRow): ScheduleView {
  return {
    id: row.id,
    flag: row.flag.key,
    environment: row.environment.key,
    at: row.at.toISOString(),
    change: row.change as ScheduledChange,
    reason: row.reason,
    state: row.state,
    createdBy: { kind: row.createdByKind, id: row.createdById, display: row.createdBy },
    auditEventId: row.auditEventId?.toString() ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
