import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFlag } from '../../server/test/helpers/flag-copies.js';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * The flag list end to end (Chromium, real server, PostgreSQL): 10,000 flags load with their
 * states (a first page of 100 drawn at once, then pages of 1000) and scroll in a windowed list; the filters, the sort and the search work in the
 * browser and live in the URL; flags are created, archived and unarchived. Fixtures: project `big`
 * (10,001 flags), project `shop` (checkout, banner, legacy).
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);

async function seed(): Promise<void> {
  for (const project of ['big', 'shop']) {
    await server.api.createProject(project);
    for (const environment of ['production', 'staging']) await server.api.createEnvironment(project, environment);
  }
  await api('POST', '/projects/big/flags', { key: 'big-template', name: 'Template', type: 'boolean', tags: ['bulk'] });
  await copyFlag(server.db.prisma, 'big-template', 10_000);
  await api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean', tags: ['payments'] });
  await api('POST', '/projects/shop/flags', {
    key: 'banner',
    name: 'Banner',
    type: 'boolean',
    tags: ['ui'],
    clientSide: true,
  });
  await api('POST', '/projects/shop/flags', {
    key: 'legacy',
    name: 'Legacy copy',
    type: 'string',
    variants: [
      { key: 'old', value: 'old' },
      { key: 'new', value: 'new' },
    ],
  });
  await api('POST', '/projects/shop/flags/checkout/environments/production/on', {});
  await api('POST', '/projects/shop/flags/banner/environments/staging/kill', { reason: 'broken layout' });
}

