import type { PrismaClient } from '../generated/prisma/client.js';
import { claimJobs, completeJob, failJob, pruneJobs, type ClaimedJob } from './queue.js';

/** How long `wake()` waits before ticking, so a burst of changes makes one tick. */
const WAKE_DELAY_MS = 20;

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
  readonly #onError: (error: unknown, source: string) => void;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #wakeTimer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #again = false;
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
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts polling (no-op when `pollMs` is 0). */
  start(): void {
    if (this.#started || this.#pollMs <= 0) return;
    this.#started = true;
    this.#timer = setInterval(() => this.#tickSoon(), this.#pollMs);
    this.#timer.unref();
    this.#tickSoon();
  }

  /**
   * Ticks soon: within `WAKE_DELAY_MS`, so a burst of changes wakes it once, and after the running
   * tick, if any. Does nothing before `start`.
   */
  wake(): void {
    if (!this.#started || this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#tickSoon();
    }, WAKE_DELAY_MS);
    this.#wakeTimer.unref();
  }

  #tickSoon(): void {
    if (!this.#started) return;
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
    const result: TickResult = { done: 0, retried: 0, failed: 0, lost: 0 };
    for (const sweep of this.#sweeps) {
      try {
        await sweep.run(now);
      } catch (error) {
        this.#onError(error, sweep.name);
      }
    }
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
      try {
        await this.tick(this.#now());
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
