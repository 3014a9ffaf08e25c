import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { PLANS_URL, planChanges, rollout, setUpFlag, startPlan } from '../../../test/helpers/release-plans.js';

// A plan guarded by an `http` guard against a local metrics endpoint whose answer the test sets.
let t: TestApp;
let metrics: Server;
let metricsUrl: string;
let answer: { status: number; body: string } = { status: 200, body: '{"data":{"error_rate":0.01}}' };
const SECOND = 1_000;

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  await setUpFlag(t);
  metrics = createServer((_request, response) => {
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  const address = metrics.address();
  metricsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
});
afterAll(async () => {
  await new Promise((resolve) => metrics?.close(resolve));
  await t?.close();
});

const guard = () => ({ kind: 'http', url: metricsUrl, path: 'data.error_rate', operator: '<', threshold: 0.05 });
const plan = (id: string) => t.api('GET', `${PLANS_URL}/${id}`).then((response) => response.body);

describe('the http guard', () => {
  it('passes while the value holds; a bad value rolls back at the next check, with the evidence audited and an outbox event', async () => {
    answer = { status: 200, body: '{"data":{"error_rate":0.01}}' };
    const id = await startPlan(t, {
      steps: [
        { percent: 10, holdMinutes: 60 },
        { percent: 50, holdMinutes: 60 },
      ],
      guards: [guard()],
      guardIntervalSeconds: 10,
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + SECOND));
    expect((await rollout(t)).percent).toBe(10);
    expect((await plan(id)).progress.nextCheckAt).toBe(new Date(t0 + 11 * SECOND).toISOString());

    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    const passing = await plan(id);
    expect(passing.progress.verdicts).toEqual([
      expect.objectContaining({ guard: 0, kind: 'http', status: 'pass', observed: 0.01 }),
    ]);

    // The regression: the next check (one interval later) rolls back.
    answer = { status: 200, body: '{"data":{"error_rate":0.2}}' };
    await t.app.jobs.tick(new Date(t0 + 21 * SECOND));
    const rolledBack = await plan(id);
    expect(rolledBack.state).toBe('rolled_back');
    expect(await rollout(t)).toEqual({ percent: 0, killed: false });
    expect(rolledBack.outcome).toMatchObject({
      by: 'guards',
      because: 'fail',
      to: 'rollback',
      failing: [
        { status: 'fail', observed: 0.2, evidence: { url: metricsUrl, path: 'data.error_rate', observed: 0.2 } },
      ],
    });

    const changes = await planChanges(t, id);
    expect(changes).toHaveLength(2);
    expect(changes[1]!.reason).toBe(
      `release plan ${id} rolled back to 0%: guard 0 (http) fail: data.error_rate 0.2 breaks < 0.05`,
    );
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'release_plan.rolled_back', targetKey: id },
    });
    expect(event.actorId).toBe(`release-plan:${id}`);
    expect(event.after).toMatchObject({ outcome: { failing: [{ evidence: { observed: 0.2 } }] } });
    const outbox = await t.db.prisma.eventOutbox.findFirst({
      where: { eventType: 'release_plan.rolled_back', targetKey: id },
    });
    expect(outbox?.auditEventId).toBe(event.id);
    // No more checks.
    expect(await t.app.jobs.tick(new Date(t0 + 120 * 60 * SECOND))).toMatchObject({ done: 0 });
  });

  it('a broken endpoint is inconclusive: the step holds (policy hold) until it answers again', async () => {
    answer = { status: 200, body: '{"data":{"error_rate":0.01}}' };
    const id = await startPlan(t, {
      steps: [
        { percent: 10, holdMinutes: 1 },
        { percent: 50, holdMinutes: 1 },
      ],
      guards: [guard()],
      guardIntervalSeconds: 30,
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + SECOND));
    answer = { status: 503, body: '{"error":"down"}' };
    await t.app.jobs.tick(new Date(t0 + 31 * SECOND));
    await t.app.jobs.tick(new Date(t0 + 61 * SECOND)); // the hold is over, but the guard is inconclusive
    expect((await rollout(t)).percent).toBe(10);
    const held = await plan(id);
    expect(held.progress).toMatchObject({
      waitingFor: 'guards',
      verdicts: [expect.objectContaining({ status: 'inconclusive', message: `GET ${metricsUrl} answered HTTP 503` })],
    });
    answer = { status: 200, body: 'not json' };
    await t.app.jobs.tick(new Date(t0 + 91 * SECOND));
    expect((await rollout(t)).percent).toBe(10);
    answer = { status: 200, body: '{"data":{"error_rate":0.02}}' };
    await t.app.jobs.tick(new Date(t0 + 121 * SECOND));
    expect((await rollout(t)).percent).toBe(50);
    await t.api('POST', `${PLANS_URL}/${id}/abort`, {});
  });

  it('with SWITCHYARD_WEBHOOK_DENY_PRIVATE a loopback URL is a 400', async () => {
    const strict = await createTestApp({ jobPollMs: 0, webhookDenyPrivate: true });
    try {
      await setUpFlag(strict);
      const response = await strict.api('POST', PLANS_URL, { template: 'standard', guards: [guard()] });
      expect(response.status).toBe(400);
      expect(response.body.details.issues[0]).toMatchObject({ path: 'body.guards.0.url' });
    } finally {
      await strict.close();
    }
  });
});
