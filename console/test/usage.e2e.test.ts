import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * Usage in the console, end to end (Chromium, real server, PostgreSQL): evaluation counts that
 * SDKs reported (`POST /sdk/metrics`) drawn per variant on the flag detail, and stale badges
 * (`GET /projects/:p/usage/stale`) in the list and on the detail. Fixtures: project `shop`
 * (production, staging), flag `checkout` evaluated in both, flag `legacy` created 60 days ago and
 * never evaluated.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const CHECKOUT = '/projects/shop/flags/checkout/environments/production';

async function report(environment: string, counts: Record<string, Record<string, number>>): Promise<void> {
  const sdkToken = await server.api.createToken('server', 'shop', environment);
  const now = new Date().toISOString();
  const response = await fetch(`${server.baseUrl}/api/v1/sdk/metrics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ start: now, end: now, flags: counts }),
  });
  expect(response.status, await response.text()).toBe(202);
}

describe.skipIf(!hasChromium && !process.env.CI)('usage and stale flags in the console (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await server.api.createProject('shop');
    for (const environment of ['production', 'staging']) await server.api.createEnvironment('shop', environment);
    for (const flag of ['checkout', 'legacy']) await server.api.createFlag('shop', flag);
    const sixtyDaysAgo = new Date(Date.now() - 60 * 86_400_000);
    await server.db.prisma.flag.updateMany({ where: { key: 'legacy' }, data: { createdAt: sixtyDaysAgo } });
    await report('production', { checkout: { on: 30, off: 12 } });
    await report('staging', { checkout: { on: 8 } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('badges the never-evaluated flag in the list, and filters the list to stale flags', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags');
    await loaded(page);
    const legacy = page.getByRole('listitem').filter({ hasText: 'legacy' });
    await legacy.getByText('Stale: never evaluated').waitFor();
    const checkout = page.getByRole('listitem').filter({ hasText: 'checkout' });
    expect(await checkout.getByText(/Stale/).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Stale (cleanup candidates)').check();
    await page.getByText('1 of 2 flags match').waitFor();
    expect(page.url()).toContain('stale=1');
    expect(await page.getByRole('link', { name: 'checkout' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('draws evaluations per variant on the flag detail, for one environment or all, per day or hour', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CHECKOUT);
    const usage = page.getByRole('region', { name: 'Usage' });
    await usage.getByText('Last evaluated:').waitFor();
    await usage.getByRole('img', { name: /42 evaluations, on 30, off 12/ }).waitFor();
    await usage.getByText('on: 30').waitFor();
    await usage.getByText('off: 12').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await usage.getByLabel('Usage in').selectOption('all');
    await usage
      .getByRole('img', { name: /in all environments over the last 30 days: 50 evaluations, on 38/ })
      .waitFor();
    await usage.getByLabel('Time range').selectOption('hour');
    await usage.getByRole('img', { name: /over the last 24 hours: 50 evaluations/ }).waitFor();
    // The numbers, as a table, for whoever does not read the picture.
    await usage.getByText('Evaluations per hour as a table').click();
    const rows = usage.getByRole('row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toMatch(/3812$/);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows a stale flag as such on its detail, with no usage drawn', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags/legacy/environments/production');
    await page.getByText('Stale: never evaluated').first().waitFor();
    const usage = page.getByRole('region', { name: 'Usage' });
    await usage.getByText('Last evaluated: never').waitFor();
    await usage.getByText('No evaluations reported in this range.').waitFor();
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token, CHECKOUT);
    await page.getByRole('region', { name: 'Usage' }).getByText('on: 30').waitFor();
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
