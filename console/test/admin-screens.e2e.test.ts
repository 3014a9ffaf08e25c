import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * The rules editor, the variants editor, the audit log and the tokens screen end to end (Chromium,
 * real server, PostgreSQL), checked through the REST API. Fixtures: project `shop` (production,
 * staging; segment `staff`; flags `checkout` with a rule `gradual` in production, `banner`,
 * json flag `limits`).
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);
const CHECKOUT = '/projects/shop/flags/checkout/environments/production';

interface Config {
  enabled: boolean;
  rules: { id: string; description?: string; conditions: unknown[]; segments: string[]; serve: unknown }[];
  prerequisites: { flagKey: string; variants: string[] }[];
}

async function seed(): Promise<void> {
  await server.api.createProject('shop');
  for (const environment of ['production', 'staging']) await server.api.createEnvironment('shop', environment);
  await api('POST', '/projects/shop/segments', { key: 'staff', name: 'Staff', conditions: [] });
  for (const flag of ['checkout', 'banner']) await server.api.createFlag('shop', flag);
  await api('POST', '/projects/shop/flags', {
    key: 'limits',
    name: 'Limits',
    type: 'json',
    variants: [{ key: 'default', value: { limit: 10 } }],
  });
  // A rule, written as any client must: with If-Match.
  const url = `${server.baseUrl}/api/v1${CHECKOUT}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const current = await fetch(url, { headers });
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'if-match': current.headers.get('etag')! },
    body: JSON.stringify({
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [{ id: 'gradual', conditions: [], segments: [], serve: { variant: 'on' } }],
      prerequisites: [],
    }),
  });
  expect(put.status, await put.text()).toBe(200);
}

const condition = (page: Page, n: number, rule: string) =>
  page.getByRole('group', { name: `Condition ${n} of rule 2 (${rule})` });

describe.skipIf(!hasChromium && !process.env.CI)('rules, variants, audit and tokens screens (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await seed();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('adds a rule with typed, validated conditions, a segment and a prerequisite; reviews the diff; saves with If-Match', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CHECKOUT);
    await page.getByRole('button', { name: 'Edit rules in production' }).click();
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByRole('region', { name: 'Rule 2' });
    await rule.getByLabel('Rule id').fill('eu-beta');

    await condition(page, 1, 'eu-beta').getByLabel('Attribute').fill('country');
    await condition(page, 1, 'eu-beta').getByLabel('Values').fill('DE\nFR');
    // Semver, checked with core's schema as the user types.
    await rule.getByRole('button', { name: 'Add a condition to rule 2 (eu-beta)' }).click();
    await condition(page, 2, 'eu-beta').getByLabel('Attribute').fill('appVersion');
    await condition(page, 2, 'eu-beta').getByLabel('Operator').selectOption('semver_gte');
    await condition(page, 2, 'eu-beta').getByLabel('Values').fill('1.2');
    await condition(page, 2, 'eu-beta').getByText('strict semver 2.0').waitFor();
    await condition(page, 2, 'eu-beta').getByLabel('Values').fill('1.2.0');
    await condition(page, 2, 'eu-beta').getByText('Versions, one per line').waitFor();
    // A regex outside the portable syntax, then a valid one.
    await rule.getByRole('button', { name: 'Add a condition to rule 2 (eu-beta)' }).click();
    await condition(page, 3, 'eu-beta').getByLabel('Attribute').fill('email');
    await condition(page, 3, 'eu-beta').getByLabel('Operator').selectOption('regex');
    await condition(page, 3, 'eu-beta').getByLabel('Values').fill('(a');
    await condition(page, 3, 'eu-beta').getByText('not a valid regular expression').waitFor();
    await condition(page, 3, 'eu-beta').getByLabel('Values').fill('@example\\.com$');
    await condition(page, 3, 'eu-beta').getByLabel('Ignore case').check();
    await rule.getByLabel('Staff').check();
    await page.getByRole('button', { name: 'Add a prerequisite' }).click();
    await page.getByLabel('Prerequisite 1: flag').selectOption('banner');
    await page.getByRole('group', { name: 'Serving one of' }).getByLabel('on').check();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Review changes' }).click();
    const review = page.getByRole('region', { name: 'Review before saving' });
    await review.getByText('production: rule 2 (eu-beta) added').waitFor();
    await review.getByText('production: prerequisite banner (on) added').waitFor();
    expect(await review.getByRole('listitem').count()).toBe(2);
    await review.getByRole('button', { name: 'Save changes in production' }).click();
    await page.getByText('Rules in production: saved').waitFor();

    const config = await api<Config>('GET', CHECKOUT);
    expect(config.rules.map((r) => r.id)).toEqual(['gradual', 'eu-beta']);
    expect(config.rules[1]).toEqual({
      id: 'eu-beta',
      conditions: [
        { attribute: 'country', operator: 'in', values: ['DE', 'FR'] },
        { attribute: 'appVersion', operator: 'semver_gte', values: ['1.2.0'] },
        { attribute: 'email', operator: 'regex', values: ['@example\\.com$'], caseInsensitive: true },
      ],
      segments: ['staff'],
      serve: { variant: 'on' },
    });
    expect(config.prerequisites).toEqual([{ flagKey: 'banner', variants: ['on'] }]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on 412 shows what the other person changed and re-applies the edit on top, keeping their change', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, CHECKOUT);
    await page.getByRole('button', { name: 'Edit rules in production' }).click();
    await page.getByRole('region', { name: 'Rule 2' }).getByLabel('Description').fill('EU beta testers');
    // Meanwhile, someone turns the flag off in production.
    await api('POST', `${CHECKOUT}/off`, {});
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByText('production: rule 2 (eu-beta): description changed').waitFor();
    await page.getByRole('button', { name: 'Save changes in production' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed the rules in production' });
    await conflict.getByText('production: turned off').waitFor();
    expect((await api<Config>('GET', CHECKOUT)).rules[1]!.description).toBeUndefined();
    expect(await seriousViolations(page)).toEqual([]);
    await conflict.getByRole('button', { name: 'Re-apply my edit on top of theirs' }).click();
    await page.getByText('Rules in production: saved').waitFor();
    const config = await api<Config>('GET', CHECKOUT);
    expect(config.enabled).toBe(false);
    expect(config.rules[1]!.description).toBe('EU beta testers');
    expect(errors.filter((error) => !/status of 412/.test(error))).toEqual([]);
    await page.context().close();
  });

  it('edits a json flag’s variant payload as JSON, refusing invalid JSON', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects/shop/flags/limits/environments/production');
    await page.getByRole('button', { name: 'Edit variants' }).click();
    const value = page.getByRole('group', { name: 'Variant 1' }).getByLabel('Value (JSON)');
    await value.fill('{ "limit": 20');
    await page.getByText('the value is not valid JSON').waitFor();
    await value.fill('{ "limit": 20, "burst": [1, 2] }');
    await page.getByRole('button', { name: 'Save variants' }).click();
    await page.getByText('Variants saved.').waitFor();
    const flag = await api<{ variants: unknown[] }>('GET', '/projects/shop/flags/limits');
    expect(flag.variants).toEqual([{ key: 'default', value: { limit: 20, burst: [1, 2] } }]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the audit log filtered by flag and environment, with before/after diffs', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/audit');
    await page.getByLabel('Flag key').fill('checkout');
    await page.getByLabel('Environment key').fill('production');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toContain('flag=checkout&environment=production');
    await loaded(page);
    const expected = await api<{ items: { action: string }[] }>('GET', '/audit?flag=checkout&environment=production');
    const events = page.getByRole('list', { name: 'Events, newest first' }).getByRole('listitem');
    await expect.poll(() => events.count()).toBe(expected.items.length);
    expect(expected.items.map((item) => item.action)).toContain('flag_config.disabled');
    // The other person's "off": its diff shows enabled true → false.
    const off = events.filter({ hasText: 'flag_config.disabled' });
    await off.getByText('Before / after').click();
    const row = off.getByRole('row', { name: /^enabled/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(['true', 'false']);
    // The rules change that added eu-beta (updates, newest first: the re-applied edit, this one, the seed):
    // the added rule's id appears on the after side only.
    const updated = events.filter({ hasText: 'flag_config.updated' }).nth(1);
    await updated.getByText('Before / after').click();
    expect(
      await updated
        .getByRole('row', { name: /^rules\[1\]\.id/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['—', '"eu-beta"']);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('creates a token (secret shown once, copyable), lists and revokes it', async () => {
    const { page, errors } = await openPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    await signIn(page, server.baseUrl, token, '/tokens');
    await page.getByLabel('Name (who or what uses it)').fill('checkout-service');
    await page.getByLabel('Kind').selectOption('server');
    await page.getByLabel('Project').selectOption('shop');
    await page.getByLabel('Environment').selectOption('production');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Token', { exact: true }).inputValue();
    expect(secret).toMatch(/^sy_server_/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('Token', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    const list = page.getByRole('list', { name: 'Tokens' });
    await list.getByText('checkout-service', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Revoke checkout-service' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke checkout-service?' })
      .getByRole('button', { name: 'Confirm revoke' })
      .click();
    await list.getByText('checkout-service', { exact: true }).waitFor({ state: 'detached' });
    const tokens = await api<{ tokens: { name: string; revokedAt: string | null }[] }>(
      'GET',
      '/tokens?includeRevoked=true',
    );
    expect(tokens.tokens.find((t) => t.name === 'checkout-service')?.revokedAt).not.toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits a 390 px phone on the audit, tokens and rules screens, accessible', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token);
    for (const [path, ready] of [
      ['/audit?flag=checkout', 'Audit log'],
      ['/tokens', 'API tokens'],
      [CHECKOUT, 'Rules and prerequisites'],
    ] as const) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { name: ready, exact: true }).waitFor();
      await loaded(page);
      if (path === CHECKOUT) await page.getByRole('button', { name: 'Edit rules in production' }).click();
      if (path.startsWith('/audit')) await page.getByText('Before / after').first().click();
      expect(await scrollsSideways(page), path).toBe(false);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
