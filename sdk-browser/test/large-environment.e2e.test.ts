import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ServerHelpers from '../../server/test/helpers/app.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { demoPage } from './support/demo-page.js';
import { snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';

/*
 * The browser SDK in headless Chromium streaming a 10,000-flag environment (~2 MB `put`, above the
 * server's 1 MiB slow-consumer limit) from the real server: the stream must open with the whole
 * state and stay open for patches (it used to be dropped at once, leaving the SDK to poll).
 */
const serverHelpers = new URL('../../server/test/helpers/app.ts', import.meta.url);
const bundle = readFileSync(fileURLToPath(new URL('../dist/switchyard.min.js', import.meta.url)), 'utf8');
const runnable = (hasChromium || !!process.env.CI) && existsSync(serverHelpers);
const FLAGS = 10_000;

describe.skipIf(!runnable)('browser SDK on a 10,000-flag environment', () => {
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
    const { createTestApp, copyFlag } = (await import(serverHelpers.href)) as typeof ServerHelpers;
    t = await createTestApp({ corsOrigins: [site.url] });
    flagsUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    await api('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
    await api('POST', '/api/v1/projects/shop/environments', { key: 'prod', name: 'Production' });
    await api('POST', '/api/v1/projects/shop/flags', {
      key: 'new-checkout',
      name: 'x',
      type: 'boolean',
      clientSide: true,
    });
    const token = await api('POST', '/api/v1/tokens', {
      name: 'web',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });
    // FLAGS - 1 copies of the flag (the admin API would take minutes).
    await copyFlag(t.db.prisma, 'new-checkout', FLAGS - 1);
    site.pages.set('/', ['text/html', demoPage(flagsUrl, String(token.secret))]);
    site.pages.set('/switchyard.min.js', ['text/javascript', bundle]);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close().catch(() => {});
    await site?.close();
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
    expect(t.app.propagation.feeds.streamCount).toBe(1);
    expect(await page.evaluate(() => document.getElementById('events')!.textContent)).not.toContain('error');
  }, 60_000);
});
