/**
 * The official OpenFeature OFREP web provider (`@openfeature/ofrep-web-provider` with
 * `@openfeature/web-sdk`, bundled by esbuild) in headless Chromium, on a page from another origin,
 * against a real, listening Switchyard server: CORS, a client token, the client view, bulk
 * evaluation polled with If-None-Match (304 while nothing changed) and a REST change reaching
 * the page. Needs Postgres and Chromium (/usr/bin/chromium).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../../../sdk-browser/test/support/browser.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BANNER_CONFIG, writeOfrepProject, type OfrepProject } from './support/ofrep-project.js';

const POLL_MS = 200;

/** The web SDK and the OFREP web provider as one IIFE, exposed on `window`. */
async function bundleProvider(): Promise<string> {
  const result = await build({
    stdin: {
      contents:
        "import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';\n" +
        "import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';\n" +
        'Object.assign(window, { OpenFeature, ProviderEvents, OFREPWebProvider });\n',
      resolveDir: new URL('.', import.meta.url).pathname,
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A page that sets up OpenFeature with the OFREP web provider, polling every POLL_MS. */
function page(flagsUrl: string, token: string): string {
  return `<!doctype html><html><body><pre id="state">loading</pre>
<script src="/provider.js"></script>
<script>
  window.changes = 0;
  window.ready = (async () => {
    const provider = new OFREPWebProvider({
      baseUrl: ${JSON.stringify(flagsUrl)},
      headers: [['Authorization', 'Bearer ' + ${JSON.stringify(token)}]],
      pollInterval: ${POLL_MS},
      changeDetection: 'polling',
      cacheMode: 'disabled',
    });
    await OpenFeature.setContext({ targetingKey: 'u-1', country: 'NO' });
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    client.addHandler(ProviderEvents.ConfigurationChanged, () => { window.changes++; });
    window.details = (key, fallback) => {
      const read = typeof fallback === 'string' ? 'getStringDetails' : 'getBooleanDetails';
      const { value, reason, variant, errorCode, flagMetadata } = client[read](key, fallback);
      return { value, reason, variant, errorCode, flagMetadata };
    };
    document.getElementById('state').textContent = 'ready';
  })();
</script></body></html>`;
}

describe.skipIf(!hasChromium)('OFREP web provider in headless Chromium against the real server', () => {
  let t: TestApp;
  let tokens: OfrepProject;
  let site: Server;
  let siteUrl: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let tab: Page;
  /** Statuses of the page's bulk evaluations, in order. */
  const bulkStatuses: number[] = [];

  beforeAll(async () => {
    const bundle = await bundleProvider();
    const pages = new Map<string, [string, string]>();
    site = createServer((request, response) => {
      const found = pages.get(request.url ?? '');
      response.writeHead(found ? 200 : 404, { 'content-type': found?.[0] ?? 'text/plain' });
      response.end(found?.[1] ?? 'not found');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    t = await createTestApp({ corsOrigins: [siteUrl] });
    tokens = await writeOfrepProject(t);
    const flagsUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    pages.set('/', ['text/html', page(flagsUrl, tokens.client)]);
    pages.set('/provider.js', ['text/javascript', bundle]);

    browser = await launchChromium();
    tab = await browser.context.newPage();
    tab.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/ofrep/v1/evaluate/flags')) {
        bulkStatuses.push(response.status());
      }
    });
    await tab.goto(siteUrl);
    await tab.evaluate(() => (window as unknown as { ready: Promise<void> }).ready);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close().catch(() => {});
    await new Promise((resolve) => site?.close(resolve));
  });

  const details = (key: string, fallback: boolean | string) =>
    tab.evaluate(
      ([key, fallback]) =>
        (window as unknown as { details(key: string, fallback: unknown): Record<string, unknown> }).details(
          key,
          fallback,
        ),
      [key, fallback] as const,
    );

  it('evaluates client-side flags for the page’s context, across origins', async () => {
    expect(await details('banner', false)).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ruleId: 'norway' },
    });
    expect(await details('color', 'none')).toMatchObject({ value: 'blue', reason: 'STATIC' });
  });

  it('a server-only flag is FLAG_NOT_FOUND for the page, like a missing one', async () => {
    expect(await details('secret-pricing', false)).toMatchObject({ value: false, errorCode: 'FLAG_NOT_FOUND' });
    expect(await details('no-such-flag', false)).toMatchObject({ value: false, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('polls with If-None-Match (304 while nothing changed) and picks up a REST change', async () => {
    const seen = bulkStatuses.length;
    await expect
      .poll(() => bulkStatuses.slice(seen).filter((status) => status === 304).length, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(2);
    expect(bulkStatuses.every((status) => status === 200 || status === 304)).toBe(true);

    expect((await t.api('POST', `${BANNER_CONFIG}/off`, {})).status).toBe(200);
    await tab.waitForFunction(
      () =>
        (window as unknown as { details(key: string, fallback: unknown): { value: unknown } }).details('banner', true)
          .value === false,
      undefined,
      { timeout: 5_000 },
    );
    expect(await details('banner', true)).toMatchObject({ value: false, variant: 'off', reason: 'DISABLED' });
    expect(await tab.evaluate(() => (window as unknown as { changes: number }).changes)).toBeGreaterThanOrEqual(1);
  });
});
