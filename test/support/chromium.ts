// Debian's chromium (the project's set-up installs it), driven by playwright-core: headless, no
// sandbox (root), no GPU, and none of the background traffic that would leave 127.0.0.1. Never
// `npx playwright install`: no browser downloads here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectPath } from '../../lib/project-root.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Where the browser tests save their screenshots. */
export const SCREENSHOTS = process.env.CAMLET_SCREENSHOTS ?? projectPath('dist', 'screenshots');

/** Page width beyond the viewport (evaluated in the page): a layout that fits has none. */
export const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

/**
 * A browser for a test file, with what its pages did: every URL they asked for (none may leave
 * 127.0.0.1) and every error they raised.
 */
export class BrowserSession {
  readonly requested: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<BrowserSession> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    return new BrowserSession(await launchChromium());
  }

  async openPage(width = 1280, height = 760): Promise<Page> {
    const page = await this.browser.newPage({ viewport: { width, height } });
    page.on('request', (request) => this.requested.push(request.url()));
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    return page;
  }

  /** The URLs asked of anyone but `base`; blob: and data: URLs are the page's own. */
  requestedElsewhere(base: string): string[] {
    return this.requested.filter((url) => !url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:'));
  }

  screenshot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: join(SCREENSHOTS, name) });
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}
