import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  CONFIG_URL,
  PLANS_URL,
  planChanges,
  resetRollout,
  rollout,
  setUpFlag,
  startPlan,
} from '../../../test/helpers/release-plans.js';

let t: TestApp;
const MINUTE = 60_000;

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  await setUpFlag(t);
});
afterAll(() => t?.close());

/** Ends whatever plan is active, and puts the rule back at 0%. */
beforeEach(async () => {
  const plans = (await t.api('GET', PLANS_URL)).body.items as { id: string; state: string }[];
  for (const plan of plans.filter((p) => p.state === 'running' || p.state === 'paused')) {
    expect((await t.api('POST', `${PLANS_URL}/${plan.id}/abort`, {})).status).toBe(200);
  }
  await resetRollout(t);
});

const plan = (id: string) => t.api('GET', `${PLANS_URL}/${id}`).then((response) => response.body);

describe('release plans', () => {
  it('advances 1 → 10 → 50 after each hold, every step an audited change whose actor is the plan', async () => {
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 10 },
        { percent: 10, holdMinutes: 10 },
        { percent: 50, holdMinutes: 10 },
      ],
      reason: 'ship the new checkout',
    });
    const t0 = Date.now();
    expect(await plan(id)).toMatchObject({ state: 'running', progress: { currentStep: -1 } });

    await t.app.jobs.tick(new Date(t0 + 1_000));
    expect(await rollout(t)).toEqual({ percent: 1, killed: false });
    expect((await plan(id)).progress).toMatchObject({ currentStep: 0, currentPercent: 1, waitingFor: 'hold' });

    // Within the hold nothing moves.
    expect(await t.app.jobs.tick(new Date(t0 + 5 * MINUTE))).toMatchObject({ done: 0 });
    expect((await rollout(t)).percent).toBe(1);

    await t.app.jobs.tick(new Date(t0 + 11 * MINUTE));
    expect((await rollout(t)).percent).toBe(10);
    await t.app.jobs.tick(new Date(t0 + 22 * MINUTE));
    expect((await rollout(t)).percent).toBe(50);
    expect((await plan(id)).state).toBe('running');
    await t.app.jobs.tick(new Date(t0 + 33 * MINUTE));
    expect(await plan(id)).toMatchObject({ state: 'completed', progress: { currentStep: 2, currentPercent: 50 } });

    const changes = await planChanges(t, id);
    expect(changes.map((change) => change.action)).toEqual(Array(3).fill('flag_config.rollout_changed'));
    expect(changes.map((change) => change.reason)).toEqual([
      'release plan step 1/3: 1% for at least 10 min',
      'release plan step 2/3: 10% for at least 10 min',
      'release plan step 3/3: 50% for at least 10 min',
    ]);
    for (const change of changes) {
      expect(change).toMatchObject({ environment: 'production', targetKey: 'checkout' });
      expect(change.actor).toBe(`release plan ${id} (by admin (generated))`);
    }
    const own = await t.db.prisma.auditEvent.findMany({ where: { targetType: 'release_plan', targetKey: id } });
    expect(own.map((event) => event.action).sort()).toEqual([
      'release_plan.completed',
      'release_plan.created',
      'release_plan.started',
    ]);
    // Nothing more happens after completion.
    expect(await t.app.jobs.tick(new Date(t0 + 60 * MINUTE))).toMatchObject({ done: 0 });
    expect(await planChanges(t, id)).toHaveLength(3);
  });

  it('the standard template is 1 → 10 → 50 → 100', async () => {
    const created = await t.api('POST', PLANS_URL, { template: 'standard' });
    expect(created.status).toBe(201);
    expect(created.body.steps.map((step: { percent: number }) => step.percent)).toEqual([1, 10, 50, 100]);
    expect(created.body).toMatchObject({
      state: 'draft',
      ruleId: 'everyone',
      onFailure: 'rollback',
      onInconclusive: 'hold',
    });
    expect((await t.api('DELETE', `${PLANS_URL}/${created.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `${PLANS_URL}/${created.body.id}`)).status).toBe(404);
  });

  it('waits at a manual gate until someone advances it', async () => {
    const id = await startPlan(t, {
      steps: [{ percent: 5, holdMinutes: 0 }, { gate: 'manual' }, { percent: 20, holdMinutes: 0 }],
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    expect((await rollout(t)).percent).toBe(5);
    await t.app.jobs.tick(new Date(t0 + 2_000));
    expect((await plan(id)).progress).toMatchObject({ currentStep: 1, waitingFor: 'manual-gate', currentPercent: 5 });
    // Days later: still at the gate.
    const atGate = await t.db.prisma.releasePlan.findUniqueOrThrow({ where: { id } });
    await t.app.jobs.tick(new Date(t0 + 3 * 24 * 60 * MINUTE));
    await t.app.jobs.tick(new Date(t0 + 4 * 24 * 60 * MINUTE));
    expect((await rollout(t)).percent).toBe(5);
    // Nothing to check at a gate without guards: no job, no churn (the revival sweep leaves it alone).
    expect((await t.db.prisma.releasePlan.findUniqueOrThrow({ where: { id } })).generation).toBe(atGate.generation);

    const advanced = await t.api('POST', `${PLANS_URL}/${id}/advance`, { reason: 'dashboards look fine' });
    expect(advanced.status).toBe(200);
    expect(advanced.body.progress).toMatchObject({ currentStep: 2, currentPercent: 20 });
    expect((await rollout(t)).percent).toBe(20);
    const last = (await planChanges(t, id)).at(-1)!;
    expect(last.reason).toMatch(
      /^release plan step 3\/3 \(advanced by token:[0-9a-f-]+ \(admin \(generated\)\): dashboards look fine\)$/,
    );
    expect((await t.api('POST', `${PLANS_URL}/${id}/advance`, {})).status).toBe(409);
    await t.app.jobs.tick(new Date(Date.now() + 1_000));
    expect((await plan(id)).state).toBe('completed');
  });

  it('pause stops steps until resume; abort leaves the rollout where it is', async () => {
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 10 },
        { percent: 10, holdMinutes: 10 },
      ],
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    expect((await t.api('POST', `${PLANS_URL}/${id}/pause`, { reason: 'incident elsewhere' })).body.state).toBe(
      'paused',
    );
    expect((await t.api('POST', `${PLANS_URL}/${id}/pause`, {})).status).toBe(409);
    await t.app.jobs.tick(new Date(t0 + 30 * MINUTE));
    expect((await rollout(t)).percent).toBe(1);
    expect((await plan(id)).progress.waitingFor).toBe('resume');

    const resumed = await t.api('POST', `${PLANS_URL}/${id}/resume`, {});
    expect(resumed.body.state).toBe('running');
    // The hold starts again at resume.
    const resumedAt = Date.parse(resumed.body.progress.stepStartedAt);
    await t.app.jobs.tick(new Date(resumedAt + 5 * MINUTE));
    expect((await rollout(t)).percent).toBe(1);
    await t.app.jobs.tick(new Date(resumedAt + 11 * MINUTE));
    expect((await rollout(t)).percent).toBe(10);

    const aborted = await t.api('POST', `${PLANS_URL}/${id}/abort`, { reason: 'enough for now' });
    expect(aborted.body).toMatchObject({ state: 'aborted' });
    expect((await rollout(t)).percent).toBe(10);
    await t.app.jobs.tick(new Date(resumedAt + 60 * MINUTE));
    expect((await rollout(t)).percent).toBe(10);
    expect((await t.api('POST', `${PLANS_URL}/${id}/resume`, {})).status).toBe(409);
    expect((await t.api('DELETE', `${PLANS_URL}/${id}`)).status).toBe(409);
  });

  it('rollback by a person: to 0% by default, or a kill', async () => {
    const id = await startPlan(t, { steps: [{ percent: 25, holdMinutes: 10 }] });
    await t.app.jobs.tick(new Date(Date.now() + 1_000));
    expect((await rollout(t)).percent).toBe(25);
    const rolledBack = await t.api('POST', `${PLANS_URL}/${id}/rollback`, { reason: 'support tickets' });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({
      state: 'rolled_back',
      outcome: { to: 'rollback', reason: 'support tickets' },
    });
    expect(await rollout(t)).toEqual({ percent: 0, killed: false });
    const change = await t.db.prisma.auditEvent.findUniqueOrThrow({
      where: { id: BigInt(rolledBack.body.outcome.configAuditEventId) },
    });
    expect(change).toMatchObject({ action: 'flag_config.rollout_changed', actorKind: 'token' });
    expect((await t.api('POST', `${PLANS_URL}/${id}/rollback`, {})).status).toBe(409);

    const killed = await startPlan(t, { steps: [{ percent: 25, holdMinutes: 10 }] });
    await t.app.jobs.tick(new Date(Date.now() + 1_000));
    expect((await t.api('POST', `${PLANS_URL}/${killed}/rollback`, { to: 'kill' })).body.state).toBe('rolled_back');
    expect((await rollout(t)).killed).toBe(true);
    const restore = await t.api('POST', `${CONFIG_URL}/restore`, { reason: 'test over' });
    expect(restore.status).toBe(200);
  });

  it('one active plan per flag and environment: a second start is a 409', async () => {
    const first = await startPlan(t, { steps: [{ percent: 1, holdMinutes: 10 }] });
    const second = await t.api('POST', PLANS_URL, { steps: [{ percent: 5, holdMinutes: 10 }] });
    expect(second.status).toBe(201);
    const started = await t.api('POST', `${PLANS_URL}/${second.body.id}/start`, {});
    expect(started.status).toBe(409);
    expect(started.body.message).toContain(first);
    expect((await plan(second.body.id)).state).toBe('draft');
    // Paused still counts as active.
    await t.api('POST', `${PLANS_URL}/${first}/pause`, {});
    expect((await t.api('POST', `${PLANS_URL}/${second.body.id}/start`, {})).status).toBe(409);
    await t.api('POST', `${PLANS_URL}/${first}/abort`, {});
    expect((await t.api('POST', `${PLANS_URL}/${second.body.id}/start`, {})).status).toBe(200);
    // Lists newest first, filtered by state.
    const running = await t.api('GET', `${PLANS_URL}?state=running`);
    expect(running.body.items.map((item: { id: string }) => item.id)).toEqual([second.body.id]);
  });

  it('stops (aborted, saying why) when its rule was removed meanwhile; nothing is retried', async () => {
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 10 },
        { percent: 10, holdMinutes: 10 },
      ],
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    const current = await t.api('GET', CONFIG_URL);
    const put = await t.api(
      'PUT',
      CONFIG_URL,
      { ...current.body, rules: [] },
      { 'if-match': current.headers.etag as string },
    );
    expect(put.status).toBe(200);
    expect(await t.app.jobs.tick(new Date(t0 + 11 * MINUTE))).toMatchObject({ failed: 1 });
    expect(await plan(id)).toMatchObject({
      state: 'aborted',
      outcome: { by: 'plan', error: expect.stringContaining("Rule 'everyone' not found") },
    });
    expect(await t.app.jobs.tick(new Date(t0 + 30 * MINUTE))).toMatchObject({ done: 0, failed: 0, retried: 0 });
    const aborted = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'release_plan.aborted', targetKey: id },
    });
    expect(aborted.actorId).toBe(`release-plan:${id}`);
    // Starting a plan on a rule that no longer exists is a 409.
    await resetRollout(t);
    const draft = await t.api('POST', PLANS_URL, { template: 'standard' });
    const current2 = await t.api('GET', CONFIG_URL);
    await t.api('PUT', CONFIG_URL, { ...current2.body, rules: [] }, { 'if-match': current2.headers.etag as string });
    expect((await t.api('POST', `${PLANS_URL}/${draft.body.id}/start`, {})).status).toBe(409);
    await t.api('DELETE', `${PLANS_URL}/${draft.body.id}`);
  });

  it('a schedule starts a draft plan when due (start-plan), once; a plan that is not a draft is a 400', async () => {
    const draft = await t.api('POST', PLANS_URL, { steps: [{ percent: 2, holdMinutes: 10 }] });
    const at = new Date(Date.now() + 10 * MINUTE);
    const schedule = (planId: string) =>
      t.api('POST', '/projects/shop/flags/checkout/schedules', {
        environment: 'production',
        at: at.toISOString(),
        change: { kind: 'start-plan', planId },
        reason: 'launch at 9',
      });
    const scheduled = await schedule(draft.body.id);
    expect(scheduled.status).toBe(201);
    await t.app.jobs.tick(new Date(at.getTime() + 1_000));
    const started = await plan(draft.body.id);
    expect(started.state).toBe('running');
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'release_plan.started', targetKey: draft.body.id },
    });
    expect(event.actorId).toBe(`schedule:${scheduled.body.id}`);
    expect((await t.api('GET', `/projects/shop/flags/checkout/schedules/${scheduled.body.id}`)).body).toMatchObject({
      state: 'applied',
      auditEventId: event.id.toString(),
    });
    await t.app.jobs.tick(new Date(at.getTime() + 2_000));
    expect((await rollout(t)).percent).toBe(2);
    // Not a draft any more: refused when scheduling.
    const again = await schedule(draft.body.id);
    expect(again.status).toBe(400);
    expect(again.body.details.issues[0]).toMatchObject({ path: 'body.change.planId' });
  });

  it('never ends a kill: a plan whose flag was killed stops, and the kill stays', async () => {
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 10 },
        { percent: 10, holdMinutes: 10 },
      ],
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + 1_000));
    expect((await t.api('POST', `${CONFIG_URL}/kill`, { reason: 'pager' })).status).toBe(200);
    // A person cannot advance it past the kill either (nothing written).
    expect((await t.api('POST', `${PLANS_URL}/${id}/advance`, {})).status).toBe(409);
    await t.app.jobs.tick(new Date(t0 + 11 * MINUTE));
    expect(await plan(id)).toMatchObject({
      state: 'aborted',
      outcome: { error: "The flag was killed in 'production'" },
    });
    expect(await rollout(t)).toEqual({ percent: 1, killed: true });
    expect(await planChanges(t, id)).toHaveLength(1);
    expect((await t.api('POST', `${CONFIG_URL}/restore`, {})).status).toBe(200);
  });

  it('refuses bad plans with a 400 and writes nothing', async () => {
    const count = async () => ({
      plans: await t.db.prisma.releasePlan.count(),
      audit: await t.db.prisma.auditEvent.count(),
    });
    const before = await count();
    const bad: [string, unknown, string][] = [
      ['percent above 100', { steps: [{ percent: 101, holdMinutes: 1 }] }, 'body.steps.0'],
      ['more than two decimals', { steps: [{ percent: 1.005, holdMinutes: 1 }] }, 'body.steps.0'],
      ['a negative hold', { steps: [{ percent: 1, holdMinutes: -1 }] }, 'body.steps.0'],
      [
        'steps that do not rise',
        {
          steps: [
            { percent: 10, holdMinutes: 1 },
            { percent: 5, holdMinutes: 1 },
          ],
        },
        'body.steps.1.percent',
      ],
      ['only a gate', { steps: [{ gate: 'manual' }] }, 'body.steps'],
      ['steps and a template', { template: 'standard', steps: [{ percent: 1, holdMinutes: 1 }] }, 'body.steps'],
      ['neither steps nor template', {}, 'body.steps'],
      ['an unknown guard kind', { template: 'standard', guards: [{ kind: 'astrology' }] }, 'body.guards.0.kind'],
      [
        'an http guard without threshold',
        { template: 'standard', guards: [{ kind: 'http', url: 'http://127.0.0.1:1/m', path: '$.x', operator: '<' }] },
        'body.guards.0.threshold',
      ],
      [
        'an http guard with a bad path',
        {
          template: 'standard',
          guards: [{ kind: 'http', url: 'http://127.0.0.1:1/m', path: '$..x', operator: '<', threshold: 1 }],
        },
        'body.guards.0.path',
      ],
      [
        'an http guard to a file: URL',
        {
          template: 'standard',
          guards: [{ kind: 'http', url: 'file:///etc/passwd', path: '$.x', operator: '<', threshold: 1 }],
        },
        'body.guards.0.url',
      ],
      [
        'a prometheus guard with no Prometheus',
        { template: 'standard', guards: [{ kind: 'prometheus', query: 'up', operator: '>', threshold: 0 }] },
        'body.guards.0.url',
      ],
      [
        'a guard interval below the minimum',
        { template: 'standard', guardIntervalSeconds: 5 },
        'body.guardIntervalSeconds',
      ],
      ['an unknown rule', { template: 'standard', ruleId: 'nope' }, 'body.ruleId'],
      ['an unknown field', { template: 'standard', colour: 'red' }, 'body'],
    ];
    for (const [what, body, path] of bad) {
      const response = await t.api('POST', PLANS_URL, body);
      expect(response.status, what).toBe(400);
      const details = response.body.details?.issues;
      if (!Array.isArray(details)) throw new Error(`${what}: ${JSON.stringify(response.body)}`);
      expect(
        details.some((issue: { path: string }) => issue.path.startsWith(path)),
        `${what}: ${JSON.stringify(details)}`,
      ).toBe(true);
    }
    expect(
      (await t.api('POST', '/projects/shop/flags/nope/environments/production/release-plans', { template: 'standard' }))
        .status,
    ).toBe(404);
    expect(await count()).toEqual(before);
  });
});
