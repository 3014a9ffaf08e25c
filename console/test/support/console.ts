import type { Browser, Page } from 'playwright-core';
import { DESKTOP } from './browser.js';

/** A fresh tab (own sessionStorage) that records console errors, CSP refusals among them. */
export async function openPage(browser: Browser, viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Signs in with the admin token, then opens `path`. */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Admin API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Incident search' }).waitFor();
  if (path !== '/') await page.goto(`${baseUrl}${path}`);
}

/** Waits until no "Loading…" status is left on the page. */
export async function loaded(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
}
