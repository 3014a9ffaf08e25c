import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  PLANS_URL,
  planChanges,
  resetRollout,
  rollout,
  setUpFlag,
  startPlan,
} from '../../../test/helpers/release-plans.js';

// A plan guarded by the `builtin` guard, fed the way SDKs feed it: `track()` sums reported on
// POST /sdk/events per variant of the flag. The whole path: report → stored → guard → decision.
let t: TestApp;
let serverToken: string;
const SECOND = 1_000;

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  await setUpFlag(t);
  const created = await t.api('POST', '/tokens', {
    name: 'checkout-service',
    kind: 'server',
    project: 'shop',
    environment: 'production',
  });
  expect(created.status).toBe(201);
  serverToken = created.body.secret as string;
});
afterAll(async () => {
  await t?.close();
});

/**
 * What an SDK's flush sends: `requests` 0/1 events per variant, `errors` of them 1. (Each test has
 * its own event name: events are stored per minute, so a step sees its whole first minute.)
 */
async function reportErrors(
  event: string,
  on: { requests: number; errors: number },
  off: { requests: number; errors: number },
) {
  const sums = ({ requests, errors }: { requests: number; errors: number }) => ({
    [event]: { count: requests, sum: errors, sumSquares: errors },
  });
  const now = new Date().toISOString();
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sdk/events',
    headers: { authorization: `Bearer ${serverToken}` },
    payload: { start: now, end: now, events: { checkout: { on: sums(on), off: sums(off) } } },
  });
  expect(response.statusCode, response.body).toBe(202);
}

const guard = (event: string) => ({
  kind: 'builtin',
  event,
  metric: 'mean',
  direction: 'increase_is_bad',
  minSamples: 200,
});
const plan = (id: string) => t.api('GET', `${PLANS_URL}/${id}`).then((response) => response.body);

describe('a release plan with a builtin guard', () => {
  it('rolls back when the treatment errs more than the control, with the statistics as evidence', async () => {
    const id = await startPlan(t, {
      steps: [
        { percent: 10, holdMinutes: 60 },
        { percent: 50, holdMinutes: 60 },
      ],
      guards: [guard('checkout.error')],
      guardIntervalSeconds: 10,
    });
    const t0 = Date.now();
    // The first step at the real time: its events (reported now) fall in the step's first minute.
    await t.app.jobs.tick(new Date(t0));
    expect((await rollout(t)).percent).toBe(10);

    await reportErrors('checkout.error', { requests: 2_000, errors: 200 }, { requests: 2_000, errors: 20 }); // 10% against 1%
    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    const rolledBack = await plan(id);
    expect(rolledBack.state).toBe('rolled_back');
    expect(await rollout(t)).toEqual({ percent: 0, killed: false });
    expect(rolledBack.outcome).toMatchObject({
      by: 'guards',
      failing: [
        {
          status: 'fail',
          evidence: {
            treatment: expect.objectContaining({ variant: 'on' }),
            control: expect.objectContaining({ variant: 'off' }),
          },
        },
      ],
    });
    const changes = await planChanges(t, id);
    expect(changes.at(-1)!.reason).toMatch(
      new RegExp(`release plan ${id} rolled back to 0%: guard 0 \\(builtin\\) fail`),
    );
  });

  it('keeps the step while treatment and control err alike, and is inconclusive below minSamples', async () => {
    await resetRollout(t);
    const id = await startPlan(t, {
      steps: [
        { percent: 10, holdMinutes: 60 },
        { percent: 50, holdMinutes: 60 },
      ],
      guards: [guard('payment.error')],
      guardIntervalSeconds: 10,
    });
    const t0 = Date.now();
    // The first step at the real time: its events (reported now) fall in the step's first minute.
    await t.app.jobs.tick(new Date(t0));
    await reportErrors('payment.error', { requests: 50, errors: 1 }, { requests: 50, errors: 1 });
    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    expect((await plan(id)).progress.verdicts).toEqual([
      expect.objectContaining({ kind: 'builtin', status: 'inconclusive' }),
    ]);

    await reportErrors('payment.error', { requests: 2_000, errors: 21 }, { requests: 2_000, errors: 20 });
    await t.app.jobs.tick(new Date(t0 + 21 * SECOND));
    const running = await plan(id);
    expect(running.state).toBe('running');
    expect(running.progress.verdicts).toEqual([expect.objectContaining({ kind: 'builtin', status: 'pass' })]);
    expect((await rollout(t)).percent).toBe(10);
    await t.api('POST', `${PLANS_URL}/${id}/abort`, {});
  });
});
