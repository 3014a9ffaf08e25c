import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/browser.js';
import { demoPage } from './support/demo-page.js';
import { booleanFlag, patch, snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';

const KEY = 'sy_client_e2e';
const artifacts = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const bundle = readFileSync(fileURLToPath(new URL('../dist/switchyard.min.js', import.meta.url)), 'utf8');

// In CI Chromium is installed by .ci/run, so a missing browser is a failure there, not a skip.
describe.skipIf(!hasChromium && !process.env.CI)('IIFE bundle in headless Chromium against an SSE server', () => {
  let flags: ProtocolServer;
  let site: ProtocolServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    flags = new ProtocolServer(snapshot(1, [booleanFlag('new-checkout')]), KEY);
    await flags.start();
    // The page comes from another origin than the flags, as in production (CORS, cross-origin SSE).
    site = new ProtocolServer(snapshot(0, []), 'unused');
    await site.start();
    site.pages.set('/', ['text/html', demoPage(flags.url, KEY)]);
    site.pages.set('/switchyard.min.js', ['text/javascript', bundle]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await flags?.close();
    await site?.close();
  });

  it('renders the flag, follows a pushed change within 1 s, and renders from the cache when the server is down', async () => {
    const page = await browser.context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(site.url);
    await page.waitForSelector('#flag[data-state="on"]', { timeout: 5_000 });
    expect(await page.textContent('#flag')).toBe('new-checkout is ON');
    expect(flags.requests.find((r) => r.path === '/api/v1/sdk/stream')?.key).toBe(KEY);

    // The kill switch: the server pushes a patch; the page must re-render within a second.
    flags.publish(patch(2, [booleanFlag('new-checkout', { enabled: false, version: 2 })]));
    await page.waitForSelector('#flag[data-state="off"]', { timeout: 1_000 });
    await page.screenshot({ path: `${artifacts}sdk-browser-e2e-after-change.png` });

    // Flags server gone: a reload still renders the last known flags from localStorage.
    await flags.close();
    await page.reload();
    await page.waitForSelector('#flag[data-state="off"]', { timeout: 5_000 });
    await page.waitForFunction(() => document.getElementById('events')!.textContent!.includes('stale'), undefined, {
      timeout: 5_000,
    });
    await page.screenshot({ path: `${artifacts}sdk-browser-e2e-offline-reload.png` });
    expect(pageErrors).toEqual([]);
  });
});
