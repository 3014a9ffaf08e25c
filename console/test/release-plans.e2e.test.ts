import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * Release plans in the console, end to end (Chromium, real server and job runner, PostgreSQL, a
 * local HTTP metrics endpoint for the `http` guard): create a plan (a 400 shown inline first),
 * start it, see it advance by itself, pause and resume, and see a bad metric roll it back with the
 * evidence; the standard template with advance (`fromStep`), rollback and draft deletion; a
 * viewer sees the plan without controls; the phone viewport. Holds are
 * fractional minutes and the guard interval 1 s (`releasePlanMinGuardIntervalS`), so the plan
 * moves within seconds; waits are for what the screen shows, never for a time.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
let metrics: Server;
let metricsUrl: string;
let errorRate = 0.01;
const CONFIG = '/projects/shop/flags/checkout/environments/production';
/** Long enough for a plan that moves by itself to be seen doing it (the server polls every second). */
const MOVES = { timeout: 20_000 };

/** The flag on, catch-all rule `everyone` serving `on` to 0 %. */
async function resetRollout(): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const current = await fetch(`${server.baseUrl}/api/v1${CONFIG}`, { headers });
  const body = {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [{ id: 'everyone', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 0 } }],
    prerequisites: [],
  };
  const put = await fetch(`${server.baseUrl}/api/v1${CONFIG}`, {
    method: 'PUT',
    headers: { ...headers, 'if-match': current.headers.get('etag') ?? '' },
    body: JSON.stringify(body),
  });
  expect(put.status, await put.text()).toBe(200);
}

