import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * The projects and environments screens end to end (Chromium, real server, PostgreSQL), checked
 * through the REST API: create a project, its environments (one protected), change protection and
 * its role; rename a project and an environment, delete an empty environment, and delete a project
 * with flags (refused, then forced after typing its key); an editor, a responder and a viewer of
 * the project see the same screens without the controls they may not use.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const api = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);
const EDITOR = { email: 'eddie@example.com', password: 'a long passphrase' };
const RESPONDER = { email: 'rosa@example.com', password: 'a long passphrase' };
const VIEWER = { email: 'vic@example.com', password: 'a long passphrase' };

interface Environment {
  key: string;
  protected: boolean;
  protectedRole: string;
}

async function signInAs(page: Page, user: { email: string; password: string }, path: string): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The rename and delete buttons on the page (their accessible names start with the verb). */
const renameOrDelete = (page: Page) => page.getByRole('button', { name: /^(Rename|Edit|Delete) / });

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
    await page.getByLabel('Name', { exact: true }).fill('Shop');
    await page.getByLabel('Description').fill('The web shop');
    await page.getByRole('button', { name: 'Create project' }).click();

    await page.getByRole('heading', { name: 'Shop: environments' }).waitFor();
    await page.getByText('No environments yet').waitFor();
    await page.getByLabel('Key').fill('production');
    await page.getByLabel('Name', { exact: true }).fill('Production');
    await page.getByLabel('Protected (e.g. production)').check();
    await page.getByLabel('Configuration changes need').selectOption('editor');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByText('Environment production created.').waitFor();
    await page.getByLabel('Key').fill('staging');
    await page.getByLabel('Name', { exact: true }).fill('Staging');
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
    await page.getByLabel('Name', { exact: true }).fill('Again');
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
    await signInAs(page, EDITOR, '/');
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.goto(`${server.baseUrl}/projects`);
    await page.getByRole('list', { name: 'Projects' }).getByText('The web shop').waitFor();
    expect(await page.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    expect(await renameOrDelete(page).count()).toBe(0);
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Shop: environments' }).waitFor();
    await page.getByText('Only the project’s admins change environments.').waitFor();
    await loaded(page);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create environment' }).count()).toBe(0);
    expect(await renameOrDelete(page).count()).toBe(0);
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

  it('renames a project and an environment and deletes an empty environment', async () => {
    await api('POST', '/projects', { key: 'garden', name: 'Garden', description: 'Plants' });
    await api('POST', '/projects/garden/environments', { key: 'dev', name: 'Dev' });
    await api('POST', '/projects/garden/environments', { key: 'prod', name: 'Prod', protected: true });
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/projects');
    await page.getByRole('list', { name: 'Projects' }).getByText('(garden)', { exact: true }).waitFor();
    await loaded(page);

    // Edit the project from the keyboard: the dialog opens with the current name and description,
    // Enter in the name saves both.
    await page.getByRole('button', { name: 'Edit project garden' }).click();
    const rename = page.getByRole('dialog', { name: 'Edit project garden' });
    await rename.getByLabel('Name', { exact: true }).waitFor();
    expect(await rename.getByLabel('Name', { exact: true }).inputValue()).toBe('Garden');
    expect(await rename.getByLabel('Description', { exact: true }).inputValue()).toBe('Plants');
    expect(await seriousViolations(page)).toEqual([]);
    await rename.getByLabel('Description', { exact: true }).fill('Seeds, tools and plants');
    await rename.getByLabel('Name', { exact: true }).fill('Garden centre');
    await rename.getByLabel('Name', { exact: true }).press('Enter');
    await page.getByRole('list', { name: 'Projects' }).getByText('Garden centre').waitFor();
    await page.getByRole('list', { name: 'Projects' }).getByText('Seeds, tools and plants').waitFor();
    expect(await rename.isVisible()).toBe(false);
    expect(await api('GET', '/projects/garden')).toMatchObject({
      key: 'garden',
      name: 'Garden centre',
      description: 'Seeds, tools and plants',
    });

    // A blank name is refused by the server (400), in the error style, and the dialog stays open.
    await page.getByRole('button', { name: 'Edit project garden' }).click();
    await rename.getByLabel('Name', { exact: true }).fill('   ');
    await rename.getByRole('button', { name: 'Save', exact: true }).click();
    await rename.getByRole('alert').waitFor();
    expect(await rename.isVisible()).toBe(true);
    await rename.getByRole('button', { name: 'Cancel' }).click();
    expect(await api('GET', '/projects/garden')).toMatchObject({ name: 'Garden centre' });

    await page.goto(`${server.baseUrl}/projects/garden/environments`);
    const list = page.getByRole('list', { name: 'Environments' });
    await list.getByText('(dev)', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rename environment dev' }).click();
    const renameEnv = page.getByRole('dialog', { name: 'Rename environment dev' });
    await renameEnv.getByLabel('Name', { exact: true }).fill('Development');
    await renameEnv.getByRole('button', { name: 'Save name' }).click();
    await list.getByText('Development').waitFor();
    expect(await api('GET', '/projects/garden/environments/dev')).toMatchObject({ key: 'dev', name: 'Development' });

    // The project has no flags: the environment goes after one confirmation.
    await page.getByRole('button', { name: 'Delete environment dev' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete environment dev?' });
    await remove.getByText('goes with every flag’s configuration in it').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Cancel first: nothing is deleted.
    await remove.getByRole('button', { name: 'Cancel' }).click();
    await remove.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete environment dev' }).click();
    await remove.getByRole('button', { name: 'Confirm delete' }).click();
    await list.getByText('(dev)', { exact: true }).waitFor({ state: 'detached' });
    const environments = (await api<{ environments: Environment[] }>('GET', '/projects/garden/environments'))
      .environments;
    expect(environments.map((env) => env.key)).toEqual(['prod']);
    // A protected environment's dialog says what protection does and does not guard.
    await page.getByRole('button', { name: 'Delete environment prod' }).click();
    await page
      .getByRole('dialog', { name: 'Delete environment prod?' })
      .getByText('protection guards configuration changes, not deletion')
      .waitFor();
    await page.keyboard.press('Escape');
    expect(errors.filter((text) => !/status of 400/.test(text))).toEqual([]);
  });

  it('refuses to delete an environment and a project with flags, then deletes each once its key is typed', async () => {
    await api('POST', '/projects/garden/flags', { key: 'watering', name: 'Watering', type: 'boolean' });
    const { page, errors } = await openPage(browser);
    // An environment of a project with flags: the same refusal, then forced after typing its key.
    await signIn(page, server.baseUrl, token, '/projects/garden/environments');
    await page.getByRole('button', { name: 'Delete environment prod' }).click();
    const envDialog = page.getByRole('dialog', { name: 'Delete environment prod?' });
    await envDialog.getByRole('button', { name: 'Confirm delete' }).click();
    await envDialog
      .getByRole('alert')
      .filter({ hasText: "Environment 'prod' holds the configuration of 1 flag(s)" })
      .waitFor();
    await envDialog.getByLabel('To delete it with everything in it, type prod').fill('prod');
    await envDialog.getByRole('button', { name: 'Delete everything' }).click();
    await page.getByText('No environments yet').waitFor();
    expect(await api('GET', '/projects/garden/environments')).toEqual({ environments: [] });

    await page.goto(`${server.baseUrl}/projects`);
    await page.getByRole('list', { name: 'Projects' }).getByText('(garden)', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete project garden' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project garden?' });
    await dialog.getByText('goes with its environments, flags, segments and tokens').waitFor();
    await dialog.getByRole('button', { name: 'Confirm delete' }).click();
    // The server's 409, in its words; the forced delete waits for the key.
    await dialog.getByRole('alert').filter({ hasText: "Project 'garden' still has 1 flag(s)" }).waitFor();
    const force = dialog.getByRole('button', { name: 'Delete everything' });
    const typed = dialog.getByLabel('To delete it with everything in it, type garden');
    expect(await force.isDisabled()).toBe(true);
    await typed.fill('garde');
    expect(await force.isDisabled()).toBe(true);
    await typed.press('Enter');
    expect(await dialog.isVisible()).toBe(true);
    expect(await api('GET', '/projects/garden')).toMatchObject({ key: 'garden' });
    expect(await seriousViolations(page)).toEqual([]);
    await typed.fill('garden');
    expect(await force.isDisabled()).toBe(false);
    await typed.press('Enter');
    await page
      .getByRole('list', { name: 'Projects' })
      .getByText('(garden)', { exact: true })
      .waitFor({ state: 'detached' });
    await expect(api('GET', '/projects/garden')).rejects.toThrow(/→ 404/);
    await expect(api('GET', '/projects/shop')).resolves.toMatchObject({ key: 'shop' });
    expect(errors.filter((text) => !/status of 409/.test(text))).toEqual([]);
  });

  it('shows a responder and a viewer no rename or delete controls', async () => {
    for (const [user, role, name] of [
      [RESPONDER, 'responder', 'Rosa Responder'],
      [VIEWER, 'viewer', 'Vic Viewer'],
    ] as const) {
      const created = await api<{ id: string }>('POST', '/users', {
        email: user.email,
        displayName: name,
        password: user.password,
        instanceRole: null,
      });
      await api('PUT', `/projects/shop/members/${created.id}`, { role });
      const { page, errors } = await openPage(browser);
      await signInAs(page, user, '/');
      await page.getByRole('heading', { name: 'Incident search' }).waitFor();
      await page.goto(`${server.baseUrl}/projects`);
      await page.getByRole('list', { name: 'Projects' }).getByText('(shop)').waitFor();
      await loaded(page);
      expect(await renameOrDelete(page).count()).toBe(0);
      await page.goto(`${server.baseUrl}/projects/shop/environments`);
      await page.getByRole('list', { name: 'Environments' }).getByText('(staging)').waitFor();
      await loaded(page);
      expect(await renameOrDelete(page).count()).toBe(0);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
