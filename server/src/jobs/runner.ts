import type { PrismaClient } from '../generated/prisma/client.js';
import { TRANSACTION_LIMITS } from '../changes/change-transaction.js';
import { claimJobs, completeJob, enqueuedRecently, failJob, pruneJobs, type ClaimedJob } from './queue.js';

/** How long `wake()` waits before ticking, so a burst of changes makes one tick. */
const WAKE_DELAY_MS = 20;
/**
 * A tick woken by a change claims jobs only when this process enqueued one this recently: longer
 * than a change transaction may stay open, so a job enqueued in one is claimed on the wake that
 * follows its commit. Other due jobs (retries, scheduled times, other replicas' jobs) wait for the poll.
 */
const CLAIM_AFTER_ENQUEUE_MS = TRANSACTION_LIMITS.maxWait + TRANSACTION_LIMITS.timeout;

/** What a handler knows about the attempt it runs. */
export interface JobContext {
  id: bigint;
  /** From 1. */
  attempt: number;
  maxAttempts: number;
  /** True when a failure of this attempt ends the job as `failed` (no retry follows). */
  lastAttempt: boolean;
  /** The runner's clock at the tick that claimed the job. */
  now: Date;
}

/**
 * Runs the jobs of one name. Throwing fails the attempt (retried with backoff); throwing a
 * `PermanentJobError` fails the job at once. The effect should be idempotent: after a crash, an
 * attempt whose lease ran out runs again.
 */
export interface JobHandler<P = unknown> {
  name: string;
  run(payload: P, context: JobContext): Promise<void>;
}

/** Work every tick does before claiming jobs, e.g. turning outbox rows into jobs. */
export interface Sweep {
  name: string;
  run(now: Date): Promise<unknown>;
}

/** Thrown by a handler when retrying cannot help (bad payload, target gone). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export interface JobRunnerOptions {
  prisma: PrismaClient;
  handlers: readonly JobHandler<never>[];
  sweeps?: readonly Sweep[];
  /** Poll this often once started; 0 = never on its own (tests call `tick`). Default 1,000. */
  pollMs?: number;
  /** Jobs claimed per tick (run concurrently). Default 10. */
  batchSize?: number;
  /** How long an attempt may run before another replica may claim the job again. Default 5 min. */
  leaseMs?: number;
  /** Finished jobs are deleted this long after they finished. Default 7 days. */
  retentionMs?: number;
  /** See `CLAIM_AFTER_ENQUEUE_MS` (the default); tests shorten it. */
  claimAfterEnqueueMs?: number;
  onError?: (error: unknown, source: string) => void;
  now?: () => Date;
}

/** What one tick did. */
export interface TickResult {
  /** Jobs run, by outcome. */
  done: number;
  retried: number;
  failed: number;
  /** Completions refused because the claim was lost (lease ended, another replica claimed). */
  lost: number;
}

/**
 * Runs jobs of the registered handlers: every `pollMs` (and soon after `wake()`), one tick runs the
 * sweeps, then claims due jobs and runs them, repeating while full batches come back. One tick at a
 * time per runner; any number of runners (replicas) share the table safely (see queue.ts).
 */
export class JobRunner {
  readonly #prisma: PrismaClient;
  readonly #handlers = new Map<string, JobHandler<unknown>>();
  readonly #sweeps: readonly Sweep[];
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #retentionMs: number;
  readonly #claimAfterEnqueueMs: number;
  readonly #onError: (error: unknown, source: string) => void;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #wakeTimer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #again = false;
  /** The next tick claims jobs whatever `#wokenOnly` says: set by the poll (and start). */
  #pollDue = false;
  #started = false;
  #lastPrune = 0;

