import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** docs/connect with UPDATE_SCREENSHOTS=1 (to refresh the committed ones), else a temporary folder. */
export const SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? path.resolve(__dirname, '../../docs/connect') : mkdtempSync(path.join(tmpdir(), 'connect-screenshots-'));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in on the demo server's login page when it asks (a browser already signed in skips it). */
export async function signInIfAsked(page: Page, user: { username: string; password: string }, shot?: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  if ((await page.getByRole('heading', { name: 'Sign in' }).count()) === 0) return;
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Authorize access' }).waitFor();
}

/**
 * Opens a connect link, signs in and answers the consent page; the provider's redirect back to
 * apollo's callback is held (not delivered) and returned, so a test can deliver it as is or
 * tampered with. The browser's cookies for apollo come with it (the session's binding cookie).
 * Redirects are not routed by Playwright, so the provider's answers are fetched and passed on,
 * and the one that points at the callback is kept instead.
 */
export async function consentAndHoldCallback(
  context: BrowserContext,
  page: Page,
  connectUrl: string,
  providerOrigin: string,
  user: { username: string; password: string },
  answer: 'Allow' | 'Deny' = 'Allow',
): Promise<{ callbackUrl: URL; cookie: string }> {
  let held: string | undefined;
  const fromProvider = (url: URL) => url.origin === providerOrigin;
  await page.route(fromProvider, async (route) => {
    const request = route.request();
    // the context's request client shares the browser's cookies (and stores the ones set)
    let response = await context.request.fetch(request.url(), { method: request.method(), headers: request.headers(), ...(request.postDataBuffer() ? { data: request.postDataBuffer() as Buffer } : {}), maxRedirects: 0 });
    for (let hops = 0; hops < 10; hops += 1) {
      const location = response.headers()['location'];
      if (!location || response.status() < 300 || response.status() >= 400) break;
      const next = new URL(location, request.url());
      if (next.pathname === '/connect/callback') {
        held = next.toString();
        await route.abort();
        return;
      }
      if (!fromProvider(next)) break;
      response = await context.request.get(next.toString(), { maxRedirects: 0 });
    }
    await route.fulfill({ response });
  });
  try {
    await page.goto(connectUrl);
    await signInIfAsked(page, user);
    await page.getByRole('button', { name: answer }).click();
    for (let i = 0; i < 200 && held === undefined; i += 1) await page.waitForTimeout(50);
  } finally {
    await page.unroute(fromProvider);
  }
  if (!held) throw new Error('the provider never redirected to the callback');
  const callbackUrl = new URL(held);
  const cookies = await context.cookies(callbackUrl.toString());
  return { callbackUrl, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** Delivers a (possibly tampered) callback the way a browser would, without following the redirect. */
export async function deliver(url: URL | string, cookie: string): Promise<{ status: number; location: string | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}
