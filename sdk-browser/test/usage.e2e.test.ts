import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../src/index.js';
import { type Browser, type RealServer, runnable, startRealServer } from './support/real-server.js';

/*
 * Usage metrics for real: the IIFE bundle in headless Chromium, on a page from another origin,
 * creates the client with no usage option (reporting is on by default, built into the client) and
 * evaluates a flag against the real server (buildApp on its own PostgreSQL database); the page is
 * then closed, and the counts the client sent as it went (keepalive fetch with the key in
 * `Authorization`, after a CORS preflight) are read back through the usage API.
 */
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
      });
    </script>
  </body>
</html>`;
}

interface UsageHistory {
  buckets: { total: number; variants: Record<string, number> }[];
}

describe.skipIf(!runnable)('browser SDK usage metrics against the real server in headless Chromium', () => {
  let server: RealServer;
  let site: RealServer['site'];
  let api: RealServer['api'];
  let browser: Browser;

  beforeAll(async () => {
    server = await startRealServer({ flagOn: true });
    ({ site, api } = server);
    browser = await server.openBrowser(usagePage(server.flagsUrl, server.clientKey));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('evaluations on a page that is then closed: the server stored the counts', async () => {
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
