import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';

/** A client or a transaction's: the writes of one report run in one transaction. */
type Db = PrismaClient | Prisma.TransactionClient;

const MINUTE_MS = 60_000;
/** bigint's maximum: stored counts saturate there (as usage counts do). */
const MAX_STORED_COUNT = '9223372036854775807';
/** The largest double, exactly: float8 sums saturate there. */
const MAX_DOUBLE = BigInt(Number.MAX_VALUE).toString();

/** One (flag, variant, event) aggregate of a report, the flag resolved to its id. */
export interface EventRow {
  flagId: string;
  variant: string;
  event: string;
  count: number;
  sum: number;
  sumSquares: number;
}

/** Sums of events: how many, the sum of their values and of their squares. */
export interface EventSums {
  count: number;
  sum: number;
  sumSquares: number;
}

/** Start of the UTC minute `time` falls in. */
export function minuteOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * Adds `rows` into the environment's sums of `minute` in one statement (INSERT … ON CONFLICT DO
 * UPDATE x = x + n), so concurrent reports never lose an event; rows in a fixed order so two
 * reports lock shared rows in the same order. `rows` must not repeat a (flag, variant, event).
 * Counts saturate at bigint's maximum; the double sums cannot overflow in practice (a report adds at
 * most 1e18, resp. 1e48 per row and unknown variant, see MAX_EVENT_SQUARES), and saturate anyway:
 * PostgreSQL raises an error where a float8 sum would reach infinity.
 */
export async function addEvents(prisma: Db, environmentId: string, minute: Date, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const key = (row: EventRow) => `${row.flagId}\n${row.event}\n${row.variant}`;
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  await prisma.$executeRaw`
    INSERT INTO metric_events (environment_id, flag_id, variant, event, minute, count, sum, sum_squares)
    SELECT ${environmentId}::uuid, t.flag_id, t.variant, t.event, ${minute}::timestamptz, t.count, t.sum, t.sum_squares
    FROM unnest(
      ${sorted.map((row) => row.flagId)}::uuid[],
      ${sorted.map((row) => row.variant)}::text[],
      ${sorted.map((row) => row.event)}::text[],
      ${sorted.map((row) => String(row.count))}::bigint[],
      ${sorted.map((row) => row.sum)}::float8[],
      ${sorted.map((row) => row.sumSquares)}::float8[]
    ) WITH ORDINALITY AS t(flag_id, variant, event, count, sum, sum_squares, position)
    ORDER BY t.position
    ON CONFLICT (environment_id, flag_id, event, variant, minute) DO UPDATE
      SET count = LEAST(metric_events.count::numeric + EXCLUDED.count, ${MAX_STORED_COUNT}::numeric)::bigint,
          sum = ${saturated(Prisma.sql`metric_events.sum::numeric + EXCLUDED.sum`)},
          sum_squares = ${saturated(Prisma.sql`metric_events.sum_squares::numeric + EXCLUDED.sum_squares`)}`;
}

/** `numeric` clamped to the finite doubles, as float8. */
const saturated = (numeric: Prisma.Sql) =>
  Prisma.sql`GREATEST(LEAST(${numeric}, ${MAX_DOUBLE}::numeric), -${MAX_DOUBLE}::numeric)::float8`;

/** The event names stored so far for each of `flagIds` in the environment. */
export async function eventNames(
  prisma: Db,
  environmentId: string,
  flagIds: string[],
): Promise<Map<string, Set<string>>> {
  const names = new Map<string, Set<string>>();
  if (flagIds.length === 0) return names;
  const rows = await prisma.metricEventName.findMany({
    where: { environmentId, flagId: { in: flagIds } },
    select: { flagId: true, event: true },
  });
  for (const row of rows) {
    let set = names.get(row.flagId);
    if (!set) names.set(row.flagId, (set = new Set()));
    set.add(row.event);
  }
  return names;
}

/**
 * Records new event names (an existing one is left alone). Callers keep within the per-flag cap
 * by what they read with {@link eventNames}; two concurrent reports may both add a few names, so
 * the cap can be passed by at most what concurrent reports add at once.
 */
export async function addEventNames(
  prisma: Db,
  environmentId: string,
  names: { flagId: string; event: string }[],
): Promise<void> {
  if (names.length === 0) return;
  await prisma.metricEventName.createMany({
    // In one order, so two reports adding the same names wait on each other rather than deadlock.
    data: names
      .map((name) => ({ environmentId, ...name }))
      .sort((a, b) => (a.flagId + '\n' + a.event < b.flagId + '\n' + b.event ? -1 : 1)),
    skipDuplicates: true,
  });
}

