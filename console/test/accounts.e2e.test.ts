import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSetupToken } from '../../server/src/features/users/setup.js';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage } from './support/console.js';

/**
 * People in the console, end to end (Chromium, real server, PostgreSQL): the first owner through
 * `/setup#token=…`, password sign-in (cookie session; CSRF on every write), the SSO button, the
 * users, members and personal-token screens, sign out and sign out everywhere.
 */
let server: ListeningApp;
let browser: Browser;
const OWNER = { email: 'owner@example.com', password: 'a long passphrase', name: 'Olive Owner' };
const SSO_NAME = 'Sign in with Example SSO';

interface User {
  id: string;
  email: string;
  instanceRole: string | null;
  disabled: boolean;
}
const users = async () => (await server.api.request<{ users: User[] }>('GET', '/users')).users;
const userByEmail = async (email: string) => (await users()).find((user) => user.email === email)!;

async function signInWithPassword(page: Page, path = '/'): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function checkScreen(page: Page): Promise<void> {
  await loaded(page);
  expect(await seriousViolations(page)).toEqual([]);
}

describe.skipIf(!hasChromium && !process.env.CI)('people in the console (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({
      config: {
        authFailureLimit: 1_000_000,
        // SSO on (the provider is never contacted here: the test checks the button and where it goes).
        oidc: {
          issuer: 'http://127.0.0.1:9/',
          clientId: 'switchyard',
          clientSecret: undefined,
          redirectUrl: 'http://127.0.0.1:9/api/v1/sign-in/oidc/callback',
          scopes: ['openid'],
          groupsClaim: 'groups',
          roleMap: [],
          allowedEmailDomains: [],
          name: SSO_NAME,
        },
      },
    });
    await server.api.createProject('shop');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates the first owner from the printed /setup#token= link and signs them in', async () => {
    const token = await ensureSetupToken({
      prisma: server.db.prisma,
      notifier: server.app.changes,
      hasher: server.app.passwordHasher,
    });
    const { page, errors } = await openPage(browser, PHONE);
    await page.goto(`${server.baseUrl}/setup#token=${token}`);
    await page.getByRole('heading', { name: 'Create the first owner' }).waitFor();
    await checkScreen(page);
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password (at least 8 characters)').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner and sign in' }).click();
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    // The spent token is gone from the address bar.
    expect(page.url()).not.toContain('token=');
    await page.getByText(OWNER.name).waitFor();
    expect((await userByEmail(OWNER.email)).instanceRole).toBe('owner');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('signs in with email and password (refusing a wrong one); the cookie session survives a reload; offers SSO', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    const sso = page.getByRole('link', { name: SSO_NAME });
    expect(await sso.getAttribute('href')).toBe('/api/v1/sign-in/oidc?returnTo=%2F');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');

    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    expect(errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
    await page.context().close();
  });

  it('users screen: adds a person, changes the instance role, disables and enables them (cookie + CSRF writes)', async () => {
    const { page, errors } = await openPage(browser);
    await signInWithPassword(page);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await checkScreen(page);

    await page.getByLabel('Name', { exact: true }).fill('Ana Responder');
    await page.getByLabel('Email', { exact: true }).fill('ana@example.com');
    await page.getByLabel('Initial password (leave empty for single sign-on only)').fill('ana passphrase');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('Ana Responder (ana@example.com) created.').waitFor();
    const list = page.getByRole('list', { name: 'People' });
    await list.getByText('ana@example.com').waitFor();

    await page.getByLabel('Instance role of ana@example.com').selectOption('admin');
    await expect.poll(async () => (await userByEmail('ana@example.com')).instanceRole).toBe('admin');
    await page.getByLabel('Instance role of ana@example.com').selectOption('');
    await expect.poll(async () => (await userByEmail('ana@example.com')).instanceRole).toBeNull();

    await page.getByRole('button', { name: 'Disable ana@example.com' }).click();
    await page.getByRole('button', { name: 'Enable ana@example.com' }).waitFor();
    expect((await userByEmail('ana@example.com')).disabled).toBe(true);
    await page.getByRole('button', { name: 'Enable ana@example.com' }).click();
    await page.getByRole('button', { name: 'Disable ana@example.com' }).waitFor();
    expect((await userByEmail('ana@example.com')).disabled).toBe(false);
    // The owner cannot disable themselves from here.
    expect(await page.getByRole('button', { name: `Disable ${OWNER.email}` }).isDisabled()).toBe(true);
    await checkScreen(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('members screen: adds a person to a project, changes and removes their role', async () => {
    const { page, errors } = await openPage(browser);
    await signInWithPassword(page, '/projects/shop/flags');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'shop: members' }).waitFor();
    await page.getByText('No members yet.').waitFor();
    await checkScreen(page);
    const ana = await userByEmail('ana@example.com');
    const members = () =>
      server.api.request<{ members: { user: { id: string }; role: string }[] }>('GET', '/projects/shop/members');

    await page.getByLabel('Person').selectOption(ana.id);
    await page.getByLabel('Role', { exact: true }).selectOption('responder');
    await page.getByRole('button', { name: 'Add member' }).click();
    const role = page.getByLabel('Role of ana@example.com in shop');
    await role.waitFor();
    expect((await members()).members).toMatchObject([{ user: { id: ana.id }, role: 'responder' }]);
    await role.selectOption('editor');
    await expect.poll(async () => (await members()).members[0]?.role).toBe('editor');
    await checkScreen(page);
    await page.getByRole('button', { name: 'Remove ana@example.com from shop' }).click();
    await page.getByText('No members yet.').waitFor();
    expect((await members()).members).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('personal tokens: creates one (secret shown once, works as the user), revokes it', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signInWithPassword(page);
    await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    await page.getByText(OWNER.name).click();
    await page.getByRole('link', { name: 'Personal tokens' }).click();
    await page.getByRole('heading', { name: 'Personal tokens' }).waitFor();
    await page.getByText('No personal tokens.').waitFor();
    await checkScreen(page);
    expect(await scrollsSideways(page)).toBe(false);

    await page.getByLabel('Name (where you use it)').fill('laptop CLI');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Personal token', { exact: true }).inputValue();
    expect(secret).toMatch(/^sy_pat_/);
    const me = () => fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await me()).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('Personal token', { exact: true }).count()).toBe(0);
    await checkScreen(page);

    await page.getByRole('button', { name: 'Revoke laptop CLI' }).click();
    await page.getByText('No personal tokens.').waitFor();
    expect((await me()).status).toBe(401);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits a 390 px phone: sign-in, users and members screens, accessible', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await signInWithPassword(page, '/users');
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByText('ana@example.com').waitFor();
    await checkScreen(page);
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByRole('link', { name: 'Members of shop' }).click();
    await page.getByRole('heading', { name: 'shop: members' }).waitFor();
    await checkScreen(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('signs out, and signs out everywhere (another browser of the same person is signed out too)', async () => {
    const first = await openPage(browser, PHONE);
    const second = await openPage(browser);
    for (const { page } of [first, second]) {
      await signInWithPassword(page);
      await page.getByRole('heading', { name: 'Incident search' }).waitFor();
    }
    await first.page.getByText(OWNER.name).click();
    expect(await scrollsSideways(first.page)).toBe(false);
    expect(await seriousViolations(first.page)).toEqual([]);
    await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await first.page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    await second.page.reload();
    await second.page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();

    // Plain sign-out ends this browser's session only.
    await signInWithPassword(second.page);
    // Keyboard only: the account menu opens with Enter, Tab reaches its items.
    await second.page.getByText(OWNER.name).focus();
    await second.page.keyboard.press('Enter');
    await second.page.keyboard.press('Tab'); // Personal tokens
    await second.page.keyboard.press('Tab'); // Sessions
    await second.page.keyboard.press('Tab'); // Sign out
    expect(await second.page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out');
    await second.page.keyboard.press('Enter');
    await second.page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    await second.page.reload();
    await second.page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    await first.page.context().close();
    await second.page.context().close();
  });
});
