import type { Prisma } from '../generated/prisma/client.js';
import type { EnvironmentRevision } from './notifier.js';

/** Which snapshots a change touches. */
export interface ChangeAffects {
  /** Environments whose snapshot changed: each gets a revision bump and an outbox row. */
  environmentIds: string[];
  /** Keys of flags whose snapshot entry changed. */
  flags?: string[];
  /** Keys of segments whose snapshot entry changed. */
  segments?: string[];
}

/** One audited change. */
export interface ChangeInput {
  /** Token name of whoever made the change (`system:…` for the server itself). */
  actor: string;
  /** null for changes outside any project (e.g. admin tokens). */
  projectId: string | null;
  /** `<target type>.<past participle>`, e.g. `project.created`, `flag_config.killed`. */
  action: string;
  /** e.g. `project`, `environment`, `flag`, `flag_config`, `segment`, `token`. */
  targetType: string;
  targetKey: string;
  /** Environment key, for changes to one environment's configuration. */
  environment?: string | null;
  /** The target before the change (absent for creations). Dates become ISO strings. */
  before?: unknown;
  /** The target after the change (absent for deletions). */
  after?: unknown;
  reason?: string | null;
  /** Omit for changes no SDK sees (tokens, names): then no revision moves. */
  affects?: ChangeAffects;
}

/** What `recordChange` wrote. */
export interface RecordedChange {
  auditId: bigint;
  /** New revision of each affected environment, in environment-id order. */
  revisions: EnvironmentRevision[];
  flags: string[];
  segments: string[];
}

/**
 * THE write path for audited changes; call it inside the transaction that makes the change
 * (`prisma.$transaction(async (tx) => …)`, or `inChangeTransaction`). It writes the audit event,
 * bumps `revision` of every affected environment and writes one `change_outbox` row per
 * environment. The `UPDATE … RETURNING` takes the environment's row lock, so concurrent writers to
 * one environment are serialized and no revision is lost or reused; environments are updated in id
 * order so two writers touching the same set cannot deadlock.
 */
export async function recordChange(tx: Prisma.TransactionClient, input: ChangeInput): Promise<RecordedChange> {
  const audit = await tx.auditEvent.create({
    data: {
      projectId: input.projectId,
      actor: input.actor,
      action: input.action,
      targetType: input.targetType,
      targetKey: input.targetKey,
      environment: input.environment ?? null,
      ...(input.before === undefined ? {} : { before: toJson(input.before) }),
      ...(input.after === undefined ? {} : { after: toJson(input.after) }),
      reason: input.reason ?? null,
    },
    select: { id: true },
  });

  const flags = unique(input.affects?.flags ?? []);
  const segments = unique(input.affects?.segments ?? []);
  const environmentIds = unique(input.affects?.environmentIds ?? []).sort();
  const revisions: EnvironmentRevision[] = [];
  for (const environmentId of environmentIds) {
    const environment = await tx.environment.update({
      where: { id: environmentId },
      data: { revision: { increment: 1 } },
      select: { revision: true },
    });
    revisions.push({ environmentId, revision: environment.revision });
  }
  if (revisions.length > 0) {
    await tx.changeOutbox.createMany({
      data: revisions.map(({ environmentId, revision }) => ({
        environmentId,
        revision,
        changed: { flags, segments },
      })),
    });
  }
  return { auditId: audit.id, revisions, flags, segments };
}

/** A JSON copy of `value` that Prisma accepts: Dates as ISO strings, bigints as strings. */
function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? 'null',
  ) as Prisma.InputJsonValue;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
