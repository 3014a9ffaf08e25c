import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../db/index.js';
import { openMigratedTestDatabase, type OpenTestDatabase } from '../../test/helpers/db.js';
import { cancelJob, claimJobs, completeJob, enqueueJob, failJob, MAX_BACKOFF_MS, nextAttemptAt } from './queue.js';
import { JobRunner, PermanentJobError, type JobHandler } from './runner.js';

let opened: OpenTestDatabase;
let db: Database;
let other: Database;
const MINUTE = 60_000;

beforeAll(async () => {
  opened = await openMigratedTestDatabase();
  db = opened.db;
  other = await openDatabase({ databaseUrl: opened.database.url, dataDir: 'unused' });
});
afterAll(async () => {
  await other?.close();
  await opened?.close();
});

const clear = () => db.prisma.job.deleteMany();

describe('nextAttemptAt (exponential backoff)', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each([
    [1, 10_000, 10_000],
    [2, 10_000, 20_000],
    [3, 10_000, 40_000],
    [6, 10_000, 320_000],
    [30, 10_000, MAX_BACKOFF_MS],
    [1, 0, 0],
  ])('after attempt %i with base %i ms waits %i ms', (attempt, base, wait) => {
    expect(nextAttemptAt(now, attempt, base).getTime() - now.getTime()).toBe(wait);
  });
});

describe('the queue', () => {
  it('adds a job once per unique key', async () => {
    await clear();
    expect(await enqueueJob(db.prisma, 'a', { n: 1 }, { uniqueKey: 'k' })).not.toBeNull();
    expect(await enqueueJob(db.prisma, 'a', { n: 2 }, { uniqueKey: 'k' })).toBeNull();
    expect(await enqueueJob(db.prisma, 'b', {}, { uniqueKey: 'k' })).not.toBeNull(); // keys are per name
    expect(await enqueueJob(db.prisma, 'a', {})).not.toBeNull();
    expect(await enqueueJob(db.prisma, 'a', {})).not.toBeNull(); // no key: no deduplication
    expect(await db.prisma.job.count({ where: { name: 'a' } })).toBe(3);
  });

  it('claims only due jobs of known names; a lease that ran out lets another claim, and the first cannot complete', async () => {
    await clear();
    const now = new Date();
    await enqueueJob(db.prisma, 'a', {}, { runAt: now });
    await enqueueJob(db.prisma, 'a', {}, { runAt: new Date(now.getTime() + MINUTE) });
    await enqueueJob(db.prisma, 'unknown', {}, { runAt: now });
    const [first, ...rest] = await claimJobs(db.prisma, ['a'], now, 10, MINUTE);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ attempt: 1 });
    // Leased: nobody else gets it until the lease ends.
    expect(await claimJobs(other.prisma, ['a'], new Date(now.getTime() + 30_000), 10, MINUTE)).toHaveLength(0);
    const later = new Date(now.getTime() + MINUTE + 1);
    const reclaimed = await claimJobs(other.prisma, ['a'], later, 1, MINUTE);
    expect(reclaimed.map((job) => [job.id, job.attempt])).toEqual([[first!.id, 2]]);
    expect(await completeJob(db.prisma, first!, later)).toBe(false); // its claim is gone
    expect(await failJob(db.prisma, first!, 'late', later)).toBe('lost');
    expect(await completeJob(other.prisma, reclaimed[0]!, later)).toBe(true);
    expect(await completeJob(other.prisma, reclaimed[0]!, later)).toBe(false); // completes once
  });

  it('retries after the backoff, then fails after the last attempt; cancelled jobs never run', async () => {
    await clear();
    const now = new Date();
    await enqueueJob(db.prisma, 'a', {}, { runAt: now, maxAttempts: 2, backoffMs: 1_000 });
    const [job] = await claimJobs(db.prisma, ['a'], now, 1, MINUTE);
    expect(await failJob(db.prisma, job!, 'boom', now)).toBe('retry');
    expect(await claimJobs(db.prisma, ['a'], new Date(now.getTime() + 999), 1, MINUTE)).toHaveLength(0);
    const [again] = await claimJobs(db.prisma, ['a'], new Date(now.getTime() + 1_000), 1, MINUTE);
    expect(again!.attempt).toBe(2);
    expect(await failJob(db.prisma, again!, 'boom again', now)).toBe('failed');
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({
      state: 'failed',
      lastError: 'boom again',
      attempts: 2,
    });
    await enqueueJob(db.prisma, 'a', {}, { uniqueKey: 'c', runAt: now });
    expect(await cancelJob(db.prisma, 'a', 'c')).toBe(true);
    expect(await claimJobs(db.prisma, ['a'], new Date(now.getTime() + MINUTE), 10, MINUTE)).toHaveLength(0);
  });
});

