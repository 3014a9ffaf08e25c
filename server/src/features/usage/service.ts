import type { PrismaClient } from '../../generated/prisma/client.js';
import { badRequest } from '../../http/errors.js';
import type { MetricsBody } from './schemas.js';
import { addUsage, hourOf, type UsageRow } from './store.js';

/** How far in the future a report's end may be (SDK clocks drift). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** What became of a report. */
export interface MetricsOutcome {
  accepted: number;
  unknownFlags: string[];
}

/**
 * Usage metrics from SDKs: evaluation counts per environment, flag, variant and hour. A report
 * counts in the hour its window started in; `lastEvaluatedAt` is its end (never later than now).
 */
export class UsageService {
  constructor(private readonly prisma: PrismaClient) {}

  async record(projectId: string, environmentId: string, body: MetricsBody, now = new Date()): Promise<MetricsOutcome> {
    const start = new Date(body.start);
    const end = new Date(body.end);
    if (end.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw badRequest('Invalid metrics: body.end: is in the future', {
        issues: [{ path: 'body.end', message: 'is more than 5 minutes in the future' }],
      });
    }
    const keys = Object.keys(body.flags);
    const flags =
      keys.length === 0
        ? []
        : await this.prisma.flag.findMany({ where: { projectId, key: { in: keys } }, select: { id: true, key: true } });
    const ids = new Map(flags.map((flag) => [flag.key, flag.id]));
    const rows: UsageRow[] = [];
    for (const [flagKey, variants] of Object.entries(body.flags)) {
      const flagId = ids.get(flagKey);
      if (flagId === undefined) continue;
      for (const [variant, count] of Object.entries(variants)) if (count > 0) rows.push({ flagId, variant, count });
    }
    const lastEvaluatedAt = end.getTime() > now.getTime() ? now : end;
    await addUsage(this.prisma, environmentId, hourOf(start), lastEvaluatedAt, rows);
    return { accepted: rows.length, unknownFlags: keys.filter((key) => !ids.has(key)).sort() };
  }
}
