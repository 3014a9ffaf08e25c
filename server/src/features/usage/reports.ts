import type { PrismaClient } from '../../generated/prisma/client.js';
import { badRequest, notFound } from '../../http/errors.js';
import { requireEnvironment, requireProject } from '../projects/store.js';
import { MAX_USAGE_RANGE_MS, type UsageHistoryQuery } from './schemas.js';
import { staleVerdict } from './stale-flags.js';
import { lastEvaluated, lastEvaluatedInProject, usageHistory } from './store.js';

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
/** Buckets shown when `from` is absent. */
const DEFAULT_BUCKETS = { hour: 24, day: 30 } as const;

const safeCount = (count: bigint) => Number(count > MAX_SAFE ? MAX_SAFE : count);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Reading usage: evaluation counts over time, and the stale-flag report. */
export class UsageReports {
  constructor(private readonly prisma: PrismaClient) {}

  /** Counts of one flag per bucket and variant (every bucket of the range, empty ones as 0). */
  async history(projectKey: string, flagKey: string, query: UsageHistoryQuery, now = new Date()) {
    const project = await requireProject(this.prisma, projectKey);
    const flag = await this.prisma.flag.findUnique({
      where: { projectId_key: { projectId: project.id, key: flagKey } },
      select: { id: true, key: true },
    });
    if (!flag) throw notFound(`Flag '${flagKey}' not found`);
    const environment =
      query.environment === undefined ? undefined : await requireEnvironment(this.prisma, project, query.environment);
    const step = BUCKET_MS[query.bucket];
    const to = query.to === undefined ? now : new Date(query.to);
    // Buckets are whole UTC hours/days (a day is 24 hours in UTC), so flooring the epoch aligns them.
    const end = Math.ceil(to.getTime() / step) * step;
    const start =
      query.from === undefined
        ? end - DEFAULT_BUCKETS[query.bucket] * step
        : Math.floor(Date.parse(query.from) / step) * step;
    if (end - start > MAX_USAGE_RANGE_MS[query.bucket]) {
      const days = MAX_USAGE_RANGE_MS[query.bucket] / BUCKET_MS.day;
      throw badRequest(`Invalid usage query: the range is longer than ${days} days for bucket=${query.bucket}`, {
        issues: [{ path: 'querystring.from', message: `must be at most ${days} days before to` }],
      });
    }
    const rows = await usageHistory(this.prisma, {
      flagId: flag.id,
      environmentId: environment?.id,
      bucket: query.bucket,
      from: new Date(start),
      to,
    });
    const byStart = new Map<number, { total: number; variants: Record<string, number> }>();
    for (const row of rows) {
      const bucket = byStart.get(row.start.getTime()) ?? { total: 0, variants: {} };
      // Stored counts saturate at bigint's maximum; JSON integers (and the schema) end at 2^53 - 1,
      // which enough reports of a public client key reach: past it a count reads as that.
      bucket.variants[row.variant] = safeCount(row.count);
      bucket.total = safeCount(BigInt(bucket.total) + row.count);
      byStart.set(row.start.getTime(), bucket);
    }
    const buckets = [];
    for (let time = start; time < end; time += step) {
      buckets.push({ start: new Date(time).toISOString(), ...(byStart.get(time) ?? { total: 0, variants: {} }) });
    }
    const last = await lastEvaluated(this.prisma, flag.id, environment?.id);
    return {
      flag: flag.key,
      environment: environment?.key ?? null,
      bucket: query.bucket,
      from: new Date(start).toISOString(),
      to: to.toISOString(),
      lastEvaluatedAt: last?.toISOString() ?? null,
      buckets,
    };
  }

  /** The project's live flags that are cleanup candidates after `days` days, with the reasons. */
  async stale(projectKey: string, days: number, now = new Date()) {
    const project = await requireProject(this.prisma, projectKey);
    const flags = await this.prisma.flag.findMany({
      where: { projectId: project.id, archivedAt: null },
      select: {
        id: true,
        key: true,
        name: true,
        createdAt: true,
        configs: {
          select: {
            enabled: true,
            offVariant: true,
            defaultServe: true,
            rules: true,
            prerequisites: true,
            killedFrom: true,
            updatedAt: true,
            environment: { select: { key: true } },
          },
        },
      },
      orderBy: { key: 'asc' },
    });
    const usage = await lastEvaluatedInProject(this.prisma, project.id);
    const candidates = [];
    for (const flag of flags) {
      const lastEvaluatedAt = usage.get(flag.id);
      const verdict = staleVerdict(
        {
          createdAt: flag.createdAt,
          lastEvaluatedAt,
          configs: flag.configs
            .map((config) => ({
              environment: config.environment.key,
              enabled: config.enabled,
              offVariant: config.offVariant,
              defaultServe: config.defaultServe,
              rules: Array.isArray(config.rules) ? config.rules : [],
              prerequisites: Array.isArray(config.prerequisites) ? config.prerequisites : [],
              killed: config.killedFrom !== null,
              updatedAt: config.updatedAt,
            }))
            .sort((a, b) => a.environment.localeCompare(b.environment)),
        },
        days,
        now,
      );
      if (verdict.reasons.length === 0) continue;
      candidates.push({
        key: flag.key,
        name: flag.name,
        createdAt: flag.createdAt.toISOString(),
        lastEvaluatedAt: lastEvaluatedAt?.toISOString() ?? null,
        reasons: verdict.reasons,
        environments: verdict.environments.map((environment) => ({
          ...environment,
          since: environment.since.toISOString(),
        })),
      });
    }
    return { days, asOf: now.toISOString(), examined: flags.length, flags: candidates };
  }
}
