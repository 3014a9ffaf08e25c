import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPage } from './support/demo-page.js';
import { type Browser, type RealServer, runnable, startRealServer } from './support/real-server.js';

/*
 * The browser SDK in headless Chromium streaming a 10,000-flag environment (~2 MB `put`, above the
 * server's 1 MiB slow-consumer limit) from the real server: the stream must open with the whole
 * state and stay open for patches (it used to be dropped at once, leaving the SDK to poll).
 */
const FLAGS = 10_000;

describe.skipIf(!runnable)('browser SDK on a 10,000-flag environment', () => {
  let server: RealServer;
  let site: RealServer['site'];
  let api: RealServer['api'];
  let browser: Browser;

  beforeAll(async () => {
    server = await startRealServer({ flagOn: false });
    ({ site, api } = server);
    // FLAGS - 1 copies of the flag (the admin API would take minutes).
    await server.helpers.copyFlag(server.t.db.prisma, 'new-checkout', FLAGS - 1);
    browser = await server.openBrowser(demoPage(server.flagsUrl, server.clientKey));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('receives the whole state on the stream and the patches after it', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    const count = () =>
      page.evaluate(
        () =>
          Object.keys((window as unknown as { switchyardClient: { allFlags(): object } }).switchyardClient.allFlags())
            .length,
      );
    await page.waitForSelector('#flag[data-state="off"]', { timeout: 20_000 });
    expect(await count()).toBe(FLAGS);
    await api('POST', '/api/v1/projects/shop/flags/flag-04242/environments/prod/on', {});
    await page.waitForFunction(
      () =>
        (window as unknown as { switchyardClient: { isEnabled(key: string): boolean } }).switchyardClient.isEnabled(
          'flag-04242',
        ),
      undefined,
      { timeout: 10_000 },
    );
    // Delivered by the stream, which stayed open: not by snapshot fetches between dropped streams.
    expect(server.t.app.propagation.feeds.streamCount).toBe(1);
    expect(await page.evaluate(() => document.getElementById('events')!.textContent)).not.toContain('error');
  }, 60_000);
});
