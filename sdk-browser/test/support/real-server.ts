import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type * as ServerHelpers from '../../../server/test/helpers/app.js';
import { hasChromium, launchChromium } from './browser.js';
import { snapshot } from './flags.js';
import { ProtocolServer } from './sse-server.js';

/*
 * The setup the real-server e2e tests share: the Switchyard server (buildApp on its own PostgreSQL
 * database, listening on a port, CORS open to the page's origin), a page site on another origin
 * serving the IIFE bundle, project `shop`, environment `prod`, the client-side boolean flag
 * `new-checkout` and a client token for it.
 */
const serverHelpers = new URL('../../../server/test/helpers/app.ts', import.meta.url);
const bundlePath = fileURLToPath(new URL('../../dist/switchyard.min.js', import.meta.url));

/** Whether the real-server tests can run here (Chromium, or CI where it must be; the server's test helpers). */
export const runnable = (hasChromium || !!process.env.CI) && existsSync(serverHelpers);

export type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** A running server with the shared project, flag and client token, and the page site. */
export interface RealServer {
  t: ServerHelpers.TestApp;
  /** The server's base URL (the page's `url` option). */
  flagsUrl: string;
  site: ProtocolServer;
  /** The client token's secret for `shop`/`prod`. */
  clientKey: string;
  /** The server's test helpers module (e.g. `copyFlag`), loaded only when the tests run. */
  helpers: typeof ServerHelpers;
  /** An admin API call that must answer 2xx; returns the parsed body (`{}` when empty). */
  api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Serves `html` at the site's `/` (with the bundle beside it) and launches Chromium. */
  openBrowser(html: string): Promise<Browser>;
  /** Closes what was started: the browser, the server (already closed is fine) and the site. */
  close(): Promise<void>;
}

/**
 * Starts the server and the site and creates the shared data. `flagOn` turns `new-checkout` on in
 * `prod`. If a step fails, what was started is closed before the error is rethrown.
 */
export async function startRealServer(options: { flagOn: boolean }): Promise<RealServer> {
  let t: ServerHelpers.TestApp | undefined;
  let browser: Browser | undefined;
  const site = new ProtocolServer(snapshot(0, []), 'unused');
  const close = async (): Promise<void> => {
    await browser?.close();
    await t?.close().catch(() => {});
    await site.close();
  };
  try {
    await site.start();
    const helpers = (await import(serverHelpers.href)) as typeof ServerHelpers;
    const app = await helpers.createTestApp({ corsOrigins: [site.url] });
    t = app;
    const flagsUrl = await app.app.listen({ port: 0, host: '127.0.0.1' });

    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${flagsUrl}${path}`, {
        method,
        headers: { ...app.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    await api('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
    await api('POST', '/api/v1/projects/shop/environments', { key: 'prod', name: 'Production' });
    await api('POST', '/api/v1/projects/shop/flags', {
      key: 'new-checkout',
      name: 'New checkout',
      type: 'boolean',
      clientSide: true,
    });
    if (options.flagOn) await api('POST', '/api/v1/projects/shop/flags/new-checkout/environments/prod/on', {});
    const token = await api('POST', '/api/v1/tokens', {
      name: 'web',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });

    const openBrowser = async (html: string): Promise<Browser> => {
      site.pages.set('/', ['text/html', html]);
      site.pages.set('/switchyard.min.js', ['text/javascript', readFileSync(bundlePath, 'utf8')]);
      browser = await launchChromium();
      return browser;
    };
    return { t: app, flagsUrl, site, clientKey: String(token.secret), helpers, api, openBrowser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
