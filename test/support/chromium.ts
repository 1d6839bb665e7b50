// Debian's chromium (the project's set-up installs it), driven by playwright-core: headless, no
// sandbox (root), no GPU, and none of the background traffic that would leave 127.0.0.1. Never
// `npx playwright install`: no browser downloads here.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}