/** Sums of one flag's event per variant over [from, to) in one environment (or all: `undefined`). */
export async function eventTotals(
  prisma: PrismaClient,
  query: { environmentId: string | undefined; flagId: string; event: string; from: Date; to: Date },
): Promise<Map<string, EventSums>> {
  const rows = await prisma.$queryRaw<{ variant: string; count: bigint; sum: number; sum_squares: number }[]>`
    SELECT variant, LEAST(SUM(count), ${MAX_STORED_COUNT}::numeric)::bigint AS count,
      ${saturated(Prisma.sql`SUM(sum::numeric)`)} AS sum, ${saturated(Prisma.sql`SUM(sum_squares::numeric)`)} AS sum_squares
    FROM metric_events
    WHERE flag_id = ${query.flagId}::uuid ${inEnvironment(query.environmentId)} AND event = ${query.event}
      AND minute >= ${query.from}::timestamptz AND minute < ${query.to}::timestamptz
    GROUP BY variant`;
  return new Map(
    rows.map((row) => [row.variant, { count: Number(row.count), sum: row.sum, sumSquares: row.sum_squares }]),
  );
}

/** One (bucket, variant) sum of {@link eventSeries}. */
export interface EventBucketRow {
  start: Date;
  variant: string;
  count: bigint;
  sum: number;
}

/** A flag's event per `bucket` (UTC) and variant over [from, to): only non-empty pairs, in order. */
export function eventSeries(
  prisma: PrismaClient,
  query: {
    environmentId: string | undefined;
    flagId: string;
    event: string;
    bucket: 'minute' | 'hour';
    from: Date;
    to: Date;
  },
): Promise<EventBucketRow[]> {
  return prisma.$queryRaw<EventBucketRow[]>`
    SELECT date_trunc(${query.bucket}, minute, 'UTC') AS start, variant,
      LEAST(SUM(count), ${MAX_STORED_COUNT}::numeric)::bigint AS count, ${saturated(Prisma.sql`SUM(sum::numeric)`)} AS sum
    FROM metric_events
    WHERE flag_id = ${query.flagId}::uuid ${inEnvironment(query.environmentId)} AND event = ${query.event}
      AND minute >= ${query.from}::timestamptz AND minute < ${query.to}::timestamptz
    GROUP BY 1, 2
    ORDER BY 1, 2`;
}

const inEnvironment = (environmentId: string | undefined) =>
  environmentId === undefined ? Prisma.empty : Prisma.sql`AND environment_id = ${environmentId}::uuid`;

/** The event names tracked for a flag, in one environment or any, sorted. */
export async function trackedEventNames(
  prisma: PrismaClient,
  flagId: string,
  environmentId: string | undefined,
): Promise<string[]> {
  const rows = await prisma.metricEventName.findMany({
    where: { flagId, ...(environmentId === undefined ? {} : { environmentId }) },
    select: { event: true },
    distinct: ['event'],
    orderBy: { event: 'asc' },
  });
  return rows.map((row) => row.event);
}

/** Evaluations (usage counts) of one flag per variant in hours [from, to) in one environment. */
export async function exposureTotals(
  prisma: PrismaClient,
  query: { environmentId: string; flagId: string; from: Date; to: Date },
): Promise<Map<string, number>> {
  const groups = await prisma.flagUsage.groupBy({
    by: ['variant'],
    where: { environmentId: query.environmentId, flagId: query.flagId, hour: { gte: query.from, lt: query.to } },
    _sum: { count: true },
  });
  return new Map(groups.map((group) => [group.variant, Number(group._sum.count ?? 0n)]));
}

/**
 * Which row `error` found gone, when it is a foreign-key violation of {@link addEvents} or
 * {@link addEventNames}: the environment or a flag (deleted meanwhile). Undefined otherwise.
 */
export function vanishedEventReference(error: unknown): 'environment' | 'flag' | undefined {
  const meta = (error as { meta?: unknown } | null)?.meta;
  if (!(error instanceof Error) || meta === undefined) return undefined;
  const text = JSON.stringify(meta);
  if (!text.includes('23503') && !text.includes('ForeignKeyConstraintViolation')) return undefined;
  if (/metric_event(s|_names)_environment_id_fkey/.test(text)) return 'environment';
  if (/metric_event(s|_names)_flag_id_fkey/.test(text)) return 'flag';
  return undefined;
}
