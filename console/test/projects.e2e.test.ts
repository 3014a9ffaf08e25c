import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * The projects and environments screens end to end (Chromium, real server, PostgreSQL), checked
 * through the REST API: create a project, its environments (one protected), change protection and
 * its role; an editor of the project sees the same screens without the controls it may not use.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);
const EDITOR = { email: 'eddie@example.com', password: 'a long passphrase' };

interface Environment {
  key: string;
  protected: boolean;
  protectedRole: string;
}

async function signInAsEditor(page: Page, path: string): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('Email', { exact: true }).fill(EDITOR.email);
  await page.getByLabel('Password', { exact: true }).fill(EDITOR.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe.skipIf(!hasChromium && !process.env.CI)('projects and environments in the console (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000, scryptLogN: 12 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a project and its environments, one protected, and changes the protection', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    await loaded(page);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Key').fill('shop');
    await page.getByLabel('Name').fill('Shop');
    await page.getByLabel('Description').fill('The web shop');
    await page.getByRole('button', { name: 'Create project' }).click();

    await page.getByRole('heading', { name: 'Shop: environments' }).waitFor();
    await page.getByText('No environments yet').waitFor();
    await page.getByLabel('Key').fill('production');
    await page.getByLabel('Name').fill('Production');
    await page.getByLabel('Protected (e.g. production)').check();
    await page.getByLabel('Configuration changes need').selectOption('editor');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByText('Environment production created.').waitFor();
    await page.getByLabel('Key').fill('staging');
    await page.getByLabel('Name').fill('Staging');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByText('Environment staging created.').waitFor();
    const list = page.getByRole('list', { name: 'Environments' });
    await list.getByText('(staging)').waitFor();
    expect(await api<Environment[]>('GET', '/projects/shop/environments')).toMatchObject({
      environments: [
        { key: 'production', protected: true, protectedRole: 'editor' },
        { key: 'staging', protected: false },
      ],
    });

    // Raise production's role to admin; protect staging (default role: admin).
    await page.getByLabel('Role needed in production').selectOption('admin');
    await page.getByLabel('Protect staging').check();
    await list.getByText('Protected: configuration changes need admin').nth(1).waitFor();
    const environments = (await api<{ environments: Environment[] }>('GET', '/projects/shop/environments'))
      .environments;
    expect(environments.map((env) => [env.key, env.protected, env.protectedRole])).toEqual([
      ['production', true, 'admin'],
      ['staging', true, 'admin'],
    ]);
    // A duplicate key: the 409, in words.
    await page.getByLabel('Key').fill('staging');
    await page.getByLabel('Name').fill('Again');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors.filter((text) => !/status of 409/.test(text))).toEqual([]);
  });

  it('shows an editor the project and its environments without the controls only admins may use', async () => {
    const user = await api<{ id: string }>('POST', '/users', {
      email: EDITOR.email,
      displayName: 'Eddie Editor',
      password: EDITOR.password,
      instanceRole: null,
    });
    await api('PUT', `/projects/shop/members/${user.id}`, { role: 'editor' });
    const { page, errors } = await openPage(browser);
    await signInAsEditor(page, '/');
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.goto(`${server.baseUrl}/projects`);
    await page.getByRole('list', { name: 'Projects' }).getByText('The web shop').waitFor();
    expect(await page.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Shop: environments' }).waitFor();
    await page.getByText('Only the project’s admins change environments.').waitFor();
    await loaded(page);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create environment' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signIn(page, server.baseUrl, token, '/projects/shop/environments');
    await page.getByRole('list', { name: 'Environments' }).getByText('(staging)').waitFor();
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.baseUrl}/projects`);
    await page.getByRole('list', { name: 'Projects' }).getByText('The web shop').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
