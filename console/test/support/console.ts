import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { DESKTOP } from './browser.js';

/**
 * Whether a console message is the signed-out probe: on load the console asks `GET /me` whether the
 * cookie (HttpOnly, invisible to scripts) is a session; a visitor without one gets the 401 that
 * Chromium logs. Expected, so not an error of the page.
 */
export function isSignedOutProbe(message: ConsoleMessage): boolean {
  return /status of 401/.test(message.text()) && message.location().url.endsWith('/api/v1/me');
}

/** A fresh tab (own sessionStorage) that records console errors, CSP refusals among them. */
export async function openPage(browser: Browser, viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isSignedOutProbe(message)) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Signs in with the admin token (the secondary sign-in option), then opens `path`. */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByText('Use an API token instead').click();
  await page.getByLabel('Admin API token').fill(token);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.getByRole('heading', { name: 'Incident search' }).waitFor();
  if (path !== '/') await page.goto(`${baseUrl}${path}`);
}

/** Waits until no "Loading…" status is left on the page (a screen may load several sections at once). */
export async function loaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => ![...document.querySelectorAll('[role="status"]')].some((node) => node.textContent?.includes('Loading')),
  );
}