describe('JobRunner', () => {
  it('two runners racing run each of 60 jobs exactly once', async () => {
    await clear();
    const runs = new Map<number, number>();
    const handler: JobHandler<{ n: number }> = {
      name: 'count',
      async run({ n }) {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    const now = new Date();
    for (let n = 0; n < 60; n++) await enqueueJob(db.prisma, 'count', { n }, { runAt: now });
    const a = new JobRunner({ prisma: db.prisma, handlers: [handler], pollMs: 0, batchSize: 7 });
    const b = new JobRunner({ prisma: other.prisma, handlers: [handler], pollMs: 0, batchSize: 5 });
    const results = await Promise.all([a.tick(now), b.tick(now), a.tick(now), b.tick(now)]);
    expect(results.reduce((sum, result) => sum + result.done, 0)).toBe(60);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(60);
    expect(await db.prisma.job.count({ where: { state: 'done' } })).toBe(60);
  });

  it('retries a failing handler with backoff and stops at a PermanentJobError', async () => {
    await clear();
    let calls = 0;
    const runner = new JobRunner({
      prisma: db.prisma,
      pollMs: 0,
      handlers: [
        {
          name: 'flaky',
          async run(_payload: unknown, context) {
            calls += 1;
            if (context.attempt < 3) throw new Error(`attempt ${context.attempt}`);
          },
        },
        {
          name: 'hopeless',
          async run() {
            throw new PermanentJobError('bad payload');
          },
        },
      ],
    });
    const now = Date.now();
    await enqueueJob(db.prisma, 'flaky', {}, { runAt: new Date(now), backoffMs: 1_000 });
    await enqueueJob(db.prisma, 'hopeless', {}, { runAt: new Date(now) });
    expect(await runner.tick(new Date(now))).toEqual({ done: 0, retried: 1, failed: 1, lost: 0 });
    expect(await runner.tick(new Date(now + 1_000))).toEqual({ done: 0, retried: 1, failed: 0, lost: 0 });
    expect(await runner.tick(new Date(now + 2_999))).toEqual({ done: 0, retried: 0, failed: 0, lost: 0 });
    expect(await runner.tick(new Date(now + 3_000))).toEqual({ done: 1, retried: 0, failed: 0, lost: 0 });
    expect(calls).toBe(3);
    expect(await db.prisma.job.findFirstOrThrow({ where: { name: 'hopeless' } })).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: 'bad payload',
    });
  });

  it('once started, runs a new job soon after wake() without waiting for the poll, and stops cleanly', async () => {
    await clear();
    const ran: number[] = [];
    const runner = new JobRunner({
      prisma: db.prisma,
      pollMs: 60 * MINUTE,
      handlers: [{ name: 'soon', run: async ({ n }: { n: number }) => void ran.push(n) }],
    });
    runner.wake(); // before start: nothing
    runner.start();
    await enqueueJob(db.prisma, 'soon', { n: 1 });
    runner.wake();
    runner.wake(); // coalesced
    await vi.waitFor(() => expect(ran).toEqual([1]), { timeout: 5_000, interval: 20 });
    await runner.stop();
    await enqueueJob(db.prisma, 'soon', { n: 2 });
    runner.wake(); // stopped: nothing
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran).toEqual([1]);
  });

  it('a tick woken by a change runs the sweeps but claims only after an enqueue in this process (else the poll claims)', async () => {
    await clear();
    const ran: string[] = [];
    let sweeps = 0;
    const handlers = [{ name: 'woken', run: async ({ from }: { from: string }) => void ran.push(from) }];
    const sweep = { name: 'count', run: async () => (sweeps += 1) };
    // claimAfterEnqueueMs 0: the enqueues of earlier tests do not count as recent.
    const runner = new JobRunner({
      prisma: db.prisma,
      pollMs: 60 * MINUTE,
      handlers,
      sweeps: [sweep],
      claimAfterEnqueueMs: 0,
    });
    runner.start(); // the first poll tick: nothing due yet
    await vi.waitFor(() => expect(sweeps).toBe(1), { timeout: 5_000, interval: 10 });
    // A due job this process did not enqueue (as another replica would): a woken tick leaves it.
    await db.prisma
      .$executeRaw`INSERT INTO jobs (name, payload, run_at) VALUES ('woken', ${'{"from":"other"}'}::jsonb, now())`;
    runner.wake();
    await vi.waitFor(() => expect(sweeps).toBe(2), { timeout: 5_000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran).toEqual([]);
    await runner.stop();

    // The poll claims it; and with the default window, an enqueue here makes a woken tick claim.
    const eager = new JobRunner({ prisma: db.prisma, pollMs: 60 * MINUTE, handlers, sweeps: [sweep] });
    eager.start();
    await vi.waitFor(() => expect(ran).toEqual(['other']), { timeout: 5_000, interval: 10 });
    await enqueueJob(db.prisma, 'woken', { from: 'here' });
    eager.wake();
    await vi.waitFor(() => expect(ran).toEqual(['other', 'here']), { timeout: 5_000, interval: 10 });
    await eager.stop();
  });

  it('refuses two handlers of one name', () => {
    const handler = { name: 'x', run: async () => {} };
    expect(() => new JobRunner({ prisma: db.prisma, handlers: [handler, handler] })).toThrow("two handlers named 'x'");
  });
});
