// `npm run screenshots -w console`: PNGs of the console's main screens for the README, taken in
// Debian's Chromium from a real server in embedded mode (PGlite in a temporary folder) with the
// demo project. Builds the server and the console first when they are stale (as `npm start` does).
import { spawn, spawnSync } from 'node:child_process';
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
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_ADMIN_TOKEN: token },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise((resolve, reject) => {
  let output = '';
  server.stdout.on('data', (chunk) => {
    output += chunk;
    const url = /URL:\s+(http\S+)/.exec(output)?.[1];
    if (url) resolve(url);
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
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  // An incident in progress: the checkout copy is killed in production.
  await api('POST', '/projects/demo/flags/checkout-copy/environments/production/kill', {
    reason: 'Variant B breaks the payment button on Safari (INC-2231)',
  });
  await mkdir(out, { recursive: true });
  const shoot = async (viewport, path, ready, file, act) => {
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
    await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached' });
    if (act) await act(page);
    await page.screenshot({ path: join(out, file), fullPage: true });
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
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}
