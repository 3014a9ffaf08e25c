import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { openDatabase, type Database } from '../../db/index.js';
import { claimJobs } from '../../jobs/queue.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { scheduledChangeJob } from './run.js';
import { SCHEDULE_JOB } from './service.js';

// Two replicas (two apps on one database) and restarts: every schedule is applied exactly once.
let t: TestApp;
const replicas: { app: App; db: Database }[] = [];
const MINUTE = 60_000;
const flagUrl = '/projects/shop/flags/checkout';

/** Another replica: its own app and connection pool on the test's database. */
async function startReplica(): Promise<App> {
  const db = await openDatabase({ databaseUrl: t.config.databaseUrl!, dataDir: t.config.dataDir });
  const app = await buildApp({ db, config: t.config, logger: false });
  await app.ready();
  replicas.push({ app, db });
  return app;
}

async function stopReplica(app: App): Promise<void> {
  const index = replicas.findIndex((replica) => replica.app === app);
  const [replica] = replicas.splice(index, 1);
  await replica!.app.close();
  await replica!.db.close();
}

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'Production' })).status).toBe(
    201,
  );
  expect(
    (await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' })).status,
  ).toBe(201);
});
afterAll(async () => {
  for (const replica of [...replicas]) await stopReplica(replica.app);
  await t?.close();
});

async function scheduleKill(at: Date, reason: string): Promise<string> {
  const response = await t.api('POST', `${flagUrl}/schedules`, {
    environment: 'production',
    at: at.toISOString(),
    change: { kind: 'kill' },
    reason,
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

const appliedChanges = (id: string) =>
  t.db.prisma.auditEvent.count({ where: { actorKind: 'system', actorId: `schedule:${id}` } });

describe('schedules across replicas and restarts', () => {
  it('two replicas ticking at once apply each of 12 due schedules exactly once', async () => {
    const a = await startReplica();
    const b = await startReplica();
    const at = new Date(Date.now() + MINUTE);
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) ids.push(await scheduleKill(at, `race ${index}`));
    const due = new Date(at.getTime() + 1_000);
    const results = await Promise.all([a.jobs.tick(due), b.jobs.tick(due), a.jobs.tick(due), b.jobs.tick(due)]);
    expect(results.reduce((sum, result) => sum + result.done, 0)).toBe(12);
    expect(results.reduce((sum, result) => sum + result.lost + result.failed + result.retried, 0)).toBe(0);
    for (const id of ids) expect(await appliedChanges(id)).toBe(1);
    await stopReplica(a);
    await stopReplica(b);
  });

  it('the same schedule run by two replicas at the same moment is applied once (the row lock decides)', async () => {
    const a = await startReplica();
    const b = await startReplica();
    const id = await scheduleKill(new Date(Date.now() + MINUTE), 'both at once');
    const context = { id: 1n, attempt: 1, maxAttempts: 6, lastAttempt: false, now: new Date() };
    await Promise.all([
      scheduledChangeJob(a).run({ scheduleId: id }, context),
      scheduledChangeJob(b).run({ scheduleId: id }, context),
    ]);
    expect(await appliedChanges(id)).toBe(1);
    // Its job, when it comes due, finds the schedule applied: done, nothing written.
    expect(await a.jobs.tick(new Date(Date.now() + 2 * MINUTE))).toMatchObject({ done: 1 });
    expect(await appliedChanges(id)).toBe(1);
    await stopReplica(a);
    await stopReplica(b);
  });

  it('a replica that dies holding the job: after a restart the lease ends and the schedule is applied once', async () => {
    const at = new Date(Date.now() + MINUTE);
    const id = await scheduleKill(at, 'crash before applying');
    const doomed = await startReplica();
    // The doomed replica claims the job and dies before running it.
    const claimed = await claimJobs(doomed.db.prisma, [SCHEDULE_JOB], new Date(at.getTime() + 1_000), 10, 5 * MINUTE);
    expect(claimed.map((job) => (job.payload as { scheduleId: string }).scheduleId)).toEqual([id]);
    await stopReplica(doomed);
    const restarted = await startReplica();
    // Within the lease nobody else runs it; after, the restarted replica does.
    expect(await restarted.jobs.tick(new Date(at.getTime() + 2 * MINUTE))).toMatchObject({ done: 0 });
    expect(await appliedChanges(id)).toBe(0);
    expect(await restarted.jobs.tick(new Date(at.getTime() + 7 * MINUTE))).toMatchObject({ done: 1 });
    expect(await appliedChanges(id)).toBe(1);
    await stopReplica(restarted);
  });

  it('a replica that dies after applying but before completing the job: the rerun writes nothing', async () => {
    const at = new Date(Date.now() + MINUTE);
    const id = await scheduleKill(at, 'crash after applying');
    const doomed = await startReplica();
    const [job] = await claimJobs(doomed.db.prisma, [SCHEDULE_JOB], new Date(at.getTime() + 1_000), 10, 5 * MINUTE);
    await scheduledChangeJob(doomed).run(job!.payload as { scheduleId: string }, {
      id: job!.id,
      attempt: 1,
      maxAttempts: 6,
      lastAttempt: false,
      now: new Date(),
    });
    await stopReplica(doomed); // the job was never marked done
    expect(await appliedChanges(id)).toBe(1);
    const restarted = await startReplica();
    expect(await restarted.jobs.tick(new Date(at.getTime() + 7 * MINUTE))).toMatchObject({ done: 1 });
    expect(await appliedChanges(id)).toBe(1);
    const view = await t.api('GET', `${flagUrl}/schedules/${id}`);
    expect(view.body).toMatchObject({ state: 'applied' });
    await stopReplica(restarted);
  });

  it('a cancel racing the job: either applied or cancelled, never both', async () => {
    const a = await startReplica();
    const at = new Date(Date.now() + MINUTE);
    for (let round = 0; round < 4; round++) {
      const id = await scheduleKill(at, `cancel race ${round}`);
      const [, cancel] = await Promise.all([
        a.jobs.tick(new Date(at.getTime() + 1_000)),
        t.api('POST', `${flagUrl}/schedules/${id}/cancel`),
      ]);
      const view = (await t.api('GET', `${flagUrl}/schedules/${id}`)).body;
      if (cancel.status === 200) {
        expect(view.state).toBe('cancelled');
        expect(await appliedChanges(id)).toBe(0);
      } else {
        expect(cancel.status).toBe(409);
        expect(view.state).toBe('applied');
        expect(await appliedChanges(id)).toBe(1);
      }
    }
    await stopReplica(a);
  });
});
