// What every browser test does as a person would: sign up, log in, be authorised and get a meter,
// deposit. Each step goes through the pages, never the API.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Credentials } from './service.ts';

export const waitMs = 240_000;

export interface Actor {
  context: BrowserContext;
  page: Page;
}

export async function actor(browser: Browser, baseUrl: string): Promise<Actor> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB' });
  const page = await context.newPage();
  return { context, page };
}

export async function signUp(
  page: Page,
  username: string,
  name: string,
  kind: 'producer' | 'consumer',
): Promise<number> {
  await page.goto('/login');
  const form = page.getByTestId('signup-form');
  await form.getByTestId('signup-username').fill(username);
  await form.getByTestId('signup-password').fill(`${username}-secret-pw`);
  await form.getByTestId('signup-name').fill(name);
  await form.getByTestId('signup-kind').selectOption(kind);
  await form.getByTestId(kind === 'producer' ? 'signup-green-supply' : 'signup-green-preference').check();
  await form.getByTestId('signup-submit').click();
  await page.getByTestId('account-page').waitFor();
  await expect.poll(() => page.getByTestId('not-authorised').isVisible()).toBe(true);
  return participantOf(page);
}

export async function logIn(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(credentials.username);
  await page.getByTestId('login-password').fill(credentials.password);
  await page.getByTestId('login-submit').click();
}

export async function authoriseAndBindMeter(
  page: Page,
  participantId: number,
  meterNumber: string,
): Promise<void> {
  await page.goto('/operator');
  await page.getByTestId(`authorise-${participantId}`).click();
  await page.getByTestId(`revoke-${participantId}`).waitFor();
  await page.getByTestId('meter-participant').selectOption(String(participantId));
  await page.getByTestId('meter-number').fill(meterNumber);
  await page.getByTestId('meter-submit').click();
  await expect
    .poll(() => page.getByTestId('meter-result').textContent(), { timeout: waitMs })
    .toContain(meterNumber);
}

export async function deposit(page: Page, amount: string, reference: string): Promise<void> {
  await page.goto('/me');
  await page.getByTestId('deposit-amount').fill(amount);
  await page.getByTestId('deposit-reference').fill(reference);
  await page.getByTestId('deposit-submit').click();
  await page.getByTestId('deposit-result').waitFor({ timeout: waitMs });
}

/** The id the server gave, read the way the page reads it (the same session cookie). */
export async function participantOf(page: Page): Promise<number> {
  const session = (await (await page.request.get('/api/session')).json()) as {
    user: { participantId: number };
  };
  return session.user.participantId;
}
