import type { PrismaClient } from '../../generated/prisma/client.js';
import { badRequest, notFound } from '../../http/errors.js';
import { requireEnvironment, requireProject } from '../projects/store.js';
import { MAX_EVENTS_RANGE_MS, type EventsQuery } from './schemas.js';
import { summarize } from './statistics.js';
import { eventSeries, eventTotals, minuteOf, trackedEventNames, type EventSums } from './store.js';

const DAY_MS = 86_400_000;

/** Reading events back: per-variant totals and a time series of one flag's event (the console charts it). */
export class MetricEventsReports {
  constructor(private readonly prisma: PrismaClient) {}

  async history(projectKey: string, flagKey: string, query: EventsQuery, now = new Date()) {
    const project = await requireProject(this.prisma, projectKey);
    const flag = await this.prisma.flag.findUnique({
      where: { projectId_key: { projectId: project.id, key: flagKey } },
      select: { id: true, key: true },
    });
    if (!flag) throw notFound(`Flag '${flagKey}' not found`);
    const environment =
      query.environment === undefined ? undefined : await requireEnvironment(this.prisma, project, query.environment);
    const from = minuteOf(query.since === undefined ? new Date(now.getTime() - DAY_MS) : new Date(query.since));
    if (now.getTime() - from.getTime() > MAX_EVENTS_RANGE_MS) {
      throw badRequest('Invalid events query: since is more than 7 days ago', {
        issues: [{ path: 'querystring.since', message: 'must be at most 7 days ago' }],
      });
    }
    // Reports count in the minute their window started, up to 5 minutes ahead of the server's clock.
    const to = new Date(now.getTime() + 5 * 60_000);
    const events = await trackedEventNames(this.prisma, flag.id, environment?.id);
    const range =
      query.event === undefined
        ? undefined
        : { environmentId: environment?.id, flagId: flag.id, event: query.event, from, to };
    const totals = range ? await eventTotals(this.prisma, range) : new Map<string, EventSums>();
    const rows = range ? await eventSeries(this.prisma, { ...range, bucket: query.bucket }) : [];
    const series: { start: string; variants: Record<string, { count: number; sum: number }> }[] = [];
    for (const row of rows) {
      const start = row.start.toISOString();
      let bucket = series.at(-1);
      if (bucket?.start !== start) series.push((bucket = { start, variants: {} }));
      bucket.variants[row.variant] = { count: Number(row.count), sum: row.sum };
    }
    const variants: Record<string, { count: number; sum: number; mean: number | null; stddev: number | null }> = {};
    for (const [variant, sums] of [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const summary = summarize(sums);
      variants[variant] = { count: sums.count, sum: sums.sum, mean: summary.mean, stddev: summary.stddev };
    }
    return {
      flag: flag.key,
      environment: environment?.key ?? null,
      event: query.event ?? null,
      events,
      since: from.toISOString(),
      to: to.toISOString(),
      bucket: query.bucket,
      variants,
      series,
    };
  }
}
