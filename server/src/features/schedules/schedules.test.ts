import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
const MINUTE = 60_000;
const flagUrl = '/projects/shop/flags/checkout';
const configUrl = `${flagUrl}/environments/production`;

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'Production' })).status).toBe(
    201,
  );
  const flag = await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' });
  expect(flag.status).toBe(201);
});
afterAll(() => t?.close());

const schedule = (change: unknown, at: Date, reason?: string) =>
  t.api('POST', `${flagUrl}/schedules`, {
    environment: 'production',
    at: at.toISOString(),
    change,
    ...(reason ? { reason } : {}),
  });

describe('scheduled changes', () => {
  it('applies a due change once, as an audited change by schedule:<id> naming its creator, and lists it', async () => {
    const at = new Date(Date.now() + 10 * MINUTE);
    const created = await schedule({ kind: 'enable' }, at, 'launch day');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'pending', environment: 'production', change: { kind: 'enable' } });
    expect(created.body.createdBy).toMatchObject({ kind: 'token', display: 'admin (generated)' });

    // Not yet due: nothing happens.
    expect(await t.app.jobs.tick(new Date(at.getTime() - MINUTE))).toMatchObject({ done: 0 });
    expect((await t.api('GET', configUrl)).body.enabled).toBe(false);

    const events: string[] = [];
    const unsubscribe = t.app.changes.onRecorded((changes) => events.push(...changes.map((change) => change.action)));
    expect(await t.app.jobs.tick(new Date(at.getTime() + 1_000))).toMatchObject({ done: 1 });
    unsubscribe();
    expect(events).toEqual(['flag_config.enabled']);
    expect((await t.api('GET', configUrl)).body.enabled).toBe(true);

    const listed = await t.api('GET', `${flagUrl}/schedules`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, state: 'applied' })]);
    const audit = await t.db.prisma.auditEvent.findUniqueOrThrow({
      where: { id: BigInt(listed.body.items[0].auditEventId) },
    });
    expect(audit).toMatchObject({
      action: 'flag_config.enabled',
      actorKind: 'system',
      actorId: `schedule:${created.body.id}`,
      environment: 'production',
    });
    expect(audit.actor).toBe(`schedule ${created.body.id} (by admin (generated))`);
    expect(audit.reason).toMatch(/^launch day \(scheduled by token:[0-9a-f-]+ \(admin \(generated\)\)\)$/);
    // Published like any change: the environment's revision moved and the outbox row is there.
    expect(
      await t.db.prisma.changeOutbox.count({ where: { changed: { path: ['flags'], array_contains: ['checkout'] } } }),
    ).toBeGreaterThan(0);
    // Running the job's tick again does nothing.
    expect(await t.app.jobs.tick(new Date(at.getTime() + 2 * MINUTE))).toMatchObject({ done: 0 });
  });

  it('kills, restores and changes a rollout percentage', async () => {
    const now = Date.now();
    const current = await t.api('GET', configUrl);
    const rules = [{ id: 'beta', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 1 } }];
    const put = await t.api(
      'PUT',
      configUrl,
      { ...current.body, rules },
      { 'if-match': current.headers.etag as string },
    );
    expect(put.status).toBe(200);
    const rule = (await t.api('GET', configUrl)).body.rules[0];
    expect(rule?.id).toBe('beta');
    expect((await schedule({ kind: 'kill' }, new Date(now + MINUTE))).status).toBe(201);
    expect((await schedule({ kind: 'restore' }, new Date(now + 2 * MINUTE))).status).toBe(201);
    expect((await schedule({ kind: 'percent', ruleId: 'beta', percent: 25 }, new Date(now + 3 * MINUTE))).status).toBe(
      201,
    );
    await t.app.jobs.tick(new Date(now + MINUTE + 1));
    expect((await t.api('GET', configUrl)).body.killed).toBe(true);
    await t.app.jobs.tick(new Date(now + 2 * MINUTE + 1));
    expect((await t.api('GET', configUrl)).body.killed).toBe(false);
    await t.app.jobs.tick(new Date(now + 3 * MINUTE + 1));
    expect((await t.api('GET', configUrl)).body.rules[0].rollout.percent).toBe(25);
  });

  it('marks a change the configuration refuses when due as failed, with the reason, without retrying', async () => {
    const now = Date.now();
    const created = await schedule({ kind: 'restore' }, new Date(now + MINUTE));
    expect(await t.app.jobs.tick(new Date(now + MINUTE + 1))).toMatchObject({ failed: 1 });
    const after = await t.api('GET', `${flagUrl}/schedules/${created.body.id}`);
    expect(after.body).toMatchObject({ state: 'failed', error: expect.stringContaining('not killed') });
    expect(await t.app.jobs.tick(new Date(now + 60 * MINUTE))).toMatchObject({ done: 0, failed: 0, retried: 0 });
  });

  it('cancels a pending schedule (audited) so it never applies; cancelling again is a 409', async () => {
    const now = Date.now();
    const created = await schedule({ kind: 'disable' }, new Date(now + MINUTE));
    const cancelled = await t.api('POST', `${flagUrl}/schedules/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect((await t.api('POST', `${flagUrl}/schedules/${created.body.id}/cancel`)).status).toBe(409);
    const enabled = (await t.api('GET', configUrl)).body.enabled;
    expect(await t.app.jobs.tick(new Date(now + 2 * MINUTE))).toMatchObject({ done: 0 });
    expect((await t.api('GET', configUrl)).body.enabled).toBe(enabled);
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: 'schedule.cancelled', targetKey: created.body.id } }),
    ).toBe(1);
    expect(
      (await t.api('GET', `${flagUrl}/schedules?state=cancelled`)).body.items.map((s: { id: string }) => s.id),
    ).toContain(created.body.id);
  });

  it('refuses schedules in the past and bad changes with 400, unknown targets with 404; nothing written', async () => {
    const schedules = await t.db.prisma.schedule.count();
    const jobs = await t.db.prisma.job.count();
    const audits = await t.db.prisma.auditEvent.count();
    const future = new Date(Date.now() + MINUTE).toISOString();
    for (const body of [
      { environment: 'production', at: new Date(Date.now() - 1_000).toISOString(), change: { kind: 'enable' } },
      { environment: 'production', at: '2020-01-01T00:00:00Z', change: { kind: 'kill' } },
      { environment: 'production', at: '2999-01-01T00:00:00Z', change: { kind: 'kill' } },
      { environment: 'production', at: 'tomorrow', change: { kind: 'enable' } },
      { environment: 'production', at: future, change: { kind: 'explode' } },
      { environment: 'production', at: future, change: { kind: 'percent', ruleId: 'beta', percent: 100.01 } },
      { environment: 'production', at: future, change: { kind: 'percent', percentage: 10 } },
      { environment: 'production', at: future, change: { kind: 'enable' }, extra: 1 },
      { environment: 'production', change: { kind: 'enable' } },
    ]) {
      const response = await t.api('POST', `${flagUrl}/schedules`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.error).toBe('bad_request');
    }
    expect(
      (await t.api('POST', `${flagUrl}/schedules`, { environment: 'nope', at: future, change: { kind: 'enable' } }))
        .status,
    ).toBe(404);
    expect(
      (
        await t.api('POST', '/projects/shop/flags/nope/schedules', {
          environment: 'production',
          at: future,
          change: { kind: 'enable' },
        })
      ).status,
    ).toBe(404);
    expect((await t.api('POST', `${flagUrl}/schedules/00000000-0000-4000-8000-000000000000/cancel`)).status).toBe(404);
    expect(await t.db.prisma.schedule.count()).toBe(schedules);
    expect(await t.db.prisma.job.count()).toBe(jobs);
    expect(await t.db.prisma.auditEvent.count()).toBe(audits);
  });
});
