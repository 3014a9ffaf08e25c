import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { openDatabase, type Database } from '../../db/index.js';
import { claimJobs } from '../../jobs/queue.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  PLANS_URL,
  planChanges,
  resetRollout,
  rollout,
  setUpFlag,
  startPlan,
} from '../../../test/helpers/release-plans.js';
import { PLAN_CHECK_JOB, type PlanCheckPayload } from './plan-changes.js';
import { releasePlanCheckJob } from './run.js';
import { guardRegistryOf } from './registry.js';

// Two replicas (two apps on one database) and restarts: no step of a plan is skipped or applied twice.
let t: TestApp;
const replicas: { app: App; db: Database }[] = [];
const MINUTE = 60_000;
const STEPS = [
  { percent: 1, holdMinutes: 10 },
  { percent: 10, holdMinutes: 10 },
  { percent: 50, holdMinutes: 10 },
];

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
  await setUpFlag(t);
});
beforeEach(async () => {
  for (const plan of (await t.api('GET', `${PLANS_URL}?state=running`)).body.items as { id: string }[]) {
    await t.api('POST', `${PLANS_URL}/${plan.id}/abort`, {});
  }
  await resetRollout(t);
});
afterAll(async () => {
  for (const replica of [...replicas]) await stopReplica(replica.app);
  await t?.close();
});

/** Each step's change, counted by its audit reason: every step exactly once, in order. */
async function expectEachStepOnce(planId: string): Promise<void> {
  const reasons = (await planChanges(t, planId)).map((change) => change.reason);
  expect(reasons).toEqual(
    STEPS.map((step, index) => `release plan step ${index + 1}/3: ${step.percent}% for at least 10 min`),
  );
}

