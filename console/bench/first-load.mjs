// `npm run bench:load -w console`: how fast the console's first load is, in Debian's Chromium,
// against the real server in embedded mode (PGlite in a temporary folder, the demo project), and
// how much JavaScript it ships. Budgets (issue 14): first load to interactive ≤ 1 s on this
// machine; console JavaScript ≤ 120 KB gzipped. Prints the figures; exits 1 when a budget is
// missed. Not part of `npm test` (no timed assertions in tests).
//
// Time to interactive: from the navigation's start (performance.timeOrigin) to the first frame in
// which the screen is usable: its main control is present and enabled and no "Loading…" status
// is left (so the data the screen needs has arrived and is rendered). Polled every animation
// frame. "Cold": a fresh browser context (empty HTTP cache), as a first visit; "warm": the same
// context again (hashed assets come from the cache, index.html and the API from the server).
//
// `--flags=10000` first copies a demo flag until the demo project has that many (SQL on the data
// dir while the server is stopped, as server/test/helpers/flag-copies.ts does), and also times the
// flag list until every flag has loaded ("all rows": no "loading N more…" left in its status).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const TTI_BUDGET_MS = 1000;
const JS_BUDGET_BYTES = 120_000;
const argument = (name, fallback) =>
  Number(
    new RegExp(`^--${name}=(\\d+)$`).exec(process.argv.find((arg) => arg.startsWith(`--${name}=`)) ?? '')?.[1] ??
      fallback,
  );
const runs = argument('runs', 7);
const flagCount = argument('flags', 0);

const root = fileURLToPath(new URL('../..', import.meta.url));
const assets = fileURLToPath(new URL('../dist/assets', import.meta.url));
const built = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

let jsGzip = 0;
let jsRaw = 0;
for (const name of (await readdir(assets)).filter((file) => file.endsWith('.js'))) {
  const content = await readFile(join(assets, name));
  jsRaw += content.length;
  jsGzip += gzipSync(content, { level: 9 }).length;
}

