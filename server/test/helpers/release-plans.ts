import { expect } from 'vitest';
import type { TestApp } from './app.js';

export const FLAG_URL = '/projects/shop/flags/checkout';
export const CONFIG_URL = `${FLAG_URL}/environments/production`;
export const PLANS_URL = `${CONFIG_URL}/release-plans`;

/** Project `shop`, environment `production`, boolean flag `checkout` on, with catch-all rule `everyone` at 0%. */
export async function setUpFlag(t: TestApp): Promise<void> {
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'Production' })).status).toBe(
    201,
  );
  expect(
    (await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' })).status,
  ).toBe(201);
  await resetRollout(t);
}

/** The flag on, rule `everyone` (no conditions) serving `on` to 0%, nothing killed. */
export async function resetRollout(t: TestApp): Promise<void> {
  const current = await t.api('GET', CONFIG_URL);
  const body = {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [{ id: 'everyone', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 0 } }],
    prerequisites: [],
  };
  const put = await t.api('PUT', CONFIG_URL, body, { 'if-match': current.headers.etag as string });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}

/** The rollout percent of rule `everyone`, and whether the flag is killed. */
export async function rollout(t: TestApp): Promise<{ percent: number; killed: boolean }> {
  const config = (await t.api('GET', CONFIG_URL)).body;
  return { percent: config.rules[0].rollout.percent, killed: config.killed };
}

/** Creates and starts a plan; returns its id. */
export async function startPlan(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const created = await t.api('POST', PLANS_URL, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await t.api('POST', `${PLANS_URL}/${created.body.id}/start`, {});
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return created.body.id;
}

/** The configuration changes a plan made as itself (its steps and guard rollbacks). */
export function planChanges(t: TestApp, planId: string) {
  return t.db.prisma.auditEvent.findMany({
    where: { actorKind: 'system', actorId: `release-plan:${planId}`, targetType: 'flag_config' },
    orderBy: { id: 'asc' },
  });
}
