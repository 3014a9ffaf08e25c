import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { DESKTOP, PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { isSignedOutProbe, loaded } from './support/console.js';

/**
 * The console end to end: real Chromium, the real server (from its sources) on a fresh PostgreSQL
 * database, checked through the REST API. Fixtures: project `shop` (flag `checkout-v2` with a 25 %
 * rollout rule in production, `banner`), project `search` (flag `ranking-model`).
 */

let server: ListeningApp;
let browser: Browser;
let adminToken: string;

interface FlagSummary {
  environments: { environment: string; enabled: boolean; killed: boolean }[];
}
interface Config {
  version: number;
  killed: boolean;
  enabled: boolean;
  rules: { id: string; rollout?: { percent: number } }[];
}

const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);
const rolloutOf = async (project: string, flag: string, environment: string) =>
  (await api<Config>('GET', `/projects/${project}/flags/${flag}/environments/${environment}`)).rules.find(
    (rule) => rule.id === 'gradual',
  )?.rollout?.percent;

async function seed(): Promise<void> {
  for (const [project, flags] of [
    ['shop', ['checkout-v2', 'banner']],
    ['search', ['ranking-model']],
  ] as const) {
    await server.api.createProject(project);
    for (const environment of ['production', 'staging']) await server.api.createEnvironment(project, environment);
    for (const flag of flags) {
      await server.api.createFlag(project, flag);
      await api('POST', `/projects/${project}/flags/${flag}/environments/production/on`, {});
    }
  }
  // A 25 % rollout rule in production, written with If-Match as any client must.
  const url = `${server.baseUrl}/api/v1/projects/shop/flags/checkout-v2/environments/production`;
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const current = await fetch(url, { headers });
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'if-match': current.headers.get('etag')! },
    body: JSON.stringify({
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [
        {
          id: 'gradual',
          conditions: [],
          segments: [],
          rollout: { percent: 25, stickiness: 'userId' },
          serve: { variant: 'on' },
        },
      ],
    }),
  });
  expect(put.status, await put.text()).toBe(200);
}

