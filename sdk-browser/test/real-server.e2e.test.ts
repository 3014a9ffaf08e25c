import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ServerHelpers from '../../server/test/helpers/app.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { demoPage } from './support/demo-page.js';
import { snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';

/*
 * The whole path for real: the Switchyard server (buildApp on its own PostgreSQL database, listening
 * on a port), a flag toggled through the REST API, and the IIFE bundle in headless Chromium on a page
 * from another origin. Needs Postgres (as every server test does) and Chromium.
 */
const serverHelpers = new URL('../../server/test/helpers/app.ts', import.meta.url);
const artifacts = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const bundle = readFileSync(fileURLToPath(new URL('../dist/switchyard.min.js', import.meta.url)), 'utf8');
const runnable = (hasChromium || !!process.env.CI) && existsSync(serverHelpers);

type TestApp = ServerHelpers.TestApp;

describe.skipIf(!runnable)('browser SDK against the real server in headless Chromium', () => {
  let t: TestApp;
  let flagsUrl: string;
  let site: ProtocolServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const flagPath = '/api/v1/projects/shop/flags/new-checkout/environments/prod';

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${flagsUrl}${path}`, {
      method,
      headers: { ...t.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    site = new ProtocolServer(snapshot(0, []), 'unused');
    await site.start();
    const { createTestApp } = (await import(serverHelpers.href)) as typeof ServerHelpers;
    t = await createTestApp({ corsOrigins: [site.url] });
    flagsUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });

    await api('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
    await api('POST', '/api/v1/projects/shop/environments', { key: 'prod', name: 'Production' });
    await api('POST', '/api/v1/projects/shop/flags', {
      key: 'new-checkout',
      name: 'New checkout',
      type: 'boolean',
      clientSide: true,
    });
    await api('POST', `${flagPath}/on`, {});
    const token = await api('POST', '/api/v1/tokens', {
      name: 'web',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });

    site.pages.set('/', ['text/html', demoPage(flagsUrl, String(token.secret))]);
    site.pages.set('/switchyard.min.js', ['text/javascript', bundle]);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close().catch(() => {});
    await site?.close();
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

    await t.app.close();
    await page.reload();
    await page.waitForSelector('#flag[data-state="off"]', { timeout: 5_000 });
    await page.waitForFunction(() => document.getElementById('events')!.textContent!.includes('stale'), undefined, {
      timeout: 5_000,
    });
    await page.screenshot({ path: `${artifacts}sdk-browser-real-server-offline-reload.png` });
  });
});
