import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';

const HOUR_MS = 3_600_000;
/** bigint's maximum: stored counts saturate there instead of failing every later report of the row. */
const MAX_STORED_COUNT = '9223372036854775807';

/** One (flag, variant) count of a report, the flag resolved to its id. */
export interface UsageRow {
  flagId: string;
  variant: string;
  count: number;
}

/** Start of the UTC hour `time` falls in. */
export function hourOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * Adds `rows` into the environment's counts of `hour` in one statement (INSERT … ON CONFLICT DO
 * UPDATE count = count + n), so concurrent reports from many SDK instances never lose a count.
 * Rows are written in a fixed order so two concurrent reports lock shared rows in the same order
 * (no deadlock). `rows` must not repeat a (flag, variant): one statement cannot update a row twice.
 * Sums saturate at bigint's maximum (computed in numeric, which cannot overflow).
 */
export async function addUsage(
  prisma: PrismaClient,
  environmentId: string,
  hour: Date,
  lastEvaluatedAt: Date,
  rows: UsageRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) =>
    a.flagId === b.flagId ? (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0) : a.flagId < b.flagId ? -1 : 1,
  );
  await prisma.$executeRaw`
    INSERT INTO flag_usage (environment_id, flag_id, variant, hour, count, last_evaluated_at)
    SELECT ${environmentId}::uuid, t.flag_id, t.variant, ${hour}::timestamptz, t.count, ${lastEvaluatedAt}::timestamptz
    FROM unnest(
      ${sorted.map((row) => row.flagId)}::uuid[],
      ${sorted.map((row) => row.variant)}::text[],
      ${sorted.map((row) => String(row.count))}::bigint[]
    ) WITH ORDINALITY AS t(flag_id, variant, count, position)
    ORDER BY t.position
    ON CONFLICT (environment_id, flag_id, variant, hour) DO UPDATE
      SET count = LEAST(flag_usage.count::numeric + EXCLUDED.count, ${MAX_STORED_COUNT}::numeric)::bigint,
          last_evaluated_at = GREATEST(flag_usage.last_evaluated_at, EXCLUDED.last_evaluated_at)`;
}

/** When each of `flagIds` was last evaluated in any environment (flags never evaluated are absent). */
export async function lastEvaluatedByFlag(prisma: PrismaClient, flagIds: string[]): Promise<Map<string, Date>> {
  if (flagIds.length === 0) return new Map();
  const groups = await prisma.flagUsage.groupBy({
    by: ['flagId'],
    where: { flagId: { in: flagIds } },
    _max: { lastEvaluatedAt: true },
  });
  const result = new Map<string, Date>();
  for (const group of groups) if (group._max.lastEvaluatedAt) result.set(group.flagId, group._max.lastEvaluatedAt);
  return result;
}

/**
 * When each live flag of the project was last evaluated (any environment; flags never evaluated
 * are absent): one grouped query, not one bind parameter per flag (10,000 of them cost seconds on
 * embedded PGlite).
 */
export async function lastEvaluatedInProject(prisma: PrismaClient, projectId: string): Promise<Map<string, Date>> {
  const rows = await prisma.$queryRaw<{ flag_id: string; last_evaluated_at: Date }[]>`
    SELECT u.flag_id, max(u.last_evaluated_at) AS last_evaluated_at
    FROM flag_usage u JOIN flags f ON f.id = u.flag_id
    WHERE f.project_id = ${projectId}::uuid AND f.archived_at IS NULL
    GROUP BY u.flag_id`;
  return new Map(rows.map((row) => [row.flag_id, row.last_evaluated_at]));
}

/** When one flag was last evaluated, per environment id. */
export async function lastEvaluatedByEnvironment(prisma: PrismaClient, flagId: string): Promise<Map<string, Date>> {
  const groups = await prisma.flagUsage.groupBy({
    by: ['environmentId'],
    where: { flagId },
    _max: { lastEvaluatedAt: true },
  });
  const result = new Map<string, Date>();
  for (const group of groups) {
    if (group._max.lastEvaluatedAt) result.set(group.environmentId, group._max.lastEvaluatedAt);
  }
  return result;
}

/**
 * Which row `error` found gone, when it is a foreign-key violation of `addUsage`: the environment
 * (deleted while its token was still cached, on this replica or another) or a flag (deleted
 * between resolving the report's keys and writing). Undefined for any other error.
 */
export function vanishedReference(error: unknown): 'environment' | 'flag' | undefined {
  const meta = (error as { meta?: unknown } | null)?.meta;
  if (!(error instanceof Error) || meta === undefined) return undefined;
  const text = JSON.stringify(meta);
  if (!text.includes('23503') && !text.includes('ForeignKeyConstraintViolation')) return undefined;
  if (text.includes('flag_usage_environment_id_fkey')) return 'environment';
  if (text.includes('flag_usage_flag_id_fkey')) return 'flag';
  return undefined;
}

/** One (bucket, variant) sum of `usageHistory`. */
export interface UsageBucketRow {
  start: Date;
  variant: string;
  count: bigint;
}

/**
 * A flag's counts per `bucket` (UTC) and variant over [from, to), in one environment or summed
 * over all (`environmentId` undefined). Only non-empty (bucket, variant) pairs, in bucket order.
 */
export function usageHistory(
  prisma: PrismaClient,
  query: { flagId: string; environmentId: string | undefined; bucket: 'hour' | 'day'; from: Date; to: Date },
): Promise<UsageBucketRow[]> {
  const inEnvironment =
    query.environmentId === undefined ? Prisma.empty : Prisma.sql`AND environment_id = ${query.environmentId}::uuid`;
  return prisma.$queryRaw<UsageBucketRow[]>`
    SELECT date_trunc(${query.bucket}, hour, 'UTC') AS start, variant,
      LEAST(SUM(count), ${MAX_STORED_COUNT}::numeric)::bigint AS count
    FROM flag_usage
    WHERE flag_id = ${query.flagId}::uuid ${inEnvironment}
      AND hour >= ${query.from}::timestamptz AND hour < ${query.to}::timestamptz
    GROUP BY 1, 2
    ORDER BY 1, 2`;
}

/** When the flag was last evaluated, in one environment or any. */
export async function lastEvaluated(
  prisma: PrismaClient,
  flagId: string,
  environmentId: string | undefined,
): Promise<Date | undefined> {
  const result = await prisma.flagUsage.aggregate({
    where: { flagId, ...(environmentId === undefined ? {} : { environmentId }) },
    _max: { lastEvaluatedAt: true },
  });
  return result._max.lastEvaluatedAt ?? undefined;
}
