/**
 * `tillbox demo` as a new user meets it, in real headless Chromium: log in with the printed
 * password, watch a receipt arrive live, switch language (remembered), open the torn receipt
 * among the failed ones. No console errors, no request leaves the box. Screenshots go to
 * tests/artifacts/ for a person to look at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/commands/demo.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { CLI } from '../tap/daemon-process.js';

describe.runIf(browserAvailable())('tillbox demo in Chromium', () => {
  const tmp = tempDir();
  let demo: ChildProcess;
  let out = '';
  let browser: Browser;
  let page: Page;
  let base = '';
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    demo = spawn(process.execPath, [CLI, 'demo', '--data-dir', join(tmp.dir, 'demo'), '--port', String(port), '--interval', '3', '--backfill', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    demo.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    await waitFor(() => out.includes('tillbox demo is running') || undefined, 45_000);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (demo !== undefined && demo.exitCode === null) {
      demo.kill('SIGTERM');
      await new Promise((r) => demo.once('exit', r));
    }
    tmp.cleanup();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });

  it('prints the page address and the owner password', () => {
    expect(out).toContain(`status page  ${base}/`);
    expect(out).toContain(DEMO_PASSWORD);
  });

  it('logs in and shows receipts arriving live without a reload', async () => {
    await page.goto(base);
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('#login-submit');
    await page.locator('#dash').waitFor({ state: 'visible' });
    const rows = page.locator('#receipts-body tr');
    await waitFor(async () => ((await rows.count()) > 0) || undefined, 30_000);
    const printedBefore = (out.match(/^printed /gm) ?? []).length;
    // The till prints one every 3 s: the newest printed receipt number must show up at the top.
    const next = await waitFor(() => (out.match(/^printed (?:sale|refund|torn)\s+(\S+)/gm) ?? []).length > printedBefore && out.match(/^printed (?:sale|refund)\s+(\S+)/gm)?.at(-1)?.split(/\s+/)[2], 30_000);
    await page.locator('#receipts-body tr', { hasText: next }).first().waitFor({ timeout: 20_000 });
    // Today's figures follow the receipt event after a short debounce (and a refund is not a sale
    // receipt), so poll: within a few prints at least one sale has been counted today.
    await expect.poll(() => page.locator('#today-receipts').textContent(), { timeout: 15_000 }).toMatch(/^[1-9]\d*$/);
    await shot('1-dashboard-zh');
  });

  it('switches language and remembers it on reload', async () => {
    const before = await page.evaluate('document.documentElement.lang');
    await page.click('#lang');
    const after = await page.evaluate('document.documentElement.lang');
    expect(new Set([before, after])).toEqual(new Set(['zh-CN', 'en']));
    await page.reload();
    await page.locator('#dash').waitFor({ state: 'visible' });
    expect(await page.evaluate('document.documentElement.lang')).toBe(after);
    await shot(`2-dashboard-${String(after)}`);
  });

  it('lists the torn receipt among the failed ones and opens it with its decoded text', async () => {
    const failed = page.locator('#failed-list button');
    await failed.first().waitFor({ timeout: 20_000 });
    await failed.first().click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    const text = (await page.locator('#detail-text').textContent()) ?? '';
    expect(text).toContain('鲜丰超市');
    expect(text).not.toContain('合计');
    await shot('3-failed-receipt');
    await page.click('#detail-close');
    // The demo tears receipts on purpose and says so, on its output and in the log next to the daemon's warnings.
    expect(out).toContain('torn on purpose');
    const logText = readFileSync(join(tmp.dir, 'demo', 'tillbox.log'), 'utf8');
    const flagged = (logText.match(/flagged for review/g) ?? []).length;
    const notes = (logText.match(/torn receipt on purpose/g) ?? []).length;
    expect(notes).toBeGreaterThanOrEqual(1);
    expect(notes).toBeGreaterThanOrEqual(flagged);
  });

  it('shows the page at phone width in both languages', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(base);
    await phone.fill('#password', DEMO_PASSWORD);
    await phone.click('#login-submit');
    await phone.locator('#dash').waitFor({ state: 'visible' });
    await phone.locator('#receipts-body tr').first().waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, 'demo-4-phone.png'), fullPage: true });
    await phone.click('#lang');
    await phone.screenshot({ path: join(ARTIFACTS, 'demo-5-phone-other-language.png'), fullPage: true });
    await phone.close();
  });

  it('made no request outside the box and logged no console error', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
