import { Prisma } from '../generated/prisma/client.js';
import type { EnvironmentRevision } from './notifier.js';
import {
  eventOutboxInsert,
  jsonText,
  sortedAffects,
  summaryOf,
  type ChangeInput,
  type RecordedChange,
} from './record-change.js';

/** A change recorded inside the statement that makes it (see `recordChangeCtes`). */
export interface GuardedChangeInput extends Omit<ChangeInput, 'after'> {
  /** The target after the change: SQL over the guard CTE's columns (it is selected `FROM <guard>`). */
  afterSql: Prisma.Sql;
}

/** The pieces `recordChangeCtes` gives the caller's statement. */
export interface RecordChangeCtes {
  /** `name AS (…), …` to put after the caller's own CTEs (after a comma). */
  ctes: Prisma.Sql;
  /** `… AS audit_id, … AS revisions`: columns for the statement's final SELECT. */
  columns: Prisma.Sql;
  /** The change that was recorded, from a result row of the statement. */
  recordedOf(row: RecordChangeColumns): RecordedChange;
}

/** The columns `RecordChangeCtes.columns` adds to a result row. */
export interface RecordChangeColumns {
  audit_id: bigint | number | string | null;
  revisions: EnvironmentRevision[] | null;
  event_pending: boolean | null;
}

/**
 * `recordChange` as CTEs of a statement that also makes the change, so a whole audited write can be
 * one statement: atomic on its own, one round trip, no interactive transaction. Everything is
 * written only when `guard` (a CTE of that statement, typically an `UPDATE … RETURNING` with its
 * optimistic-concurrency check in the WHERE) returned a row, i.e. only when the change happened.
 * Same rows as `recordChange`: the audit event and its `event_outbox` row (inserted processed when
 * no webhook is enabled: `RecordedSummary.eventPending`), a revision bump per
 * affected environment (its row lock serializes writers; several are locked in id order first) and
 * one `change_outbox` row per bump.
 * Callers announce the result after the statement, like `inChangeTransaction` does.
 */
export function recordChangeCtes(guard: string, input: GuardedChangeInput): RecordChangeCtes {
  const { environmentIds, flags, segments } = sortedAffects(input.affects);
  const from = Prisma.raw(guard);
  // Referencing the guard from each CTE makes them run after it: its locks are taken first.
  const changed = Prisma.sql`EXISTS (SELECT 1 FROM ${from})`;
  const lockInOrder =
    environmentIds.length > 1
      ? Prisma.sql`, change_locked AS (
          SELECT id FROM environments WHERE id = ANY(${environmentIds}::uuid[]) AND ${changed} ORDER BY id FOR UPDATE)`
      : Prisma.empty;
  const bumpWhere =
    environmentIds.length > 1
      ? Prisma.sql`id IN (SELECT id FROM change_locked)`
      : Prisma.sql`id = ANY(${environmentIds}::uuid[]) AND ${changed}`;
  const ctes = Prisma.sql`change_audit AS (
      INSERT INTO audit_events (project_id, actor, actor_kind, actor_id, action, target_type, target_key, environment,
        before, after, reason)
      SELECT ${input.projectId}::uuid, ${input.actor.display}, ${input.actor.kind}::actor_kind, ${input.actor.id},
        ${input.action}, ${input.targetType}, ${input.targetKey},
        ${input.environment ?? null}, ${jsonText(input.before)}::jsonb, ${input.afterSql}, ${input.reason ?? null}
      FROM ${from}
      RETURNING id, after
    ), change_events AS (
      ${eventOutboxInsert('change_audit', input, Prisma.raw('after'), { processedUnlessWebhooks: true })}
    )${lockInOrder}, change_bumped AS (
      UPDATE environments SET revision = revision + 1, updated_at = now()
      WHERE ${bumpWhere}
      RETURNING id, revision
    ), change_outbox_rows AS (
      INSERT INTO change_outbox (environment_id, revision, changed)
      SELECT id, revision, ${JSON.stringify({ flags, segments })}::jsonb FROM change_bumped
    )`;
  const columns = Prisma.sql`(SELECT id FROM change_audit) AS audit_id,
    (SELECT json_agg(json_build_object('environmentId', id, 'revision', revision)) FROM change_bumped) AS revisions,
    (SELECT bool_or(pending) FROM change_events) AS event_pending`;
  return {
    ctes,
    columns,
    recordedOf(row) {
      if (row.audit_id === null) throw new Error('recordChangeCtes: the guard returned a row but no audit event');
      const revisions = (row.revisions ?? [])
        .map(({ environmentId, revision }) => ({ environmentId, revision: Number(revision) }))
        .sort((a, b) => (a.environmentId < b.environmentId ? -1 : a.environmentId > b.environmentId ? 1 : 0));
      if (revisions.length !== environmentIds.length) {
        throw new Error(`recordChangeCtes: environment not found (${environmentIds.join(', ')})`);
      }
      const auditId = BigInt(row.audit_id);
      const summary = { ...summaryOf(auditId, input), eventPending: row.event_pending === true };
      return { auditId, summary, revisions, flags, segments };
    },
  };
}
