/**
 * A small durable job queue in PostgreSQL (table `jobs`). Why not pg-boss or graphile-worker: both
 * want their own schema, migrations and LISTEN/NOTIFY connection, and neither runs on PGlite (the
 * embedded mode, one connection, no background workers). What we need is ~100 lines of SQL that
 * work the same on both: a row per job, claimed with `FOR UPDATE SKIP LOCKED` (two replicas never
 * claim the same row, and neither waits for the other) plus a lease (`locked_until`), so a job
 * whose replica died mid-run is claimed again once the lease ends.
 *
 * Guarantees: every attempt runs on one replica at a time; a job completes at most once (completion
 * checks the claim it was given, so a replica whose lease ran out cannot complete a job another
 * replica has claimed since); a job runs at least once. A handler whose effect must happen exactly
 * once makes it conditional in its own transaction (see features/schedules/run.ts).
 */
import { randomUUID } from 'node:crypto';
import { PREPARE, queryRows } from '../db/index.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';

/** Anything that runs SQL: the client, or a transaction (to enqueue with the write that causes it). */
export type Sql = Prisma.TransactionClient | PrismaClient;

export interface EnqueueOptions {
  /** A second job with the same name and key is not added (the first one's id is not returned either). */
  uniqueKey?: string;
  /** Not before this time; default now. */
  runAt?: Date;
  /** Attempts in all, the first included; default 6. */
  maxAttempts?: number;
  /** Wait before the first retry; each next retry waits twice as long (capped at `MAX_BACKOFF_MS`). */
  backoffMs?: number;
}

/** A claimed job: what a handler is given. */
export interface ClaimedJob {
  id: bigint;
  name: string;
  payload: unknown;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  backoffMs: number;
  /** The claim's id: completion and failure only apply while the job still carries it. */
  claim: string;
}

/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 6 * 60 * 60_000;

/** When this process last called `enqueueJob` (`performance.now()`); -Infinity before the first. */
let lastEnqueueAt = -Infinity;

/**
 * Whether this process called `enqueueJob` within the last `withinMs`: a job it added may be due
 * (or about to commit), so a runner woken by a change should claim (see `JobRunner.wake`).
 */
export function enqueuedRecently(withinMs: number): boolean {
  return performance.now() - lastEnqueueAt <= withinMs;
}

/**
 * Adds a job (in `sql`'s transaction when it is one, so it exists if and only if the write that
 * asked for it commits). Returns its id, or null when a job with the same `uniqueKey` exists.
 */
export async function enqueueJob(
  sql: Sql,
  name: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<bigint | null> {
  lastEnqueueAt = performance.now();
  const rows = await sql.$queryRaw<{ id: bigint }[]>`
    INSERT INTO jobs (name, unique_key, payload, run_at, max_attempts, backoff_ms)
    VALUES (${name}, ${options.uniqueKey ?? null}, ${JSON.stringify(payload ?? {})}::jsonb,
      ${options.runAt ?? new Date()}, ${options.maxAttempts ?? 6}, ${options.backoffMs ?? 10_000})
    ON CONFLICT (name, unique_key) DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}

/** Cancels a pending job by name and unique key (a running attempt finishes, but is not retried). */
export async function cancelJob(sql: Sql, name: string, uniqueKey: string): Promise<boolean> {
  const count = await sql.$executeRaw`
    UPDATE jobs SET state = 'cancelled', finished_at = now()
    WHERE name = ${name} AND unique_key = ${uniqueKey} AND state = 'pending'`;
  return count > 0;
}

/**
 * Claims up to `limit` due jobs of the given names for `leaseMs`: each gets a fresh claim id and
 * one more attempt. Rows another replica is claiming right now are skipped, not waited for.
 */
export async function claimJobs(
  sql: Sql,
  names: readonly string[],
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  if (names.length === 0 || limit <= 0) return [];
  const claim = randomUUID();
  const leaseEnd = new Date(now.getTime() + leaseMs);
  // Every tick (about once per change: see JobRunner.wake), so straight to node-postgres when it can
  // (queryRows; bigint ids then come back as strings).
  const rows = await queryRows<{
    id: bigint | string;
    name: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
    backoff_ms: number;
  }>(
    sql,
    Prisma.sql`${Prisma.raw(PREPARE)}
    UPDATE jobs SET locked_by = ${claim}, locked_until = ${leaseEnd}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM jobs
      WHERE state = 'pending' AND run_at <= ${now} AND name = ANY(${[...names]}::text[])
        AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY run_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, name, payload, attempts, max_attempts, backoff_ms`,
  );
  return rows
    .map((row) => ({
      id: BigInt(row.id),
      name: row.name,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      backoffMs: row.backoff_ms,
      claim,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Marks a claimed job done. False when the claim was lost (its lease ended and it was claimed again). */
export async function completeJob(sql: Sql, job: ClaimedJob, now: Date): Promise<boolean> {
  const count = await sql.$executeRaw`
    UPDATE jobs SET state = 'done', finished_at = ${now}, locked_by = NULL, locked_until = NULL, last_error = NULL
    WHERE id = ${job.id} AND locked_by = ${job.claim} AND state = 'pending'`;
  return count > 0;
}

/**
 * Records a failed attempt: the job runs again after its backoff, or ends `failed` after its last
 * attempt (or at once when `permanent`). Returns what happened (`lost` when the claim was lost).
 */
export async function failJob(
  sql: Sql,
  job: ClaimedJob,
  error: string,
  now: Date,
  permanent = false,
): Promise<'retry' | 'failed' | 'lost'> {
  const final = permanent || job.attempt >= job.maxAttempts;
  const runAt = nextAttemptAt(now, job.attempt, job.backoffMs);
  const count = await sql.$executeRaw`
    UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = ${error.slice(0, 2_000)},
      state = ${final ? 'failed' : 'pending'}::job_state, run_at = ${final ? now : runAt},
      finished_at = ${final ? now : null}
    WHERE id = ${job.id} AND locked_by = ${job.claim} AND state = 'pending'`;
  if (count === 0) return 'lost';
  return final ? 'failed' : 'retry';
}

/** When attempt `attempt + 1` may run: `backoffMs × 2^(attempt − 1)` after `now`, at most `MAX_BACKOFF_MS`. */
export function nextAttemptAt(now: Date, attempt: number, backoffMs: number): Date {
  const delay = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** Math.max(0, attempt - 1));
  return new Date(now.getTime() + delay);
}

/** Deletes finished jobs (done, failed, cancelled) older than `before`. */
export async function pruneJobs(sql: Sql, before: Date): Promise<number> {
  return sql.$executeRaw`
    DELETE FROM jobs WHERE state <> 'pending' AND finished_at < ${before}`;
}
