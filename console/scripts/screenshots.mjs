// `npm run screenshots -w console`: PNGs of the console's main screens for the README, taken in
// Debian's Chromium from a real server in embedded mode (PGlite in a temporary folder) with the
// demo project. Builds the server and the console first when they are stale (as `npm start` does).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = fileURLToPath(new URL('../screenshots', import.meta.url));
const built = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-screenshots-'));
const token = `sy_admin_${randomBytes(32).toString('base64url')}`;
const server = spawn(process.execPath, ['server/dist/main.js'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_TOKEN: token,
    // Release plans whose guards are checked every second, so the screenshot shows one moving.
    SWITCHYARD_RELEASE_PLAN_MIN_GUARD_INTERVAL_S: '1',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let setupLink = null;
const base = await new Promise((resolve, reject) => {
  let output = '';
  server.stdout.on('data', (chunk) => {
    output += chunk;
    // The first-run link for the first owner (printed while none exists).
    setupLink ??= /Create the first owner:\s+(http\S+)/.exec(output)?.[1] ?? null;
    const url = /URL:\s+(http\S+)/.exec(output)?.[1];
    if (url && setupLink) resolve(url);
  });
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
});

const api = async (method, path, body) => {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
};

/** Demo data the seed has not: a segment, and a day of evaluations reported by a server SDK. */
async function seedUsageAndSegments() {
  await api('POST', '/projects/demo/segments', {
    key: 'beta-testers',
    name: 'Beta testers',
    description: 'People who opted in to early features',
    conditions: [
      { attribute: 'email', operator: 'ends_with', values: ['@example.com'] },
      { attribute: 'appVersion', operator: 'semver_gte', values: ['2.1.0'] },
    ],
  });
  const { secret } = await api('POST', '/tokens', {
    name: 'screenshots-sdk',
    kind: 'server',
    project: 'demo',
    environment: 'production',
  });
  const hour = 3_600_000;
  for (let back = 23; back >= 0; back--) {
    const start = new Date(Date.now() - back * hour).toISOString();
    // A daily curve: busier in the afternoon; the new checkout's rollout serves "on" to about a tenth.
    const load = Math.round(400 + 300 * Math.sin(((24 - back) / 24) * Math.PI));
    const response = await fetch(`${base}/api/v1/sdk/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        start,
        end: start,
        flags: { 'new-checkout': { on: Math.round(load / 10), off: load - Math.round(load / 10) } },
      }),
    });
    if (response.status !== 202) throw new Error(`POST /sdk/metrics: ${response.status} ${await response.text()}`);
  }
}

/** A metrics endpoint for the release plans' `http` guard: an error rate the script sets. */
let errorRate = 0.004;
const metrics = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error_rate: errorRate }));
});
await new Promise((resolve) => metrics.listen(0, '127.0.0.1', resolve));
const metricsUrl = `http://127.0.0.1:${metrics.address().port}/checkout-errors`;
const PLAN_FLAG = '/projects/demo/flags/new-checkout/environments/production';

/**
 * Release plans on the new checkout in production: one that its guard rolled back (the error rate
 * jumped), then one running (10 % held a few seconds, now at 25 %) with a passing guard.
 */
async function seedReleasePlans() {
  const plans = `${PLAN_FLAG}/release-plans`;
  const guard = { kind: 'http', url: metricsUrl, path: '$.error_rate', operator: '<', threshold: 0.02 };
  const until = async (id, test) => {
    for (let tries = 0; tries < 600; tries++) {
      const plan = await api('GET', `${plans}/${id}`);
      if (test(plan)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`release plan ${id} did not get there`);
  };
  const failed = await api('POST', plans, {
    steps: [
      { percent: 30, holdMinutes: 60 },
      { percent: 100, holdMinutes: 0 },
    ],
    guards: [guard],
    guardIntervalSeconds: 1,
    reason: 'First try of the new checkout',
  });
  await api('POST', `${plans}/${failed.id}/start`, {});
  await until(failed.id, (plan) => plan.progress.verdicts.length > 0);
  errorRate = 0.071;
  await until(failed.id, (plan) => plan.state === 'rolled_back');
  errorRate = 0.004;
  const running = await api('POST', plans, {
    steps: [
      { percent: 10, holdMinutes: 0.05 },
      { percent: 25, holdMinutes: 60 },
      { gate: 'manual' },
      { percent: 100, holdMinutes: 0 },
    ],
    guards: [guard],
    guardIntervalSeconds: 2,
    reason: 'Second try, with the Safari fix (INC-2231)',
  });
  await api('POST', `${plans}/${running.id}/start`, {});
  await until(running.id, (plan) => plan.progress.currentStep === 1 && plan.progress.verdicts.length > 0);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  // An incident in progress: the checkout copy is killed in production.
  await api('POST', '/projects/demo/flags/checkout-copy/environments/production/kill', {
    reason: 'Variant B breaks the payment button on Safari (INC-2231)',
  });
  await seedUsageAndSegments();
  await mkdir(out, { recursive: true });
  const shoot = async (viewport, path, ready, file, act, { clipped = false } = {}) => {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    // The first requests of a cold embedded database can be slow on a busy machine.
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/`);
    await page.getByText('Use an API token instead').click();
    await page.getByLabel('Admin API token').fill(token);
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { name: ready, exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
    if (act) await act(page);
    // A clipped shot (one region) is taken by `act` itself.
    if (!clipped) await page.screenshot({ path: join(out, file), fullPage: true });
    await page.close();
    console.log(`wrote console/screenshots/${file}`);
  };
  await shoot({ width: 900, height: 560 }, '/?q=checkout', 'Flags matching “checkout”', 'incident-search.png');
  await shoot(
    { width: 900, height: 700 },
    '/projects/demo/flags/new-checkout/environments/production',
    'Rollout',
    'flag-detail.png',
  );
  await shoot({ width: 390, height: 700 }, '/projects/demo/flags', 'Demo: flags', 'flag-list-phone.png');
  await shoot({ width: 1000, height: 640 }, '/projects/demo/flags?sort=updated', 'Demo: flags', 'flag-list.png');
  await shoot(
    { width: 900, height: 700 },
    '/projects/demo/flags/new-checkout/environments/development',
    'Rules and prerequisites',
    'rules-editor.png',
    async (page) => {
      await page.getByRole('button', { name: 'Edit rules in development' }).click();
      await page.getByRole('button', { name: 'Add a rule' }).click();
      const condition = page.getByRole('group', { name: /^Condition 1 of rule/ }).last();
      await condition.getByLabel('Attribute').fill('appVersion');
      await condition.getByLabel('Operator').selectOption('semver_gte');
      await condition.getByLabel('Values').fill('2.1');
      await page.getByText('strict semver 2.0').first().waitFor();
      await page.getByRole('heading', { name: 'Rules and prerequisites' }).scrollIntoViewIfNeeded();
    },
  );
  await shoot({ width: 900, height: 700 }, '/audit', 'Audit log', 'audit-log.png', async (page) => {
    await page.getByText('Before / after').first().click();
  });
  await shoot({ width: 900, height: 640 }, '/tokens', 'API tokens', 'tokens.png');
  await shoot(
    { width: 900, height: 900 },
    '/projects/demo/flags/new-checkout/environments/production',
    'Usage',
    'usage.png',
    async (page) => {
      await page.getByLabel('Time range').selectOption('hour');
      await page.getByRole('img', { name: /over the last 24 hours/ }).waitFor();
      await page.getByRole('region', { name: 'Usage' }).screenshot({ path: join(out, 'usage.png') });
    },
    { clipped: true },
  );
  await shoot(
    { width: 900, height: 700 },
    '/projects/demo/segments/beta-testers',
    'Segment beta-testers',
    'segment.png',
  );
  await shoot({ width: 900, height: 640 }, '/projects/demo/environments', 'Demo: environments', 'environments.png');
  await shoot({ width: 390, height: 700 }, '/projects', 'Projects', 'projects-phone.png');
  await seedReleasePlans();
  await shoot(
    { width: 900, height: 900 },
    PLAN_FLAG,
    'Release plan',
    'release-plan.png',
    async (page) => {
      const section = page.getByRole('region', { name: 'Release plan' });
      await section.getByText('Rollout now: 25 %').waitFor();
      await section
        .getByRole('list', { name: /Last guard verdicts/ })
        .getByText('pass', { exact: true })
        .waitFor();
      await section
        .getByRole('list', { name: 'Past release plans' })
        .getByText(/^Evidence of guard 0/)
        .click();
      await section.screenshot({ path: join(out, 'release-plan.png') });
    },
    { clipped: true },
  );
  // The new-plan form with a guard filled in through its fields.
  await shoot(
    { width: 900, height: 900 },
    PLAN_FLAG,
    'Release plan',
    'release-plan-form.png',
    async (page) => {
      const section = page.getByRole('region', { name: 'Release plan' });
      await section.getByRole('button', { name: 'New release plan' }).click();
      await section.getByRole('button', { name: 'Add guard' }).click();
      await section.getByLabel('PromQL query').fill('sum(rate(http_requests_total{code=~"5.."}[5m]))');
      await section.getByLabel('Operator').selectOption('<');
      await section.getByLabel('Threshold').fill('0.02');
      await section.screenshot({ path: join(out, 'release-plan-form.png') });
    },
    { clipped: true },
  );
  await shootPeople();
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
  metrics.close();
}

/**
 * The people screens, as a person sees them: the sign-in page, `/setup` (the first owner, from the
 * printed link), users, a project's members and the owner's personal tokens (a cookie session).
 */
async function shootPeople() {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const save = async (file) => {
    await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
    await page.screenshot({ path: join(out, file), fullPage: true });
    console.log(`wrote console/screenshots/${file}`);
  };
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
  await save('sign-in.png');
  await page.goto(setupLink);
  await page.getByLabel('Your name').fill('Olive Owner');
  await page.getByLabel('Email').fill('olive@example.com');
  await page.getByLabel('Password (at least 8 characters)').fill('correct horse battery staple');
  await save('setup.png');
  await page.getByRole('button', { name: 'Create owner and sign in' }).click();
  await page.getByRole('heading', { name: 'Incident search' }).waitFor();
  const people = [
    { email: 'ana@example.com', displayName: 'Ana Ops', password: 'ana passphrase', instanceRole: 'admin' },
    { email: 'raj@example.com', displayName: 'Raj Responder', password: 'raj passphrase', instanceRole: null },
    { email: 'eve@example.com', displayName: 'Eve Editor', password: 'eve passphrase', instanceRole: null },
  ];
  const ids = {};
  for (const person of people) {
    const response = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(person),
    });
    if (!response.ok) throw new Error(`POST /users: ${response.status} ${await response.text()}`);
    ids[person.email] = (await response.json()).id;
  }
  await api('PATCH', `/users/${ids['eve@example.com']}`, { disabled: true });
  await api('PUT', `/projects/demo/members/${ids['raj@example.com']}`, { role: 'responder' });
  await api('PUT', `/projects/demo/members/${ids['eve@example.com']}`, { role: 'editor' });
  await page.goto(`${base}/users`);
  await page.getByText('raj@example.com').first().waitFor();
  await save('users.png');
  await page.goto(`${base}/projects/demo/members`);
  await page.getByLabel('Role of raj@example.com in demo').waitFor();
  await save('members.png');
  await page.goto(`${base}/account/tokens`);
  await page.getByLabel('Name (where you use it)').fill('laptop CLI');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByLabel('Personal token', { exact: true }).waitFor();
  await page.getByText(/^Olive Owner$/).click();
  await save('personal-tokens.png');
  await page.goto(`${base}/account/sessions`);
  await page.getByText('This browser').waitFor();
  await save('sessions.png');
  await context.close();
}
