import type { Actor } from '../auth/principal.js';
import { Prisma } from '../generated/prisma/client.js';
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
  /**
   * Who made the change: a token (a request's principal), or the server itself
   * (`systemPrincipal(…)`). Recorded by kind and id, with the display text beside them.
   */
  actor: Actor;
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

/** A recorded change as the after-commit event announces it (see `ChangeNotifier.onRecorded`). */
export interface RecordedSummary {
  auditId: bigint;
  projectId: string | null;
  environment: string | null;
  /** The audit action, e.g. `flag_config.killed`. */
  action: string;
  targetType: string;
  targetKey: string;
  actor: Actor;
  /**
   * False when the change's `event_outbox` row was inserted already processed (no webhook was
   * enabled: see `eventOutboxInsert`), so the webhook drain has nothing to do for it; absent when
   * not known (the row is pending).
   */
  eventPending?: boolean;
}

/** What `recordChange` wrote. */
export interface RecordedChange {
  auditId: bigint;
  /** The change, for the after-commit announcement. */
  summary: RecordedSummary;
  /** New revision of each affected environment, in environment-id order. */
  revisions: EnvironmentRevision[];
  flags: string[];
  segments: string[];
}

/**
 * THE write path for audited changes; call it inside the transaction that makes the change
 * (`prisma.$transaction(async (tx) => …)`, or `inChangeTransaction`). It writes the audit event,
 * bumps `revision` of every affected environment and writes one `change_outbox` row per
 * environment, and one `event_outbox` row (for durable reactions such as webhooks). The `UPDATE … RETURNING` takes the environment's row lock, so concurrent writers to
 * one environment are serialized and no revision is lost or reused; environments are updated in id
 * order so two writers touching the same set cannot deadlock.
 */
export async function recordChange(tx: Prisma.TransactionClient, input: ChangeInput): Promise<RecordedChange> {
  const { environmentIds, flags, segments } = sortedAffects(input.affects);
  if (environmentIds.length > 1) {
    // Row locks in id order, so two writers touching the same environments cannot deadlock (the
    // UPDATE below locks in whatever order its plan visits the rows).
    await tx.$queryRaw`
      SELECT id FROM environments WHERE id = ANY(${environmentIds}::uuid[]) ORDER BY id FOR UPDATE`;
  }
  // One round trip: audit row, revision bumps (UPDATE … RETURNING: the row lock serializes writers)
  // and one outbox row per bumped environment.
  const rows = await tx.$queryRaw<{ audit_id: bigint; revisions: EnvironmentRevision[] }[]>`
    WITH audit AS (
      INSERT INTO audit_events (project_id, actor, actor_kind, actor_id, action, target_type, target_key, environment,
        before, after, reason)
      VALUES (${input.projectId}::uuid, ${input.actor.display}, ${input.actor.kind}::actor_kind, ${input.actor.id},
        ${input.action}, ${input.targetType}, ${input.targetKey},
        ${input.environment ?? null}, ${jsonText(input.before)}::jsonb, ${jsonText(input.after)}::jsonb,
        ${input.reason ?? null})
      RETURNING id
    ), events AS (
      ${eventOutboxInsert('audit', input, Prisma.sql`${jsonText(input.after)}::jsonb`)}
    ), bumped AS (
      UPDATE environments SET revision = revision + 1, updated_at = now()
      WHERE id = ANY(${environmentIds}::uuid[])
      RETURNING id, revision
    ), outbox AS (
      INSERT INTO change_outbox (environment_id, revision, changed)
      SELECT id, revision, ${JSON.stringify({ flags, segments })}::jsonb FROM bumped
    )
    SELECT (SELECT id FROM audit) AS audit_id,
      COALESCE((SELECT json_agg(json_build_object('environmentId', id, 'revision', revision)) FROM bumped),
        '[]'::json) AS revisions`;
  const row = rows[0]!;
  const revisions = row.revisions
    .map(({ environmentId, revision }) => ({ environmentId, revision: Number(revision) }))
    .sort((a, b) => (a.environmentId < b.environmentId ? -1 : a.environmentId > b.environmentId ? 1 : 0));
  if (revisions.length !== environmentIds.length) {
    // Prisma's update threw P2025 for a missing environment; keep failing the change the same way.
    throw new Error(`recordChange: environment not found (${environmentIds.join(', ')})`);
  }
  const auditId = BigInt(row.audit_id);
  return { auditId, summary: summaryOf(auditId, input), revisions, flags, segments };
}

/** The after-commit summary of a change recorded as audit event `auditId`. */
export function summaryOf(auditId: bigint, input: Omit<ChangeInput, 'after'>): RecordedSummary {
  return {
    auditId,
    projectId: input.projectId,
    environment: input.environment ?? null,
    action: input.action,
    targetType: input.targetType,
    targetKey: input.targetKey,
    actor: { kind: input.actor.kind, id: input.actor.id, display: input.actor.display },
  };
}

/**
 * The `event_outbox` row of a change: `INSERT … SELECT … FROM <audit>` where `audit` is the CTE
 * that inserted its audit event (`RETURNING id`), so the row exists exactly when the event does.
 * With `processedUnlessWebhooks`, the row is inserted already processed when no webhook is enabled
 * (what the webhook drain's `skipBatch` would do with it a moment later, so nothing has to drain it)
 * and the insert returns `pending` (whether it was left for the drain).
 */
export function eventOutboxInsert(
  audit: string,
  input: Omit<ChangeInput, 'after'>,
  after: Prisma.Sql,
  { processedUnlessWebhooks = false }: { processedUnlessWebhooks?: boolean } = {},
): Prisma.Sql {
  const processedAt = processedUnlessWebhooks
    ? Prisma.sql`CASE WHEN EXISTS (SELECT 1 FROM webhooks WHERE enabled) THEN NULL ELSE now() END`
    : Prisma.sql`NULL`;
  const returning = processedUnlessWebhooks ? Prisma.sql`RETURNING processed_at IS NULL AS pending` : Prisma.empty;
  return Prisma.sql`INSERT INTO event_outbox (audit_event_id, project_id, environment, event_type, target_type,
        target_key, actor_kind, actor_id, actor, before, after, reason, processed_at)
      SELECT id, ${input.projectId}::uuid, ${input.environment ?? null}, ${input.action}, ${input.targetType},
        ${input.targetKey}, ${input.actor.kind}::actor_kind, ${input.actor.id}, ${input.actor.display},
        ${jsonText(input.before)}::jsonb, ${after}, ${input.reason ?? null}, ${processedAt}
      FROM ${Prisma.raw(audit)}
      ${returning}`;
}

/** `affects` without duplicates, environments in id order (the order their rows are locked in). */
export function sortedAffects(affects: ChangeAffects | undefined): Required<ChangeAffects> {
  return {
    environmentIds: unique(affects?.environmentIds ?? []).sort(),
    flags: unique(affects?.flags ?? []),
    segments: unique(affects?.segments ?? []),
  };
}

/** JSON text of `value` for a jsonb parameter (null when absent): Dates as ISO strings, bigints as strings. */
export function jsonText(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? 'null';
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
