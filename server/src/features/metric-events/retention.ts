import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Sweep } from '../../jobs/runner.js';

/**
 * How long tracked events are kept: longer than the read API reaches back (7 days) and than most
 * release steps hold. A guard of a step held longer sees only this much of its data.
 */
export const EVENTS_RETENTION_MS = 30 * 86_400_000;
/** The sweep runs at every job tick; the deletion at most this often per replica. */
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Deletes events older than {@link EVENTS_RETENTION_MS}, and the event names with no events left
 * (freeing their place under the per-flag cap). Idempotent, so every replica may run it.
 */
export async function pruneMetricEvents(prisma: PrismaClient, now: Date): Promise<{ events: number; names: number }> {
  const cutoff = new Date(now.getTime() - EVENTS_RETENTION_MS);
  const events = await prisma.$executeRaw`DELETE FROM metric_events WHERE minute < ${cutoff}`;
  const names = await prisma.$executeRaw`
    DELETE FROM metric_event_names n
    WHERE n.created_at < ${cutoff}
      AND NOT EXISTS (
        SELECT 1 FROM metric_events e
        WHERE e.environment_id = n.environment_id AND e.flag_id = n.flag_id AND e.event = n.event
      )`;
  return { events, names };
}

/** The job runner's sweep for {@link pruneMetricEvents}, at most once an hour per replica. */
export function metricEventsRetention(app: FastifyInstance): Sweep {
  let lastPrune = Number.NEGATIVE_INFINITY;
  return {
    name: 'metric-events-retention',
    async run(now) {
      if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
      lastPrune = now.getTime();
      await pruneMetricEvents(app.db.prisma, now);
    },
  };
}
