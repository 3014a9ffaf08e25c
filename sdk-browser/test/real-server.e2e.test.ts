import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoPage } from './support/demo-page.js';
import { type Browser, type RealServer, runnable, startRealServer } from './support/real-server.js';

/*
 * The whole path for real: the Switchyard server (buildApp on its own PostgreSQL database, listening
 * on a port), a flag toggled through the REST API, and the IIFE bundle in headless Chromium on a page
 * from another origin. Needs Postgres (as every server test does) and Chromium.
 */
const artifacts = fileURLToPath(new URL('../../artifacts/', import.meta.url));

describe.skipIf(!runnable)('browser SDK against the real server in headless Chromium', () => {
  let server: RealServer;
  let site: RealServer['site'];
  let api: RealServer['api'];
  let browser: Browser;
  const flagPath = '/api/v1/projects/shop/flags/new-checkout/environments/prod';

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    server = await startRealServer({ flagOn: true });
    ({ site, api } = server);
    browser = await server.openBrowser(demoPage(server.flagsUrl, server.clientKey));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('follows REST toggles and the kill switch within 1 s, and renders from the cache with the server down', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    await page.waitForSelector('#flag[data-state="on"]', { timeout: 10_000 });

    // Each REST change must reach the page within a second (time from the API call's start).
    const latencies: string[] = [];
    for (const [action, body, state] of [
      ['off', {}, 'off'],
      ['on', {}, 'on'],
      ['kill', { reason: 'e2e: checkout errors' }, 'off'],
    ] as const) {
      const start = Date.now();
      await api('POST', `${flagPath}/${action}`, body);
      const answered = Date.now();
      await page.waitForSelector(`#flag[data-state="${state}"]`, { timeout: 1_000 });
      latencies.push(`${action}: API ${answered - start} ms + page ${Date.now() - answered} ms`);
    }
    console.info(`REST change → page re-rendered: ${latencies.join('; ')}`);
    await page.screenshot({ path: `${artifacts}sdk-browser-real-server-killed.png` });

    await server.t.app.close();
    await page.reload();
    await page.waitForSelector('#flag[data-state="off"]', { timeout: 5_000 });
    await page.waitForFunction(() => document.getElementById('events')!.textContent!.includes('stale'), undefined, {
      timeout: 5_000,
    });
    await page.screenshot({ path: `${artifacts}sdk-browser-real-server-offline-reload.png` });
  });
});