describe('release plans across replicas and restarts', () => {
  it('two replicas ticking at once through every step: each step applied once', async () => {
    const a = await startReplica();
    const b = await startReplica();
    const id = await startPlan(t, { steps: STEPS });
    const t0 = Date.now();
    for (const at of [1_000, 11 * MINUTE, 22 * MINUTE, 33 * MINUTE, 44 * MINUTE]) {
      const now = new Date(t0 + at);
      await Promise.all([a.jobs.tick(now), b.jobs.tick(now), a.jobs.tick(now), b.jobs.tick(now)]);
    }
    await expectEachStepOnce(id);
    expect((await t.api('GET', `${PLANS_URL}/${id}`)).body.state).toBe('completed');
    await stopReplica(a);
    await stopReplica(b);
  });

  it('the same check run by two replicas at the same moment applies its step once (the plan row decides)', async () => {
    const a = await startReplica();
    const b = await startReplica();
    const id = await startPlan(t, { steps: STEPS });
    const plan = await t.db.prisma.releasePlan.findUniqueOrThrow({ where: { id } });
    const context = { id: 1n, attempt: 1, maxAttempts: 6, lastAttempt: false, now: new Date() };
    const payload = { planId: id, generation: plan.generation };
    await Promise.all([
      releasePlanCheckJob(a, guardRegistryOf(a)).run(payload, context),
      releasePlanCheckJob(b, guardRegistryOf(b)).run(payload, context),
    ]);
    expect(await planChanges(t, id)).toHaveLength(1);
    await stopReplica(a);
    await stopReplica(b);
  });

  it('a replica that dies holding a due step: after its lease another replica applies it, once', async () => {
    const id = await startPlan(t, { steps: STEPS });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000)); // step 1
    const due = new Date(t0 + 11 * MINUTE);
    const doomed = await startReplica();
    const claimed = await claimJobs(doomed.db.prisma, [PLAN_CHECK_JOB], due, 10, 5 * MINUTE);
    // (Stale checks of earlier tests' plans may be claimed too: they change nothing.)
    expect(claimed.map((job) => (job.payload as PlanCheckPayload).planId)).toContain(id);
    await stopReplica(doomed); // killed while the step was due, before applying it
    const survivor = await startReplica();
    // Within the lease nobody runs it; after, the survivor does.
    await survivor.jobs.tick(new Date(due.getTime() + MINUTE));
    expect((await rollout(t)).percent).toBe(1);
    await survivor.jobs.tick(new Date(due.getTime() + 6 * MINUTE));
    expect((await rollout(t)).percent).toBe(10);
    await survivor.jobs.tick(new Date(due.getTime() + 17 * MINUTE));
    await survivor.jobs.tick(new Date(due.getTime() + 28 * MINUTE));
    await expectEachStepOnce(id);
    await stopReplica(survivor);
  });

  it('a replica that dies after applying a step but before completing its job: the rerun writes nothing', async () => {
    const id = await startPlan(t, { steps: STEPS });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    const due = new Date(t0 + 11 * MINUTE);
    const doomed = await startReplica();
    const [job] = await claimJobs(doomed.db.prisma, [PLAN_CHECK_JOB], due, 10, 5 * MINUTE);
    await releasePlanCheckJob(doomed, guardRegistryOf(doomed)).run(job!.payload as PlanCheckPayload, {
      id: job!.id,
      attempt: 1,
      maxAttempts: 6,
      lastAttempt: false,
      now: due,
    });
    await stopReplica(doomed); // the job was never marked done
    expect((await rollout(t)).percent).toBe(10);
    const survivor = await startReplica();
    await survivor.jobs.tick(new Date(due.getTime() + 6 * MINUTE)); // the orphaned job again: stale, nothing
    expect(await planChanges(t, id)).toHaveLength(2);
    await survivor.jobs.tick(new Date(due.getTime() + 11 * MINUTE));
    await survivor.jobs.tick(new Date(due.getTime() + 22 * MINUTE));
    await expectEachStepOnce(id);
    await stopReplica(survivor);
  });

  it('a person advancing while a replica runs the due check: one step, never two', async () => {
    const a = await startReplica();
    for (let round = 0; round < 4; round++) {
      // The second step holds an hour, so the tick (11 min) never reaches its end, whoever applied it.
      const id = await startPlan(t, {
        steps: [
          { percent: 1, holdMinutes: 10 },
          { percent: 10, holdMinutes: 60 },
        ],
      });
      const t0 = Date.now();
      await t.app.jobs.tick(new Date(t0 + 1_000));
      const [, advanced] = await Promise.all([
        a.jobs.tick(new Date(t0 + 11 * MINUTE)),
        t.api('POST', `${PLANS_URL}/${id}/advance`, { fromStep: 0 }),
      ]);
      expect([200, 409]).toContain(advanced.status);
      const changes = await planChanges(t, id);
      expect(changes).toHaveLength(2);
      expect((await rollout(t)).percent).toBe(10);
      await t.api('POST', `${PLANS_URL}/${id}/abort`, {});
      await resetRollout(t);
    }
    await stopReplica(a);
  });

  it('a check job that failed for good (a long database outage) is revived: the plan goes on, once', async () => {
    const id = await startPlan(t, { steps: STEPS });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    // The pending check ends failed, as after its last retry.
    await t.db.prisma.$executeRaw`
      UPDATE jobs SET state = 'failed', finished_at = now()
      WHERE name = ${PLAN_CHECK_JOB} AND state = 'pending' AND payload->>'planId' = ${id}`;
    const replica = await startReplica(); // a fresh runner: its revival sweep runs at its first tick
    await replica.jobs.tick(new Date(t0 + 11 * MINUTE)); // revives (due now) …
    await replica.jobs.tick(new Date(t0 + 11 * MINUTE + 1_000)); // … and runs it
    expect((await rollout(t)).percent).toBe(10);
    await replica.jobs.tick(new Date(t0 + 22 * MINUTE));
    await expectEachStepOnce(id);
    await stopReplica(replica);
  });
});
