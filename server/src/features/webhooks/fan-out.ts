import type { FastifyInstance } from 'fastify';
import { PREPARE, queryRows } from '../../db/index.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { enqueueJob } from '../../jobs/queue.js';
import type { Sweep } from '../../jobs/runner.js';
import { webhookBody, webhookMatches, type OutboxEvent } from './payload.js';

export const DELIVER_JOB = 'webhook.deliver';
/** Attempts per delivery: at 10 s × 2^n, the last one ~5 minutes after the first. */
export const DELIVERY_ATTEMPTS = 6;
export const DELIVERY_BACKOFF_MS = 10_000;
/** Processed outbox rows are kept this long (they are a log of what went out, nothing more). */
const RETENTION_MS = 24 * 60 * 60_000;
const BATCH = 200;
/** Rows the no-webhook path marks per statement (nothing is built per row, so more than BATCH). */
const SKIP_BATCH = 1_000;

/**
 * The webhook reaction to recorded changes: drains `event_outbox` (which `changes/` writes in each
 * change's transaction) in id order. In ONE transaction per batch, under an advisory lock (one
 * replica drains at a time; the others skip), it adds a delivery row and its job for every (event × matching
 * webhook) and marks the rows processed: a crash before the commit leaves the rows for the next
 * drain, after it nothing is added twice.
 */
export function webhookFanOut(app: FastifyInstance): Sweep {
  let lastPrune = 0;
  return {
    name: 'webhook-fan-out',
    async run(now) {
      while (await drainBatch(app.db.prisma, now)) {
        /* full batch: more may wait */
      }
      if (now.getTime() - lastPrune > 60 * 60_000) {
        lastPrune = now.getTime();
        await app.db.prisma.$executeRaw`
          DELETE FROM event_outbox WHERE processed_at < ${new Date(now.getTime() - RETENTION_MS)}`;
      }
    },
  };
}

/**
 * One batch: in one statement when no webhook is enabled (see `skipBatch`), else in a transaction.
 * True when a full batch was processed (more may wait).
 */
async function drainBatch(prisma: PrismaClient, now: Date): Promise<boolean> {
  const skipped = await skipBatch(prisma);
  if (skipped !== 'webhooks') return skipped;
  return deliverBatch(prisma, now);
}

/**
 * Every recorded change wakes the job runner, so this runs about once per change. With no webhook
 * enabled there is nothing to deliver: the rows are marked processed by ONE statement, under the
 * same advisory lock (held to the statement's end), instead of a transaction of five. A webhook
 * enabled while it runs is as in `deliverBatch`: rows drained before its commit are not sent to it.
 * 'webhooks' when some webhook is enabled (nothing was marked), else whether a full batch was marked.
 */
async function skipBatch(prisma: PrismaClient): Promise<boolean | 'webhooks'> {
  // After (nearly) every change: straight to node-postgres (see queryRows).
  const [result] = await queryRows<{ locked: boolean; webhooks: boolean; marked: number }>(
    prisma,
    Prisma.sql`${Prisma.raw(PREPARE)}
    WITH hooks AS (
      SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled) AS enabled
    ), lock AS (
      SELECT NOT (SELECT enabled FROM hooks) AND pg_try_advisory_xact_lock(hashtext('switchyard:event_outbox')) AS locked
    ), marked AS (
      UPDATE event_outbox SET processed_at = now()
      WHERE id IN (SELECT id FROM event_outbox WHERE processed_at IS NULL ORDER BY id LIMIT ${SKIP_BATCH})
        AND (SELECT locked FROM lock)
      RETURNING 1
    )
    SELECT (SELECT locked FROM lock) AS locked, (SELECT enabled FROM hooks) AS webhooks,
      (SELECT count(*)::int FROM marked) AS marked`,
  );
  if (!result || result.webhooks) return 'webhooks';
  return result.locked && result.marked === SKIP_BATCH;
}

async function deliverBatch(prisma: PrismaClient, now: Date): Promise<boolean> {
  return prisma.$transaction(
    async (tx) => {
      // Another replica draining right now will take these rows too: skip rather than queue behind it.
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(hashtext('switchyard:event_outbox')) AS locked`;
      if (!lock?.locked) return false;
      const events = await tx.$queryRaw<OutboxEvent[]>`
        SELECT o.id, o.audit_event_id AS "auditEventId", o.project_id::text AS "projectId", p.key AS "projectKey",
          o.environment, o.event_type AS "eventType", o.target_type AS "targetType", o.target_key AS "targetKey",
          o.actor_kind::text AS "actorKind", o.actor_id AS "actorId", o.actor, o.before, o.after, o.reason,
          o.created_at AS "createdAt"
        FROM event_outbox o LEFT JOIN projects p ON p.id = o.project_id
        WHERE o.processed_at IS NULL
        ORDER BY o.id
        LIMIT ${BATCH}`;
      if (events.length === 0) return false;
      const webhooks = await tx.webhook.findMany({ where: { enabled: true } });
      for (const event of events) {
        for (const webhook of webhooks.filter((candidate) => webhookMatches(candidate, event))) {
          const delivery = await tx.webhookDelivery.create({
            data: {
              webhookId: webhook.id,
              eventId: event.id,
              auditEventId: event.auditEventId,
              eventType: event.eventType,
              body: webhookBody(event, webhook.format),
            },
            select: { id: true },
          });
          await enqueueJob(
            tx,
            DELIVER_JOB,
            { deliveryId: delivery.id },
            {
              uniqueKey: delivery.id,
              runAt: now,
              maxAttempts: DELIVERY_ATTEMPTS,
              backoffMs: DELIVERY_BACKOFF_MS,
            },
          );
        }
      }
      const ids = events.map((event) => event.id.toString());
      await tx.$executeRaw`UPDATE event_outbox SET processed_at = now() WHERE id = ANY(${ids}::bigint[])`;
      return events.length === BATCH;
    },
    { timeout: 15_000, maxWait: 15_000 },
  );
}