const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-first-load-'));
const token = `sy_admin_${randomBytes(32).toString('base64url')}`;
/** Starts the server on the data dir; resolves with its process and base URL. */
async function startServer() {
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_TOKEN: token,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /URL:\s+(http\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

async function stopServer(child) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** Copies the demo project's first flag until the project has `count` live flags. */
async function seedFlags(count) {
  const { child, url } = await startServer();
  const listed = await fetch(`${url}/api/v1/projects/demo/flags?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((response) => response.json());
  await stopServer(child);
  const copies = count - listed.items.length;
  if (copies <= 0) return;
  const { openDatabase } = await import('../../server/dist/db/index.js');
  const db = await openDatabase({ dataDir });
  try {
    await db.prisma.$executeRawUnsafe(
      `WITH template AS (SELECT f.* FROM flags f JOIN projects p ON p.id = f.project_id
                         WHERE p.key = 'demo' AND f.key = $1),
       copies AS (
         INSERT INTO flags (id, project_id, key, name, description, type, variants, tags, client_side, salt, updated_at)
         SELECT gen_random_uuid(), t.project_id, 'bulk-' || lpad(i::text, 5, '0'), 'Bulk flag ' || i,
                t.description, t.type, t.variants, t.tags, t.client_side, t.salt, now()
         FROM template t, generate_series(1, $2::int) AS i
         RETURNING id)
       INSERT INTO flag_configs (flag_id, environment_id, enabled, off_variant, default_serve, rules, prerequisites, updated_at)
       SELECT c.id, fc.environment_id, fc.enabled, fc.off_variant, fc.default_serve, fc.rules, fc.prerequisites, now()
       FROM copies c, flag_configs fc JOIN template t ON fc.flag_id = t.id`,
      listed.items[0].key,
      copies,
    );
    await db.prisma.$executeRawUnsafe('UPDATE environments SET revision = revision + 1');
  } finally {
    await db.close();
  }
}

if (flagCount > 0) await seedFlags(flagCount);
const { child: server, url: base } = await startServer();

/** The screens measured, and when each is usable. */
const SCREENS = [
  { name: 'incident search (/)', path: '/', control: '#incident-search' },
  { name: 'flag list (/projects/demo/flags)', path: '/projects/demo/flags', control: '#flag-search', all: true },
];

/* global document */
/** Runs in the page: whether the flag list has every flag (nothing "more…" left to load). */
function allLoaded() {
  return [...document.querySelectorAll('[role="status"]')].some((status) =>
    /\d+ flags?$/.test(status.textContent ?? ''),
  );
}

/** Runs in the page: whether the screen is usable (its control enabled, nothing left loading). */
function usable(control) {
  const element = document.querySelector(control);
  if (!element || element.disabled) return false;
  return ![...document.querySelectorAll('[role="status"]')].some((status) => status.textContent?.includes('Loading'));
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function measure(page, screen) {
  // The flag list asks for the stale report once every flag is in: the run ends when it has its
  // answer, so that the next run does not find the embedded database still busy with it.
  const staleReport = screen.all
    ? page.waitForResponse((response) => response.url().includes('/usage/stale'), { timeout: 60_000 })
    : undefined;
  await page.goto(`${base}${screen.path}`, { waitUntil: 'commit' });
  await page.waitForFunction(usable, screen.control, { polling: 'raf', timeout: 60_000 });
  const firstRows = await page.evaluate(() => performance.now());
  if (screen.all) await page.waitForFunction(allLoaded, undefined, { polling: 'raf', timeout: 60_000 });
  const measured = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const scripts = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.initiatorType === 'script' || entry.name.endsWith('.js'));
    return {
      tti: performance.now(),
      domContentLoaded: navigation.domContentLoadedEventEnd,
      jsTransferred: scripts.reduce((sum, entry) => sum + entry.transferSize, 0),
    };
  });
  await staleReport;
  return { ...measured, tti: firstRows, all: measured.tti };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
try {
  // One load first, not counted: the embedded database's first queries are slow once per process.
  {
    const context = await browser.newContext();
    await context.addInitScript((secret) => sessionStorage.setItem('switchyard.adminToken', secret), token);
    for (const screen of SCREENS) await measure(await context.newPage(), screen);
    await context.close();
  }
  for (const screen of SCREENS) {
    const cold = [];
    const warm = [];
    const all = [];
    let transferred = 0;
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      await context.addInitScript((secret) => sessionStorage.setItem('switchyard.adminToken', secret), token);
      const page = await context.newPage();
      const first = await measure(page, screen);
      cold.push(first.tti);
      all.push(first.all);
      transferred = first.jsTransferred;
      warm.push((await measure(page, screen)).tti);
      await context.close();
    }
    results.push({ screen: screen.name, cold, warm, all: screen.all ? all : undefined, transferred });
  }
} finally {
  await browser.close();
  await stopServer(server);
  await rm(dataDir, { recursive: true, force: true });
}

const ms = (value) => `${Math.round(value)} ms`;
console.log(
  `\nconsole first load, embedded server${flagCount ? `, ${flagCount} flags in demo` : ''}, ${runs} runs each (median, worst)`,
);
let failed = false;
for (const { screen, cold, warm, all, transferred } of results) {
  console.log(
    `  ${screen.padEnd(34)} cold ${ms(median(cold)).padStart(7)} (worst ${ms(Math.max(...cold))})` +
      `   warm ${ms(median(warm)).padStart(7)} (worst ${ms(Math.max(...warm))})   JS over the wire ${transferred} B` +
      (all
        ? `\n  ${''.padEnd(34)} all rows (cold) ${ms(median(all)).padStart(7)} (worst ${ms(Math.max(...all))})`
        : ''),
  );
  if (median(cold) > TTI_BUDGET_MS) failed = true;
}
console.log(
  `  console JavaScript: ${jsRaw} B, ${jsGzip} B gzipped (budget ${JS_BUDGET_BYTES}); first load budget ${TTI_BUDGET_MS} ms (cold median)`,
);
if (jsGzip > JS_BUDGET_BYTES) failed = true;
console.log(failed ? 'OVER BUDGET' : 'within budget');
process.exit(failed ? 1 : 0);
