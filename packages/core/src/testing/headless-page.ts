import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive (installed by `.ci/run`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether the browser tests can run here. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** A page in headless Chromium that records console errors and every non-local request. */
export interface HeadlessPage {
  // playwright-core is an optional peer of the testing module; its types stay on the caller's side.
  readonly page: import('playwright-core').Page;
  /** Console errors and uncaught page errors, in order. */
  readonly errors: string[];
  /** Requests to anything but `file:` and `data:` URLs (a self-contained page makes none). */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Opens a page in Debian's headless Chromium through playwright-core, with the flags this
 * machine needs (no sandbox as root, no GPU, no background networking on a closed network).
 */
export async function openHeadlessPage(viewport: { width: number; height: number }): Promise<HeadlessPage> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  return { page, errors, requests, close: () => browser.close() };
}
