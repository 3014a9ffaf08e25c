import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import {
  argoMetrics,
  argoPhase,
  argoRequest,
  flaggerChecks,
  flaggerPasses,
  type ArgoPhase,
} from './helpers/canary-examples.js';

/**
 * The canary guard examples in deploy/ (Argo Rollouts web metrics, Flagger webhooks) run against
 * the real routes with a viewer token made as deploy/README.md says, through a plan's life: no
 * plan, a draft, running with a passing guard, paused, rolled back by a failing guard, and a
 * killed flag under a running plan. A change of path, JSON shape or gate rule breaks this test
 * rather than every canary that copied the examples.
 */
const CONFIG = '/projects/shop/flags/new-checkout/environments/production';
const PLANS = `${CONFIG}/release-plans`;
const SECOND = 1_000;

let t: TestApp;
let viewerToken: string;
let metrics: Server;
let metricsUrl: string;
/** What the guard's metrics endpoint answers. */
let errorRate = 0.01;

beforeAll(async () => {
  t = await createTestApp({ jobPollMs: 0 });
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'P' })).status).toBe(201);
  expect(
    (await t.api('POST', '/projects/shop/flags', { key: 'new-checkout', name: 'n', type: 'boolean' })).status,
  ).toBe(201);
  const current = await t.api('GET', CONFIG);
  const rule = { id: 'everyone', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 0 } };
  const config = {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [rule],
    prerequisites: [],
  };
  expect((await t.api('PUT', CONFIG, config, { 'if-match': current.headers.etag as string })).status).toBe(200);
  const token = await t.api('POST', '/tokens', {
    name: 'argo analysis',
    kind: 'admin',
    project: 'shop',
    role: 'viewer',
  });
  expect(token.status, JSON.stringify(token.body)).toBe(201);
  viewerToken = token.body.secret;
  metrics = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error_rate: errorRate }));
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  const address = metrics.address();
  metricsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/errors`;
});
afterAll(async () => {
  await new Promise((resolve) => metrics?.close(resolve));
  await t?.close();
});

/** GET as the load tester and Argo do: the viewer token, the raw body. */
async function get(url: string, headers: Record<string, string>) {
  const response = await t.app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.body };
}

/** Every Argo metric's phase, by name. */
async function argo(): Promise<Record<string, ArgoPhase>> {
  const args = {
    'switchyard-url': '',
    project: 'shop',
    flag: 'new-checkout',
    environment: 'production',
    'switchyard-token': viewerToken,
  };
  const phases: Record<string, ArgoPhase> = {};
  for (const metric of argoMetrics()) {
    const { url, headers } = argoRequest(metric, args);
    const { status, body } = await get(url, headers);
    expect([200, 404], body).toContain(status);
    phases[metric.name] = argoPhase(metric, status, body);
  }
  return phases;
}

/** Whether each Flagger webhook passes, by name. */
async function flagger(): Promise<Record<string, boolean>> {
  const passes: Record<string, boolean> = {};
  for (const check of flaggerChecks()) {
    const { status, body } = await get(check.path, { authorization: `Bearer ${viewerToken}` });
    passes[check.name] = flaggerPasses(check, status, body);
  }
  return passes;
}

const current = async () => (await t.api('GET', `${PLANS}/current`)).body;
const act = async (id: string, verb: string) =>
  expect((await t.api('POST', `${PLANS}/${id}/${verb}`, {})).status).toBe(200);

async function createPlan(): Promise<string> {
  const created = await t.api('POST', PLANS, {
    steps: [
      { percent: 10, holdMinutes: 60 },
      { percent: 50, holdMinutes: 60 },
    ],
    guards: [{ kind: 'http', url: metricsUrl, path: 'error_rate', operator: '<', threshold: 0.05 }],
    guardIntervalSeconds: 10,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

describe('canary guard examples against the real endpoints', () => {
  it('name the same flag the same way: Argo and Flagger ask for the same paths', () => {
    const argoPaths = argoMetrics().map(
      (metric) =>
        argoRequest(metric, {
          'switchyard-url': '',
          project: 'shop',
          flag: 'new-checkout',
          environment: 'production',
          'switchyard-token': 'x',
        }).url,
    );
    expect(argoPaths).toEqual([`/api/v1${CONFIG}`, `/api/v1${PLANS}/current`]);
    expect(flaggerChecks().map((check) => check.path)).toEqual(argoPaths);
  });

  it('the viewer token reads but cannot kill', async () => {
    const kill = await t.app.inject({
      method: 'POST',
      url: `/api/v1${CONFIG}/kill`,
      headers: { authorization: `Bearer ${viewerToken}` },
      payload: { reason: 'x' },
    });
    expect(kill.statusCode).toBe(403);
  });

  it('without a plan: the kill gate passes, the plan gate errors (404) and its Flagger check fails', async () => {
    expect((await t.api('GET', `${PLANS}/current`)).status).toBe(404);
    expect(await argo()).toEqual({ 'flag-not-killed': 'Successful', 'release-plan': 'Error' });
    expect(await flagger()).toEqual({ 'switchyard-flag-not-killed': true, 'switchyard-release-plan': false });
  });

  it('a draft or paused plan holds Argo (inconclusive) and fails Flagger; a running one passes both', async () => {
    const id = await createPlan();
    expect(await current()).toMatchObject({ id, state: 'draft', gate: 'wait', step: -1, stepCount: 2, guards: [] });
    expect(await argo()).toEqual({ 'flag-not-killed': 'Successful', 'release-plan': 'Inconclusive' });
    expect((await flagger())['switchyard-release-plan']).toBe(false);

    await act(id, 'start');
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + SECOND));
    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    expect(await current()).toMatchObject({
      state: 'running',
      gate: 'pass',
      percent: 10,
      guards: [{ guard: 0, kind: 'http', status: 'pass', observed: 0.01 }],
    });
    expect(await argo()).toEqual({ 'flag-not-killed': 'Successful', 'release-plan': 'Successful' });
    expect(await flagger()).toEqual({ 'switchyard-flag-not-killed': true, 'switchyard-release-plan': true });

    await act(id, 'pause');
    expect((await argo())['release-plan']).toBe('Inconclusive');
    expect((await flagger())['switchyard-release-plan']).toBe(false);
    await act(id, 'resume');
    expect((await argo())['release-plan']).toBe('Successful');
  });

  it('a guard that fails rolls the plan back, which fails both', async () => {
    errorRate = 0.2;
    await t.app.jobs.tick(new Date(Date.now() + 60 * SECOND));
    expect(await current()).toMatchObject({
      state: 'rolled_back',
      gate: 'fail',
      killed: false,
      guards: [{ guard: 0, status: 'fail', observed: 0.2 }],
    });
    expect(await argo()).toEqual({ 'flag-not-killed': 'Successful', 'release-plan': 'Failed' });
    expect(await flagger()).toEqual({ 'switchyard-flag-not-killed': true, 'switchyard-release-plan': false });
  });

  it('a kill under a running plan fails both gates of both tools', async () => {
    errorRate = 0.01;
    const id = await createPlan();
    await act(id, 'start');
    await t.app.jobs.tick(new Date(Date.now() + SECOND));
    expect(await current()).toMatchObject({ id, state: 'running', gate: 'pass' });
    // A newer draft does not hide the running plan: the running or paused one is current.
    const next = await createPlan();
    expect((await current()).id).toBe(id);
    expect((await t.api('DELETE', `${PLANS}/${next}`)).status).toBe(204);
    expect(await flagger()).toEqual({ 'switchyard-flag-not-killed': true, 'switchyard-release-plan': true });

    expect((await t.api('POST', `${CONFIG}/kill`, { reason: 'alert' })).status).toBe(200);
    expect(await current()).toMatchObject({ id, state: 'running', killed: true, gate: 'fail' });
    expect(await argo()).toEqual({ 'flag-not-killed': 'Failed', 'release-plan': 'Failed' });
    expect(await flagger()).toEqual({ 'switchyard-flag-not-killed': false, 'switchyard-release-plan': false });
  });
});