describe.skipIf(!hasChromium && !process.env.CI)('flag list (Chromium, real server, PostgreSQL)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await seed();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows 10,000 flags in a windowed list: few rows in the page, any row reachable by scrolling or search', async () => {
    const { page, errors } = await openPage(browser);
    page.setDefaultTimeout(60_000);
    await signIn(page, server.baseUrl, token, '/projects/big/flags');
    const started = Date.now();
    await page.getByRole('status').filter({ hasText: '10001 flags' }).waitFor();
    console.log(`10,001 flags with their states loaded and listed in ${Date.now() - started} ms`);
    const rows = page.locator('.flag-row');
    expect(await rows.count()).toBeLessThan(80);
    expect(await rows.first().getAttribute('aria-setsize')).toBe('10001');
    // The end of the list, by scrolling.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.getByRole('link', { name: 'flag-10000' }).waitFor();
    expect(await rows.count()).toBeLessThan(80);
    expect(await page.getByRole('listitem').filter({ hasText: 'flag-10000' }).getAttribute('aria-posinset')).toBe(
      '10001',
    );
    // Search filters in the browser at each keystroke.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByLabel('Search flags').fill('flag-0999');
    await page.getByRole('status').filter({ hasText: '10 of 10001 flags match' }).waitFor();
    await page.getByRole('link', { name: 'flag-09999' }).waitFor();
    await expect.poll(() => page.url()).toContain('q=flag-0999');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('draws the first 100 flags before the rest, says how many are still loading, and asks for the stale report last', async () => {
    const { page, errors } = await openPage(browser);
    page.setDefaultTimeout(60_000);
    const requests: { url: URL; encoding: string | undefined }[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/api/v1/projects/big/')) {
        requests.push({ url, encoding: response.headers()['content-encoding'] });
      }
    });
    // The pages after the first are held until the first one is on screen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/v1\/projects\/big\/flags\?.*cursor=/, async (route) => {
      await held;
      await route.continue();
    });
    await signIn(page, server.baseUrl, token, '/projects/big/flags');
    await page.getByRole('status').filter({ hasText: '100 flags (loading 9901 more…)' }).waitFor();
    await page.getByRole('link', { name: 'big-template' }).waitFor();
    // The list is usable meanwhile: the search filters what has loaded.
    await page.getByLabel('Search flags').fill('flag-0005');
    await page.getByRole('status').filter({ hasText: '10 of 100 flags match (loading 9901 more…)' }).waitFor();
    expect(requests.some(({ url }) => url.pathname.endsWith('/usage/stale'))).toBe(false);
    release();
    await page.getByRole('status').filter({ hasText: '10 of 10001 flags match' }).waitFor();
    await expect.poll(() => requests.some(({ url }) => url.pathname.endsWith('/usage/stale'))).toBe(true);
    const pages = requests.filter(({ url }) => url.pathname === '/api/v1/projects/big/flags');
    expect(pages.map(({ url }) => [url.searchParams.get('limit'), url.searchParams.has('cursor')])).toEqual([
      ['100', false],
      ...Array.from({ length: 10 }, () => ['1000', true]),
    ]);
    // Every page of 1000 comes compressed.
    expect(pages.slice(1).map(({ encoding }) => encoding)).toEqual(Array.from({ length: 10 }, () => 'br'));
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('filters by tag, status per environment, killed, type and client-side, sorts, and keeps it all in the URL', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags');
    const keys = async () => {
      await loaded(page);
      return page.locator('.flag-row .flag-key').allTextContents();
    };
    await expect.poll(keys).toEqual(['banner', 'checkout', 'legacy']);
    await page.getByLabel('Tag', { exact: true }).selectOption('payments');
    await expect.poll(keys).toEqual(['checkout']);
    await page.getByLabel('Tag', { exact: true }).selectOption('');
    await page.getByLabel('Environment', { exact: true }).selectOption('staging');
    await page.getByLabel('Status', { exact: true }).selectOption('killed');
    await expect.poll(keys).toEqual(['banner']);
    await page.getByLabel('Environment', { exact: true }).selectOption('production');
    await expect.poll(keys).toEqual([]);
    await page.getByLabel('Status', { exact: true }).selectOption('on');
    await expect.poll(keys).toEqual(['checkout']);
    await page.getByLabel('Environment', { exact: true }).selectOption('');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Killed somewhere').check();
    await expect.poll(keys).toEqual(['banner']);
    await page.getByLabel('Killed somewhere').uncheck();
    await page.getByLabel('Type', { exact: true }).selectOption('string');
    await expect.poll(keys).toEqual(['legacy']);
    await page.getByLabel('Type', { exact: true }).selectOption('');
    await page.getByLabel('Client-side', { exact: true }).selectOption('yes');
    await expect.poll(keys).toEqual(['banner']);
    await page.getByLabel('Client-side', { exact: true }).selectOption('no');
    await page.getByLabel('Sort by').selectOption('created');
    await expect.poll(keys).toEqual(['legacy', 'checkout']);
    expect(page.url()).toContain('client=no');
    expect(page.url()).toContain('sort=created');
    // A reload (or a shared link) shows the same list.
    await page.reload();
    await expect.poll(keys).toEqual(['legacy', 'checkout']);
    expect(await page.getByLabel('Sort by').inputValue()).toBe('created');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('creates a flag, archives it from its page, and unarchives it from the archived list', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags');
    await page.getByRole('button', { name: 'New flag' }).click();
    const dialog = page.getByRole('dialog', { name: 'New flag in shop' });
    await dialog.getByLabel('Key').fill('Bad Key');
    await dialog.getByText('1 to 63 of a-z').waitFor();
    await dialog.getByLabel('Key').fill('dark-mode');
    await dialog.getByLabel('Name').fill('Dark mode');
    await dialog.getByLabel('Tags (comma-separated)').fill('ui, theme');
    await dialog.getByLabel('Client-side (browsers may evaluate it)').check();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Create flag' }).click();
    await page.getByRole('heading', { name: 'In production: off' }).waitFor();
    const created = await api<{ tags: string[]; clientSide: boolean; type: string }>(
      'GET',
      '/projects/shop/flags/dark-mode',
    );
    expect(created).toMatchObject({ tags: ['ui', 'theme'], clientSide: true, type: 'boolean' });

    await page.getByRole('button', { name: 'Archive dark-mode' }).click();
    await page
      .getByRole('dialog', { name: 'Archive dark-mode?' })
      .getByRole('button', { name: 'Confirm archive' })
      .click();
    await page.getByText('Archived', { exact: true }).waitFor();
    expect((await api<{ archived: boolean }>('GET', '/projects/shop/flags/dark-mode')).archived).toBe(true);

    await page.goto(`${server.baseUrl}/projects/shop/flags`);
    await page.getByLabel('Archived flags').check();
    await page.getByRole('button', { name: 'Unarchive dark-mode' }).click();
    await page.getByText('No flags.').waitFor();
    expect((await api<{ archived: boolean }>('GET', '/projects/shop/flags/dark-mode')).archived).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a kill made in a second browser (incident view) and an API change within a second, without reload', async () => {
    const watcher = await openPage(browser);
    await signIn(watcher.page, server.baseUrl, token, '/projects/shop/flags');
    const legacy = watcher.page.getByRole('listitem').filter({ hasText: 'legacy' });
    await legacy.getByText('production: off').waitFor();
    // Let the watcher's event stream open before changing anything.
    await watcher.page.waitForTimeout(500);

    const responder = await openPage(browser);
    await signIn(responder.page, server.baseUrl, token);
    await responder.page.getByLabel('Find a flag in any project').fill('legacy');
    await responder.page.getByRole('button', { name: 'Kill legacy in every environment' }).click();
    const dialog = responder.page.getByRole('dialog', { name: 'Kill legacy in every environment?' });
    await dialog.getByLabel('Reason (for the audit log)').fill('old copy confuses buyers');
    const killed = responder.page.waitForResponse((response) => response.url().endsWith('/flags/legacy/kill'));
    await dialog.getByRole('button', { name: 'Confirm kill' }).click();
    await killed;
    const started = Date.now();
    await legacy.getByText('production: killed').waitFor({ timeout: 5000 });
    const killSeenMs = Date.now() - started;

    // A change through the API (as the CLI or a script would make it).
    const restored = Date.now();
    await api('POST', '/projects/shop/flags/legacy/environments/production/restore', {});
    await legacy.getByText('production: off').waitFor({ timeout: 5000 });
    const apiSeenMs = Date.now() - restored;
    console.log(
      `live updates: kill seen by the other browser after ${killSeenMs} ms, API change after ${apiSeenMs} ms`,
    );
    expect(killSeenMs).toBeLessThan(1000);
    expect(apiSeenMs).toBeLessThan(1000);
    expect(watcher.errors).toEqual([]);
    expect(responder.errors).toEqual([]);
    await watcher.page.context().close();
    await responder.page.context().close();
  });

  it('fits a 390 px phone: the list with its filters and the new-flag dialog, accessible', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token, '/projects/big/flags?q=flag-000');
    await page.getByRole('link', { name: 'flag-00001' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'New flag' }).click();
    await page.getByRole('dialog', { name: 'New flag in big' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
