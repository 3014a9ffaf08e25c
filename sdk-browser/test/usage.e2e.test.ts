import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ServerHelpers from '../../server/test/helpers/app.js';
import type { BrowserClient } from '../src/index.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';

/*
 * Usage metrics for real: the IIFE bundle (client and metrics module) in headless Chromium, on a page from another origin,
 * evaluates a flag against the real server (buildApp on its own PostgreSQL database); the page is
 * then closed, and the counts the client sent as it went (keepalive fetch with the key in
 * `Authorization`, after a CORS preflight) are read back through the usage API.
 */
const serverHelpers = new URL('../../server/test/helpers/app.ts', import.meta.url);
const bundle = readFileSync(fileURLToPath(new URL('../dist/switchyard.min.js', import.meta.url)), 'utf8');
const runnable = (hasChromium || !!process.env.CI) && existsSync(serverHelpers);

/** A page that evaluates `new-checkout` when asked (no rendering, so the count is the test's). */
function usagePage(flagsUrl: string, clientKey: string): string {
  return `<!doctype html>
<html>
  <body>
    <script src="/switchyard.min.js"></script>
    <script>
      window.switchyardClient = Switchyard.createBrowserClient({
        url: ${JSON.stringify(flagsUrl)},
        clientKey: ${JSON.stringify(clientKey)},
        context: { userId: 'u-42' },
        metrics: Switchyard.browserMetrics(),
      });
    </script>
  </body>
</html>`;
}

interface UsageHistory {
  buckets: { total: number; variants: Record<string, number> }[];
}

describe.skipIf(!runnable)('browser SDK usage metrics against the real server in headless Chromium', () => {
  let t: ServerHelpers.TestApp;
  let flagsUrl: string;
  let site: ProtocolServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

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
    await api('POST', '/api/v1/projects/shop/flags/new-checkout/environments/prod/on', {});
    const token = await api('POST', '/api/v1/tokens', {
      name: 'web',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });
    site.pages.set('/', ['text/html', usagePage(flagsUrl, String(token.secret))]);
    site.pages.set('/switchyard.min.js', ['text/javascript', bundle]);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close().catch(() => {});
    await site?.close();
  });

  it('evaluations and track() on a page that is then closed: the server stored the counts', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    const served = await page.evaluate(async () => {
      const client = (window as unknown as { switchyardClient: BrowserClient }).switchyardClient;
      await client.ready();
      const values = [
        client.isEnabled('new-checkout'),
        client.isEnabled('new-checkout'),
        client.isEnabled('new-checkout'),
      ];
      client.track('purchase', undefined, 42);
      return values;
    });
    expect(served).toEqual([true, true, true]);

    // Closing the tab hides the page (visibilitychange, pagehide): the client sends its reports
    // with keepalive, so they leave although the page is gone.
    const closed = Date.now();
    await page.close();
    const usagePath = '/api/v1/projects/shop/flags/new-checkout/usage?environment=prod&bucket=hour';
    let history = (await api('GET', usagePath)) as unknown as UsageHistory;
    for (let tries = 0; !history.buckets.some((bucket) => bucket.total > 0); tries++) {
      if (tries == 100) throw new Error('no usage counts stored within 10 s of closing the page');
      await new Promise((resolve) => setTimeout(resolve, 100));
      history = (await api('GET', usagePath)) as unknown as UsageHistory;
    }
    console.info(`page closed → counts readable through the usage API: ${Date.now() - closed} ms`);
    const counted = history.buckets.filter((bucket) => bucket.total > 0);
    expect(counted).toEqual([expect.objectContaining({ total: 3, variants: { on: 3 } })]);
  });
});