  constructor(options: JobRunnerOptions) {
    this.#prisma = options.prisma;
    for (const handler of options.handlers) {
      if (this.#handlers.has(handler.name)) throw new Error(`JobRunner: two handlers named '${handler.name}'`);
      this.#handlers.set(handler.name, handler as JobHandler<unknown>);
    }
    this.#sweeps = options.sweeps ?? [];
    this.#pollMs = options.pollMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 10;
    this.#leaseMs = options.leaseMs ?? 5 * 60_000;
    this.#retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60_000;
    this.#claimAfterEnqueueMs = options.claimAfterEnqueueMs ?? CLAIM_AFTER_ENQUEUE_MS;
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts polling (no-op when `pollMs` is 0). */
  start(): void {
    if (this.#started || this.#pollMs <= 0) return;
    this.#started = true;
    this.#timer = setInterval(() => this.#tickSoon(true), this.#pollMs);
    this.#timer.unref();
    this.#tickSoon(true);
  }

  /**
   * Ticks soon: within `WAKE_DELAY_MS`, so a burst of changes wakes it once, and after the running
   * tick, if any. Does nothing before `start`. Called after every committed change, so such a tick
   * runs the sweeps (outbox rows to jobs) but claims jobs only when a sweep or this process enqueued
   * one lately (`CLAIM_AFTER_ENQUEUE_MS`): otherwise there is nothing new to claim, and a toggle
   * would pay a statement for nothing. Jobs due for other reasons are claimed by the poll.
   */
  wake(): void {
    if (!this.#started || this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#tickSoon(false);
    }, WAKE_DELAY_MS);
    this.#wakeTimer.unref();
  }

  #tickSoon(poll: boolean): void {
    if (!this.#started) return;
    if (poll) this.#pollDue = true;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Stops polling and waits for the running tick. */
  async stop(): Promise<void> {
    this.#started = false;
    clearInterval(this.#timer);
    clearTimeout(this.#wakeTimer);
    this.#timer = undefined;
    this.#wakeTimer = undefined;
    await this.#running;
  }

  /**
   * One round at `now`: the sweeps, then due jobs until none is left (or a batch is not full).
   * Tests call it with the time they want, instead of sleeping.
   */
  async tick(now: Date = this.#now()): Promise<TickResult> {
    return this.#tick(now, true);
  }

  /** `claim` false: the sweeps only, unless something was enqueued lately (see `wake`). */
  async #tick(now: Date, claim: boolean): Promise<TickResult> {
    const result: TickResult = { done: 0, retried: 0, failed: 0, lost: 0 };
    for (const sweep of this.#sweeps) {
      try {
        await sweep.run(now);
      } catch (error) {
        this.#onError(error, sweep.name);
      }
    }
    // Checked after the sweeps: one that enqueued deliveries just now makes this tick claim them.
    if (!claim && !enqueuedRecently(this.#claimAfterEnqueueMs)) return result;
    const names = [...this.#handlers.keys()];
    for (;;) {
      const jobs = await claimJobs(this.#prisma, names, now, this.#batchSize, this.#leaseMs);
      const outcomes = await Promise.all(jobs.map((job) => this.#runOne(job, now)));
      for (const outcome of outcomes) result[outcome] += 1;
      if (jobs.length < this.#batchSize) break;
    }
    if (now.getTime() - this.#lastPrune > 60 * 60_000) {
      this.#lastPrune = now.getTime();
      await pruneJobs(this.#prisma, new Date(now.getTime() - this.#retentionMs));
    }
    return result;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const claim = this.#pollDue;
      this.#pollDue = false;
      try {
        await this.#tick(this.#now(), claim);
      } catch (error) {
        this.#onError(error, 'tick');
      }
    } while (this.#again && this.#started);
  }

  async #runOne(job: ClaimedJob, now: Date): Promise<keyof TickResult> {
    const handler = this.#handlers.get(job.name)!;
    const context: JobContext = {
      id: job.id,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      lastAttempt: job.attempt >= job.maxAttempts,
      now,
    };
    try {
      await handler.run(job.payload, context);
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      if (!permanent) this.#onError(error, job.name);
      const message = error instanceof Error ? error.message : String(error);
      const outcome = await failJob(this.#prisma, job, message, now, permanent);
      return outcome === 'retry' ? 'retried' : outcome === 'failed' ? 'failed' : 'lost';
    }
    return (await completeJob(this.#prisma, job, now)) ? 'done' : 'lost';
  }
}
