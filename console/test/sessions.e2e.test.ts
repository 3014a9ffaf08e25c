import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../server/test/propagation/support/listening-app.js';
import { PHONE, hasChromium, launchBrowser, scrollsSideways, seriousViolations } from './support/browser.js';
import { loaded, openPage, signIn } from './support/console.js';

/**
 * Sessions in the console, end to end (Chromium, real server, PostgreSQL): a person signed in in
 * two browsers sees both (this one marked) and signs the other out; signs out everywhere; an
 * admin signs a person out everywhere from the users screen.
 */
let server: ListeningApp;
let browser: Browser;
let token: string;
const PERSON = { email: 'sam@example.com', password: 'a long passphrase' };

async function signInAsPerson(page: Page, path = '/'): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await page.getByLabel('Password', { exact: true }).fill(PERSON.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Whether the page, reloaded, asks to sign in (its session has ended). */
async function signedOut(page: Page): Promise<boolean> {
  await page.reload();
  await page
    .getByRole('button', { name: 'Sign in', exact: true })
    .or(page.getByRole('navigation', { name: 'Main' }))
    .waitFor();
  return (await page.getByRole('button', { name: 'Sign in', exact: true }).count()) === 1;
}

const activeSessions = async () => {
  const users = await server.api.request<{ users: { id: string; email: string }[] }>('GET', '/users');
  const id = users.users.find((user) => user.email === PERSON.email)!.id;
  return (await server.api.request<{ sessions: unknown[] }>('GET', `/users/${id}/sessions`)).sessions.length;
};

describe.skipIf(!hasChromium && !process.env.CI)('sessions in the console (Chromium)', () => {
  beforeAll(async () => {
    server = await startListeningApp({ config: { authFailureLimit: 1_000_000, scryptLogN: 12 } });
    token = (server.api as unknown as { adminToken: string }).adminToken;
    await server.api.request('POST', '/users', {
      email: PERSON.email,
      displayName: 'Sam',
      password: PERSON.password,
      instanceRole: null,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists my sessions with this browser marked, and signs the other browser out', async () => {
    const laptop = await openPage(browser);
    const phone = await openPage(browser, PHONE);
    await signInAsPerson(phone.page);
    await signInAsPerson(laptop.page);
    await laptop.page
      .getByRole('button', { name: /^Account:/ })
      .or(laptop.page.getByText('Sam', { exact: true }))
      .first()
      .click();
    await laptop.page.getByRole('link', { name: 'Sessions' }).click();
    await laptop.page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await loaded(laptop.page);
    const list = laptop.page.getByRole('list', { name: 'Sessions' });
    expect(await list.getByRole('listitem').count()).toBe(2);
    const current = list.getByRole('listitem').filter({ hasText: 'This browser' });
    expect(await current.count()).toBe(1);
    expect(
      await current.getByRole('button', { name: /^Sign out here \(Chrome on Linux, signed in/ }).textContent(),
    ).toBe('Sign out here');
    expect(await seriousViolations(laptop.page)).toEqual([]);

    const other = list.getByRole('listitem').filter({ hasNotText: 'This browser' });
    await other.getByRole('button', { name: /^Sign out / }).click();
    await list.getByRole('listitem').nth(1).waitFor({ state: 'detached' });
    expect(await activeSessions()).toBe(1);
    expect(await signedOut(phone.page)).toBe(true);
    expect(await signedOut(laptop.page)).toBe(false);
    expect(laptop.errors).toEqual([]);
  });

  it('signs out everywhere from the sessions screen', async () => {
    const second = await openPage(browser);
    await signInAsPerson(second.page);
    const { page } = await openPage(browser);
    await signInAsPerson(page, '/account/sessions');
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await page.getByRole('button', { name: 'Sign out everywhere' }).last().click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await activeSessions()).toBe(0);
    expect(await signedOut(second.page)).toBe(true);
  });

  it('lets an admin sign a person out everywhere from the users screen', async () => {
    const person = await openPage(browser);
    await signInAsPerson(person.page);
    expect(await activeSessions()).toBe(1);
    const { page, errors } = await openPage(browser);
    await signIn(page, server.baseUrl, token, '/users');
    // Where the person is signed in, as the admin sees it: one browser, by password.
    const show = page.getByRole('button', { name: `Sessions of ${PERSON.email}` });
    await show.click();
    expect(await show.getAttribute('aria-expanded')).toBe('true');
    const list = page.getByRole('list', { name: `Sessions of ${PERSON.email}` });
    await list.getByRole('listitem').first().waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    expect(await list.getByRole('listitem').first().textContent()).toMatch(
      /Chrome on Linux: signed in .* with password/,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: `Sign out everywhere: ${PERSON.email}` }).click();
    await page.getByText(`${PERSON.email}: 1 session ended.`).waitFor();
    await page.getByText('Not signed in anywhere.').waitFor();
    expect(await activeSessions()).toBe(0);
    expect(await signedOut(person.page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone', async () => {
    const { page, errors } = await openPage(browser, PHONE);
    await signInAsPerson(page, '/account/sessions');
    await page.getByRole('list', { name: 'Sessions' }).getByText('This browser').waitFor();
    await loaded(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
