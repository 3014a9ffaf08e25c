import type { PrismaClient } from '../../generated/prisma/client.js';
import { badRequest, HttpError, notFound } from '../../http/errors.js';
import type { MetricsBody } from './schemas.js';
import { reportableFlags } from './reportable-flags.js';
import { addUsage, hourOf, vanishedReference, type UsageRow } from './store.js';

/** How far in the future a report's end may be (SDK clocks drift). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * How far back a report may be counted: an older start counts in the hour this long before now.
 * SDKs keep a report they could not send and merge it into the next, keeping its start, so after
 * an outage a start may be old; without a bound, a (public) client key could add rows for every
 * hour since 1970.
 */
export const MAX_REPORT_AGE_MS = 24 * 3_600_000;
/** Variant key of evaluations that served no variant the flag defines (see {@link UsageService}). */
export const DEFAULT_BUCKET = '';

/** Who reports: the environment of an SDK token, and whether it is a client (public) token. */
export interface ReportScope {
  projectId: string;
  environmentId: string;
  /** Client tokens may only report the flags their snapshot shows: client-side, not archived. */
  clientSideOnly: boolean;
}

/** What became of a report. */
export interface MetricsOutcome {
  accepted: number;
  unknownFlags: string[];
}

/**
 * Usage metrics from SDKs: evaluation counts per environment, flag, variant and hour. A report
 * counts in the hour its window started in (at most {@link MAX_REPORT_AGE_MS} back);
 * `lastEvaluatedAt` is its end (never later than now).
 *
 * What gets stored is bounded by what the project defines, whatever the reports say:
 * - counts of a variant the flag does not define go to its default bucket `""` (with the
 *   evaluations that returned the caller's default): an SDK may still hold a variant that was
 *   since removed or renamed, and its evaluations should keep counting for the flag; made-up
 *   variant strings thus never become rows;
 * - flags the reporter may not see are dropped and listed in `unknownFlags` exactly like flags
 *   that do not exist, so a client token learns nothing about server-only flags.
 */
export class UsageService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Stores `body`'s counts (`retried`: internal, after a flag vanished during the first try). */
  async record(scope: ReportScope, body: MetricsBody, now = new Date(), retried = false): Promise<MetricsOutcome> {
    const start = new Date(body.start);
    const end = new Date(body.end);
    if (end.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw badRequest('Invalid metrics: body.end: is in the future', {
        issues: [{ path: 'body.end', message: 'is more than 5 minutes in the future' }],
      });
    }
    const flags = await reportableFlags(this.prisma, scope, Object.keys(body.flags));
    const counts = new Map<string, UsageRow>();
    const add = (flagId: string, variant: string, count: number) => {
      const key = `${flagId}\n${variant}`;
      const row = counts.get(key);
      if (row) row.count += count;
      else counts.set(key, { flagId, variant, count });
    };
    const unknownFlags: string[] = [];
    for (const [flagKey, variants] of Object.entries(body.flags)) {
      const flag = flags.get(flagKey);
      if (flag === undefined) {
        unknownFlags.push(flagKey);
        continue;
      }
      for (const [variant, count] of Object.entries(variants)) {
        if (count > 0) add(flag.id, flag.variants.has(variant) ? variant : DEFAULT_BUCKET, count);
      }
    }
    const rows = [...counts.values()];
    const oldest = now.getTime() - MAX_REPORT_AGE_MS;
    const hour = hourOf(start.getTime() < oldest ? new Date(oldest) : start);
    const lastEvaluatedAt = end.getTime() > now.getTime() ? now : end;
    try {
      await addUsage(this.prisma, scope.environmentId, hour, lastEvaluatedAt, rows);
    } catch (error) {
      const vanished = vanishedReference(error);
      if (vanished === 'environment') throw notFound("This token's environment no longer exists");
      if (vanished === 'flag') {
        // A reported flag was deleted meanwhile: once more, and it is an unknown flag.
        if (!retried) return this.record(scope, body, now, true);
        throw new HttpError(503, 'Flags were deleted while the report was counted; nothing was stored. Retry.');
      }
      throw error;
    }
    return { accepted: rows.length, unknownFlags: unknownFlags.sort() };
  }
}
