/**
 * Real headless Chromium (Debian's /usr/bin/chromium) through playwright-core. Suites call
 * `browserAvailable()` to skip where it is not installed (outside CI), then `launchBrowser()`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { toolAvailable } from './corpus.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots and other artefacts for a person to look at (git-ignored). */
export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

export function browserAvailable(): boolean {
  return toolAvailable(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