/** A fresh tab (own sessionStorage) that records console errors, CSP refusals among them. */
async function openPage(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isSignedOutProbe(message)) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/`);
  await page.getByText('Use an API token instead').click();
  await page.getByLabel('Admin API token').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.getByRole('heading', { name: 'Incident search' }).waitFor();
}

describe.skipIf(!hasChromium && !process.env.CI)('web console (Chromium, real server, PostgreSQL)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000 } });
    adminToken = (server.api as unknown as { adminToken: string }).adminToken;
    await seed();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has checks that can fail: axe finds an unlabelled control, a wide page scrolls sideways', async () => {
    const { page } = await openPage(PHONE);
    await page.setContent('<main><h1>t</h1><input type="text"><div style="width:800px">wide</div></main>');
    expect((await seriousViolations(page)).join('\n')).toContain('label');
    expect(await scrollsSideways(page)).toBe(true);
    await page.context().close();
  });

  it('signs in with an admin token (refusing an unknown one), under the CSP without errors', async () => {
    const { page, errors } = await openPage();
    const response = await page.goto(`${server.baseUrl}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByText('Use an API token instead').click();
    await page.getByLabel('Admin API token').fill('sy_admin_not-a-real-token-at-all-0000000000000');
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Unknown or revoked token');

    await page.getByLabel('Admin API token').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The refused sign-in logs its 401 (the browser reports failed requests); nothing else may.
    expect(errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
    await page.context().close();
  });

  it('finds a flag across projects and kills it in three interactions, with the reason audited', async () => {
    const { page, errors } = await openPage();
    await signIn(page);
    // 1: type in the landing page's search box.
    await page.getByLabel('Find a flag in any project').fill('ranking');
    // 2: Kill on the result.
    await page.getByRole('button', { name: 'Kill ranking-model in every environment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kill ranking-model in every environment?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // 3: the reason, confirmed with Enter.
    const reason = 'ranking v7 returns empty results (INC-4711)';
    await dialog.getByLabel('Reason (for the audit log)').fill(reason);
    await dialog.getByLabel('Reason (for the audit log)').press('Enter');

    await expect.poll(() => page.getByText('production: killed').count(), { timeout: 5000 }).toBe(1);
    await page.getByText('Killed', { exact: true }).waitFor();
    const flag = await api<FlagSummary>('GET', '/projects/search/flags/ranking-model');
    expect(flag.environments.map((env) => [env.environment, env.killed])).toEqual([
      ['production', true],
      ['staging', true],
    ]);
    const audit = await api<{ items: { reason: string | null; environment: string | null }[] }>(
      'GET',
      '/audit?flag=ranking-model&action=flag_config.killed',
    );
    expect(audit.items.map((event) => event.reason)).toEqual([reason, reason]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows killed flags at a glance in the list and restores one environment', async () => {
    const { page, errors } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/search/flags`);
    const row = page.getByRole('listitem').filter({ hasText: 'ranking-model' });
    await row.getByText('production: killed').waitFor();
    await row.getByText('Killed', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await row.getByRole('link', { name: 'ranking-model' }).click();
    await page.getByRole('heading', { name: 'In production: killed' }).waitFor();
    await page.getByText('Killed: ranking v7 returns empty results (INC-4711)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Restore configuration from before the kill' }).click();
    await page.getByRole('heading', { name: 'In production: on' }).waitFor();

    const flag = await api<FlagSummary>('GET', '/projects/search/flags/ranking-model');
    expect(flag.environments).toEqual([
      expect.objectContaining({ environment: 'production', enabled: true, killed: false }),
      expect.objectContaining({ environment: 'staging', killed: true }),
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('edits a rollout in percent: presets, and exact values to 0.01 % (percent in the API)', async () => {
    const { page, errors } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/shop/flags/checkout-v2/environments/production`);
    const input = page.getByLabel('Rollout of rule gradual');
    await expect.poll(() => input.inputValue()).toBe('25');

    await page.getByRole('button', { name: 'Set to 10 %' }).click();
    await page.getByRole('button', { name: 'Save rollout' }).click();
    await page.getByText('Rollout of rule gradual to 10 %: saved.').waitFor();
    expect(await rolloutOf('shop', 'checkout-v2', 'production')).toBe(10);

    await input.fill('12.345');
    await page.getByText('Enter 0 to 100, at most two decimals').waitFor();
    expect(await page.getByRole('button', { name: 'Save rollout' }).isDisabled()).toBe(true);
    await input.fill('12.34');
    await page.getByRole('button', { name: 'Save rollout' }).click();
    await page.getByText('Rollout of rule gradual to 12.34 %: saved.').waitFor();
    expect(await rolloutOf('shop', 'checkout-v2', 'production')).toBe(12.34);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('saves with If-Match: on 412 it shows what the other person changed, overwrites nothing, and can re-apply', async () => {
    const { page, errors } = await openPage();
    // Without live updates (the stream would refresh the page before the save): a change that lands
    // between loading and saving, as it can whenever events are late.
    await page.route('**/api/v1/events*', (route) => route.abort());
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/shop/flags/checkout-v2/environments/production`);
    await expect.poll(() => page.getByLabel('Rollout of rule gradual').inputValue()).toBe('12.34');

    // Someone else sets 40 % while this page shows 12.34 %.
    await api('POST', '/projects/shop/flags/checkout-v2/environments/production/rules/gradual/rollout', {
      percent: 40,
    });
    await page.getByRole('button', { name: 'Set to 50 %' }).click();
    await page.getByRole('button', { name: 'Save rollout' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this flag in production' });
    await conflict.getByText('Rollout of rule gradual: 12.34 % → 40 %').waitFor();
    expect(await rolloutOf('shop', 'checkout-v2', 'production')).toBe(40);
    expect(await seriousViolations(page)).toEqual([]);

    await conflict.getByRole('button', { name: 'Apply my change anyway: Rollout of rule gradual to 50 %' }).click();
    await page.getByText('Rollout of rule gradual to 50 %: saved.').waitFor();
    expect(await rolloutOf('shop', 'checkout-v2', 'production')).toBe(50);
    expect(await conflict.count()).toBe(0);
    // The 412 (and the refused event stream) are logged by the browser as failed requests; nothing else may be.
    expect(errors.filter((error) => !/status of 412|ERR_FAILED/.test(error))).toEqual([]);
    await page.context().close();
  });

  it('turns a flag on and kills it in one environment from its page, leaving the others alone', async () => {
    const { page, errors } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/shop/flags/checkout-v2/environments/staging`);
    await page.getByRole('heading', { name: 'In staging: off' }).waitFor();
    await page.getByRole('button', { name: 'Turn on in staging' }).click();
    await page.getByRole('heading', { name: 'In staging: on' }).waitFor();
    expect((await api<Config>('GET', '/projects/shop/flags/checkout-v2/environments/staging')).enabled).toBe(true);

    await page.getByRole('button', { name: 'Kill checkout-v2 in staging' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kill checkout-v2 in staging?' });
    // The reason is required: confirming without one kills nothing.
    await dialog.getByRole('button', { name: 'Confirm kill' }).click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Reason (for the audit log)').fill('staging smoke test failing');
    await dialog.getByRole('button', { name: 'Confirm kill' }).click();
    await page.getByRole('heading', { name: 'In staging: killed' }).waitFor();
    await page.getByRole('link', { name: 'staging: killed' }).waitFor();
    const flag = await api<FlagSummary>('GET', '/projects/shop/flags/checkout-v2');
    expect(flag.environments.map((env) => [env.environment, env.killed])).toEqual([
      ['production', false],
      ['staging', true],
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens and turns on a flag with a mixed-case, dotted key (as imported from Unleash), ~ raw or encoded', async () => {
    const key = 'Checkout.V2~beta';
    await server.api.createFlag('shop', key);
    const { page, errors } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/shop/flags/${key}/environments/staging`);
    await page.getByRole('heading', { name: 'In staging: off' }).waitFor();
    await page.getByRole('button', { name: 'Turn on in staging' }).click();
    await page.getByRole('heading', { name: 'In staging: on' }).waitFor();
    const config = await api<Config>('GET', `/projects/shop/flags/${encodeURIComponent(key)}/environments/staging`);
    expect(config.enabled).toBe(true);
    await page.goto(`${server.baseUrl}/projects/shop/flags/Checkout.V2%7Ebeta/environments/staging`);
    await page.getByRole('heading', { name: 'In staging: on' }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('kills with the keyboard only, from the flag list', async () => {
    const { page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/projects/shop/flags`);
    await page.getByRole('link', { name: 'banner' }).waitFor();
    const tabTo = async (name: string) => {
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(
          () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '',
        );
        if (focused === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo('Kill banner in every environment');
    await page.keyboard.press('Enter');
    await page.keyboard.type('keyboard drill');
    await page.keyboard.press('Enter');
    await page.getByRole('listitem').filter({ hasText: 'banner' }).getByText('staging: killed').waitFor();
    const flag = await api<FlagSummary>('GET', '/projects/shop/flags/banner');
    expect(flag.environments.every((env) => env.killed)).toBe(true);
    await page.context().close();
  });

  it('fits a 390 px phone screen without sideways scrolling, every screen accessible', async () => {
    const { page, errors } = await openPage(PHONE);
    await page.goto(`${server.baseUrl}/`);
    expect(await scrollsSideways(page)).toBe(false);
    await signIn(page);
    for (const [path, ready] of [
      ['/?q=e', 'Flags matching “e”'],
      ['/projects/shop/flags', 'shop: flags'],
      ['/projects/shop/flags/checkout-v2/environments/production', 'Rollout'],
    ] as const) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { name: ready, exact: true }).waitFor();
      // The flag detail loads several sections at once (configuration, release plans, usage): wait for all.
      await loaded(page);
      expect(await scrollsSideways(page), path).toBe(false);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
