import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { badRequest, HttpError, notFound } from '../../http/errors.js';
import { DEFAULT_BUCKET, MAX_REPORT_AGE_MS, type MetricsOutcome, type ReportScope } from '../usage/service.js';
import { reportableFlags } from '../usage/reportable-flags.js';
import { MAX_EVENT_NAMES_PER_FLAG, type EventsBody } from './schemas.js';
import { addEventNames, addEvents, eventNames, minuteOf, vanishedEventReference, type EventRow } from './store.js';

/** How far in the future a report's end may be (SDK clocks drift); as for usage reports. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The app's own events from SDKs (`track()`), summed per environment, flag, variant, event name
 * and minute: the data of the built-in release guard. A report counts in the minute its window
 * started in (at most {@link MAX_REPORT_AGE_MS} back, like usage).
 *
 * What gets stored is bounded by what the project defines, as for usage: events attributed to a
 * variant the flag does not define go to its `""` bucket; flags the reporter may not see (for a
 * client token: not client-side, or archived) are dropped and listed like unknown flags; and each
 * flag keeps at most {@link MAX_EVENT_NAMES_PER_FLAG} event names per environment (events of
 * further names are dropped), so a public client key cannot grow the tables without bound.
 */
export class MetricEventsService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Stores `body`'s sums (`retried`: internal, after a flag vanished during the first try). */
  async record(scope: ReportScope, body: EventsBody, now = new Date(), retried = false): Promise<MetricsOutcome> {
    const start = new Date(body.start);
    if (Date.parse(body.end) > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw badRequest('Invalid events: body.end: is in the future', {
        issues: [{ path: 'body.end', message: 'is more than 5 minutes in the future' }],
      });
    }
    const flags = await reportableFlags(this.prisma, scope, Object.keys(body.events));
    const rows = new Map<string, EventRow>();
    const unknownFlags: string[] = [];
    for (const [flagKey, variants] of Object.entries(body.events)) {
      const flag = flags.get(flagKey);
      if (flag === undefined) {
        unknownFlags.push(flagKey);
        continue;
      }
      for (const [reported, events] of Object.entries(variants)) {
        const variant = flag.variants.has(reported) ? reported : DEFAULT_BUCKET;
        for (const [event, sums] of Object.entries(events)) {
          const key = `${flag.id}\n${variant}\n${event}`;
          const row = rows.get(key);
          if (row) {
            row.count += sums.count;
            row.sum += sums.sum;
            row.sumSquares += sums.sumSquares;
          } else {
            rows.set(key, { flagId: flag.id, variant, event, ...sums });
          }
        }
      }
    }
    const oldest = now.getTime() - MAX_REPORT_AGE_MS;
    const minute = minuteOf(start.getTime() < oldest ? new Date(oldest) : start);
    try {
      // One transaction: names recorded without their events (an outage between the two writes)
      // would count against the flag's name cap for nothing.
      const kept = await this.prisma.$transaction(async (tx) => {
        const within = await withinNameCap(tx, scope.environmentId, [...rows.values()]);
        await addEvents(tx, scope.environmentId, minute, within);
        return within;
      });
      return { accepted: kept.length, unknownFlags: unknownFlags.sort() };
    } catch (error) {
      const vanished = vanishedEventReference(error);
      if (vanished === 'environment') throw notFound("This token's environment no longer exists");
      if (vanished === 'flag') {
        // A reported flag was deleted meanwhile: once more, and it is an unknown flag.
        if (!retried) return this.record(scope, body, now, true);
        throw new HttpError(503, 'Flags were deleted while the report was counted; nothing was stored. Retry.');
      }
      throw error;
    }
  }
}

/**
 * The rows whose event name is already stored for their flag, or that fit under the flag's
 * name cap (recording those names); the others are dropped.
 */
async function withinNameCap(
  tx: Prisma.TransactionClient,
  environmentId: string,
  rows: EventRow[],
): Promise<EventRow[]> {
  const known = await eventNames(tx, environmentId, [...new Set(rows.map((row) => row.flagId))]);
  const added: { flagId: string; event: string }[] = [];
  const kept = rows.filter((row) => {
    let names = known.get(row.flagId);
    if (!names) known.set(row.flagId, (names = new Set()));
    if (names.has(row.event)) return true;
    if (names.size >= MAX_EVENT_NAMES_PER_FLAG) return false;
    names.add(row.event);
    added.push({ flagId: row.flagId, event: row.event });
    return true;
  });
  await addEventNames(tx, environmentId, added);
  return kept;
}
