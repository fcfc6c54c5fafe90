import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Where each browser test leaves a screenshot of the page it exercised: a temporary folder, or
 * docs/console (committed; the README shows two) when UPDATE_SCREENSHOTS=1, so a test run
 * never leaves the work tree changed.
 */
export const SCREENSHOTS =
  process.env['UPDATE_SCREENSHOTS'] === '1' ? path.resolve(__dirname, '../../docs/console') : path.join(tmpdir(), 'console-screenshots');

/** Debian's chromium (scripts/install-chromium.sh installs it); playwright-core downloads no browser. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: run ./scripts/install-chromium.sh (Debian, as root) or install it yourself');
  }
}

export type Browser = { context: BrowserContext; page: Page; close: () => Promise<void> };

/** A headless Chromium with a fresh profile and no network but what the test serves. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'console-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