/** Starts the standard template with a passing `http` guard checked every second (through the API). */
async function startGuardedPlan(): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.baseUrl}/api/v1${CONFIG}/release-plans`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      template: 'standard',
      guards: [{ kind: 'http', url: metricsUrl, path: 'data.error_rate', operator: '<', threshold: 0.05 }],
      guardIntervalSeconds: 1,
    }),
  });
  const plan = (await created.json()) as { id: string };
  const started = await fetch(`${server.baseUrl}/api/v1${CONFIG}/release-plans/${plan.id}/start`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  expect(started.status).toBe(200);
}

/** The id of the plan running now. */
async function runningPlanId(): Promise<string> {
  const { items } = await server.api.request<{ items: { id: string }[] }>(
    'GET',
    `${CONFIG}/release-plans?state=running`,
  );
  return items[0]!.id;
}

const plans = (page: Page) => page.getByRole('region', { name: 'Release plan' });

describe.skipIf(!hasChromium && !process.env.CI)('release plans in the console (Chromium)', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    server = await startListeningApp({
      config: { authFailureLimit: 1_000_000, releasePlanMinGuardIntervalS: 1, jobPollMs: 200 },
    });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await server.api.createProject('shop');
    await server.api.createEnvironment('shop', 'production');
    await server.api.createFlag('shop', 'checkout');
    await resetRollout();
    metrics = createServer((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { error_rate: errorRate } }));
    });
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    const address = metrics.address();
    metricsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => metrics?.close(resolve));
    await server?.close();
  });

  it('creates a guarded plan, shows it advance, pauses and resumes it, and shows the rollback a bad metric causes, with its evidence', async () => {
    errorRate = 0.01;
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CONFIG);
    const section = plans(page);
    await section.getByText('No release plan running in production.').waitFor();
    await section.getByRole('button', { name: 'New release plan' }).click();
    await section.getByLabel('Custom steps').check();
    // Two steps: 10 % held 3 s (0.05 min), then 50 % held an hour.
    await section.getByLabel('Step 1: percent').fill('10');
    await section.getByLabel('Step 1: hold minutes').fill('0.05');
    await section.getByLabel('Step 2: percent').fill('50');
    await section.getByLabel('Step 2: hold minutes').fill('60');
    await section.getByRole('button', { name: 'Remove step 4' }).click();
    await section.getByRole('button', { name: 'Remove step 3' }).click();
    await section.getByLabel('Guard interval (seconds)').fill('1');
    const guard = { kind: 'http', url: metricsUrl, path: 'data.error_rate', operator: '<', threshold: 0.05 };
    // A guard added as fields shows as JSON; JSON the fields cannot show stays JSON, with why.
    await section.getByRole('button', { name: 'Add guard' }).click();
    await section.getByRole('group', { name: 'Guard 1: prometheus' }).waitFor();
    await section.getByRole('button', { name: 'Edit as JSON' }).click();
    expect(await section.getByLabel(/^Guards/).inputValue()).toContain('"kind": "prometheus"');
    await section.getByLabel(/^Guards/).fill(JSON.stringify([{ kind: 'datadog', query: 'x' }]));
    await section.getByRole('button', { name: 'Edit as JSON' }).click();
    await section.getByText(/Guard 1: the form has no fields for kind "datadog"/).waitFor();
    expect(await section.getByRole('button', { name: 'Edit as JSON', pressed: true }).count()).toBe(1);
    // The server's own validation, shown inline: an operator it does not know.
    await section.getByLabel(/^Guards/).fill(JSON.stringify([{ ...guard, operator: '≈' }]));
    await section.getByRole('button', { name: 'Create draft plan' }).click();
    await section
      .getByRole('alert')
      .getByText(/guards\.0\.operator/)
      .first()
      .waitFor();
    expect(await section.getByLabel(/^Guards/).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    await section.getByLabel(/^Guards/).fill(JSON.stringify([guard]));
    await section.getByRole('button', { name: 'Create draft plan' }).click();
    await section.getByText('Not started: nothing changes before Start.').waitFor();
    await section.getByRole('button', { name: 'Start plan' }).click();

    // Started at 10 %; the 3 s hold passes with a passing guard and the plan moves to 50 % by itself.
    await section.getByText('Rollout now: 50 %').waitFor(MOVES);
    expect(await section.getByRole('listitem').filter({ hasText: '50 % for 1 h (current)' }).count()).toBe(1);
    expect(await section.getByRole('progressbar', { name: 'Steps applied: 2 of 2' }).count()).toBe(1);
    await section.getByText(/Holding: .+ left\./).waitFor();
    const verdicts = section.getByRole('list', { name: /Last guard verdicts/ });
    await verdicts.getByText(/data\.error_rate 0\.01 < 0\.05/).waitFor(MOVES);
    expect(await verdicts.getByText('pass', { exact: true }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Pause plan' }).click();
    await section.getByText('Paused: no step is applied and no guard checked until it is resumed.').waitFor();
    await section.getByRole('button', { name: 'Resume plan' }).click();
    await section.getByRole('button', { name: 'Pause plan' }).waitFor();

    // The regression: the next check (1 s) fails the guard and rolls back to 0 %.
    errorRate = 0.2;
    const past = section.getByRole('list', { name: 'Past release plans' });
    await past
      .getByText(/Rolled back to 0 % by its guards: guard 0 \(http\) fail: data\.error_rate 0\.2 breaks < 0\.05/)
      .waitFor(MOVES);
    await section.getByText('No release plan running in production.').waitFor();
    await past.getByText('Evidence of guard 0 (http)').click();
    const evidence = await past.getByLabel('Evidence of guard 0 as JSON').textContent();
    expect(JSON.parse(evidence ?? '{}')).toMatchObject({ url: metricsUrl, path: 'data.error_rate', observed: 0.2 });
    // The rollback is an ordinary change: the rollout editor shows 0 % without a reload.
    await page.getByText('Now: 0 %', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Chromium logs the refused create (the 400 above), nothing else.
    expect(errors).toEqual([expect.stringMatching(/status of 400/)]);
  });

  it('creates a plan with a prometheus and a builtin guard through the fields: the server’s message at the bad field, exactly those guards stored', async () => {
    await resetRollout();
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CONFIG);
    const section = plans(page);
    await section.getByRole('button', { name: 'New release plan' }).click();
    await section.getByRole('button', { name: 'Add guard' }).click();
    await section.getByRole('button', { name: 'Add guard' }).click();
    const first = section.getByRole('group', { name: 'Guard 1: prometheus' });
    const query = 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))';
    // The metrics endpoint is not Prometheus: the server accepts a Prometheus it cannot ask (documented).
    const prometheusUrl = new URL('/', metricsUrl).href;
    await first.getByLabel('PromQL query').fill(query);
    await first.getByLabel('Operator').selectOption('<=');
    await first.getByLabel('Threshold').fill('0.02');
    await first.getByText('Optional settings (defaults apply)').click();
    await first.getByLabel('Prometheus URL (optional)').fill(prometheusUrl);
    await section.getByRole('group', { name: 'Guard 2: prometheus' }).getByLabel('Kind').selectOption('builtin');
    const second = section.getByRole('group', { name: 'Guard 2: builtin' });
    await second.getByLabel('Event').fill('checkout error');
    await second.getByLabel('Metric').selectOption('mean');
    await second.getByLabel('Direction').selectOption('increase_is_bad');
    await second.getByText('Optional settings (defaults apply)').click();
    await second.getByLabel('Allowed relative change (optional)').fill('0.1');
    await section.getByRole('button', { name: 'Create draft plan' }).click();

    // The server's message (an event name with a space), under the Event field and named by it.
    const event = second.getByLabel('Event');
    await second.getByText(/must be 1–100 characters/).waitFor();
    expect(await event.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await event.getAttribute('aria-describedby')) ?? '';
    const described = await Promise.all(describedBy.split(' ').map((id) => page.locator(`#${id}`).textContent()));
    expect(described.join(' ')).toMatch(/must be 1–100 characters/);
    expect(await first.locator('[aria-invalid="true"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Fields → JSON → fields keeps every value.
    await event.fill('checkout.error');
    await section.getByRole('button', { name: 'Edit as JSON' }).click();
    const sent = [
      { kind: 'prometheus', query, operator: '<=', threshold: 0.02, url: prometheusUrl },
      {
        kind: 'builtin',
        event: 'checkout.error',
        metric: 'mean',
        direction: 'increase_is_bad',
        maxRelativeChange: 0.1,
      },
    ];
    expect(JSON.parse(await section.getByLabel(/^Guards/).inputValue())).toEqual(sent);
    await section.getByRole('button', { name: 'Edit as JSON' }).click();
    expect(await second.getByLabel('Allowed relative change (optional)').inputValue()).toBe('0.1');
    expect(await seriousViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Create draft plan' }).click();
    await section.getByText('Not started: nothing changes before Start.').waitFor();
    const { items } = await server.api.request<{ items: { id: string; guards: unknown[] }[] }>(
      'GET',
      `${CONFIG}/release-plans?state=draft`,
    );
    // Exactly the guards of the fields, with the server's documented defaults filled in.
    expect(items.map((plan) => plan.guards)).toEqual([
      [
        { ...sent[0], timeoutMs: 5000 },
        { ...sent[1], minSamples: 200, alpha: 0.05 },
      ],
    ]);
    await server.api.request('DELETE', `${CONFIG}/release-plans/${items[0]!.id}`);
    expect(errors).toEqual([expect.stringMatching(/status of 400/)]);
  });

  it('runs the standard template: advance from the current step, roll back with a reason; a draft is deleted', async () => {
    await resetRollout();
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CONFIG);
    const section = plans(page);
    await section.getByRole('button', { name: 'New release plan' }).click();
    await section.getByRole('button', { name: 'Create draft plan' }).click();
    await section.getByRole('button', { name: 'Start plan' }).click();
    await section.getByText('Rollout now: 1 %').waitFor(MOVES);
    await section.getByRole('button', { name: 'Advance to step 2: 10 % for 1 h' }).click();
    await section.getByText('Rollout now: 10 %').waitFor();
    await section.getByRole('button', { name: 'Advance to step 3: 50 % for 1 h' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll the release plan back?' });
    await dialog.getByLabel('Reason (for the audit log, optional)').fill('checkout latency up');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Confirm roll back' }).click();
    await dialog.waitFor({ state: 'detached' });
    const past = section.getByRole('list', { name: 'Past release plans' });
    await past.getByText(/Rolled back to 0 % by .+: checkout latency up\./).waitFor();

    await section.getByRole('button', { name: 'New release plan' }).click();
    await section.getByRole('button', { name: 'Create draft plan' }).click();
    await section.getByRole('button', { name: 'Delete draft' }).click();
    await page
      .getByRole('dialog', { name: 'Delete the draft plan?' })
      .getByRole('button', { name: 'Confirm delete' })
      .click();
    await section.getByText('No release plan running in production.').waitFor();
    expect(await section.getByRole('button', { name: 'Start plan' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone, with a running plan and its verdicts', async () => {
    await resetRollout();
    errorRate = 0.01;
    await startGuardedPlan();
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token, CONFIG);
    const section = plans(page);
    const verdicts = section.getByRole('list', { name: /Last guard verdicts/ });
    await verdicts.getByText('pass', { exact: true }).waitFor(MOVES);
    await verdicts.getByText('Evidence of guard 0 (http)').click();
    await section.getByRole('button', { name: 'Roll back' }).waitFor();
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows a viewer the plan, its progress and verdicts, without any control, and a pause and resume made elsewhere', async () => {
    const viewer = { email: 'vera@example.com', password: 'vera passphrase' };
    const user = await server.api.request<{ id: string }>('POST', '/users', { ...viewer, displayName: 'Vera Viewer' });
    await server.api.request('PUT', `/projects/shop/members/${user.id}`, { role: 'viewer' });
    await server.api.request('POST', `${CONFIG}/release-plans/${await runningPlanId()}/abort`, {});
    await resetRollout();
    await startGuardedPlan();
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.baseUrl}${CONFIG}`);
    await page.getByLabel('Email', { exact: true }).fill(viewer.email);
    await page.getByLabel('Password', { exact: true }).fill(viewer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const section = plans(page);
    await section
      .getByRole('list', { name: /Last guard verdicts/ })
      .getByText('pass', { exact: true })
      .waitFor(MOVES);
    await section.getByText('Rollout now: 1 %').waitFor();
    expect(await section.getByRole('button').count()).toBe(0);
    // Someone else pauses and resumes it (no configuration changes): the screen follows without a reload.
    const id = await runningPlanId();
    await server.api.request('POST', `${CONFIG}/release-plans/${id}/pause`, {});
    await section.getByText(/^Paused: no step is applied/).waitFor(MOVES);
    await server.api.request('POST', `${CONFIG}/release-plans/${id}/resume`, {});
    await section.getByText(/^Holding: .+ left\./).waitFor(MOVES);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
