import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * The segments screens end to end (Chromium, real server, PostgreSQL), checked through the REST
 * API: list, create with typed conditions validated by core's schema as they are typed, edit,
 * delete refused (409) while a rule uses the segment with the rules named, then deleted.
 * Fixtures: project `shop` (production), flag `checkout` whose rule `staff-only` uses segment `staff`.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);

interface Segment {
  key: string;
  name: string;
  conditions: unknown[];
  version: number;
}

const condition = (page: Page, n: number) => page.getByRole('group', { name: `Condition ${n}`, exact: true });

describe.skipIf(!hasChromium && !process.env.CI)('segments in the console (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await server.api.createProject('shop');
    await server.api.createEnvironment('shop', 'production');
    await api('POST', '/projects/shop/segments', { key: 'staff', name: 'Staff', conditions: [] });
    await server.api.createFlag('shop', 'checkout');
    const url = `${server.baseUrl}/api/v1/projects/shop/flags/checkout/environments/production`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const current = await fetch(url, { headers });
    const put = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'if-match': current.headers.get('etag')! },
      body: JSON.stringify({
        enabled: true,
        offVariant: 'off',
        defaultServe: { variant: 'off' },
        rules: [{ id: 'staff-only', conditions: [], segments: ['staff'], serve: { variant: 'on' } }],
        prerequisites: [],
      }),
    });
    expect(put.status, await put.text()).toBe(200);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a segment whose conditions are checked as they are typed, then edits it', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags');
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('heading', { name: 'shop: segments' }).waitFor();
    await page.getByRole('list', { name: 'Segments' }).getByText('staff', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByText('New segment').click();
    await page.getByLabel('Key').fill('beta-testers');
    await page.getByLabel('Name').fill('Beta testers');
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await condition(page, 1).getByLabel('Attribute').fill('appVersion');
    await condition(page, 1).getByLabel('Operator').selectOption('semver_gte');
    await condition(page, 1).getByLabel('Values').fill('2.1');
    await condition(page, 1).getByText('strict semver 2.0').waitFor();
    await condition(page, 1).getByLabel('Values').fill('2.1.0');
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await condition(page, 2).getByLabel('Attribute').fill('ip');
    await condition(page, 2).getByLabel('Operator').selectOption('cidr');
    await condition(page, 2).getByLabel('Values').fill('10.0.0.0/33');
    // Saving with an invalid condition is refused in the browser, with the reason.
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('alert').filter({ hasText: 'Condition 2:' }).first().waitFor();
    await condition(page, 2).getByLabel('Values').fill('10.0.0.0/8');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create segment' }).click();

    await page.getByRole('heading', { name: 'Segment beta-testers' }).waitFor();
    expect(page.url()).toMatch(/\/projects\/shop\/segments\/beta-testers$/);
    const created = await api<Segment>('GET', '/projects/shop/segments/beta-testers');
    expect(created.conditions).toEqual([
      { attribute: 'appVersion', operator: 'semver_gte', values: ['2.1.0'] },
      { attribute: 'ip', operator: 'cidr', values: ['10.0.0.0/8'] },
    ]);

    await page.getByLabel('Name').fill('Beta testers (EU)');
    await condition(page, 2).getByRole('button', { name: 'Remove condition 2' }).click();
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Segment beta-testers saved (version 2).').waitFor();
    const edited = await api<Segment>('GET', '/projects/shop/segments/beta-testers');
    expect(edited).toMatchObject({ name: 'Beta testers (EU)', version: 2 });
    expect(edited.conditions).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses to delete a segment a rule uses, naming the rule; deletes an unused one', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/segments/staff');
    await loaded(page);
    await page
      .getByRole('list', { name: 'Rules using this segment' })
      .getByText('in production, rule staff-only')
      .waitFor();
    await page.getByRole('button', { name: 'Delete segment staff' }).click();
    await page.getByRole('dialog', { name: 'Delete segment staff?' }).getByRole('button', { name: 'Delete' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'still used by 1 rule' });
    await refusal.waitFor();
    await refusal.getByRole('link', { name: 'checkout' }).waitFor();
    expect((await api<Segment[]>('GET', '/projects/shop/segments')) as unknown).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ key: 'staff' })]),
    });
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${server.baseUrl}/projects/shop/segments/beta-testers`);
    await page.getByRole('button', { name: 'Delete segment beta-testers' }).click();
    await page
      .getByRole('dialog', { name: 'Delete segment beta-testers?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('heading', { name: 'shop: segments' }).waitFor();
    await loaded(page);
    expect(await page.getByRole('list', { name: 'Segments' }).getByText('beta-testers').count()).toBe(0);
    const left = await api<{ items: Segment[] }>('GET', '/projects/shop/segments');
    expect(left.items.map((segment) => segment.key)).toEqual(['staff']);
    expect(errors.filter((text) => !/status of 409/.test(text))).toEqual([]);
  });

  it('fits a 390 px phone', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token, '/projects/shop/segments/staff');
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.baseUrl}/projects/shop/segments`);
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
