/**
 * The footer card on the status page, in real headless Chromium against the app on a real socket
 * (WebDeps: the in-memory stand-in from support/, as in browser.test.ts), and the same figures
 * on /metrics.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_BUCKETS_MS } from '../../src/daemon/messages.js';
import { hashPassword } from '../../src/web/auth/password.js';
import type { FooterStats } from '../../src/web/deps.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import { testApp, type TestApp, listenOnLoopback } from './support/app.js';

const PASSWORD = 'footer-card-owner-pw';
const run = browserAvailable();

const STATS: FooterStats = {
  mode: 'on', printed: 41, skipped: { late: 2, 'not-a-sale': 7, unsure: 1 }, couponsIssued: 3, dryRun: 0,
  hold: { boundsMs: HOLD_BUCKETS_MS, counts: [10, 20, 8, 1, 0, 0, 0, 1, 2, 0, 0], count: 42, sumMs: 126 },
  recent: [{ at: '2026-11-23T10:00:00Z', mode: 'printed', text: '本月已消费 ¥356.20（12 次）\n[QR] https://crm.example/r/store-001/AbCd' }],
};

describe.skipIf(!run)('footer card', () => {
  let t: TestApp;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    t = testApp({ passwordHash: await hashPassword(PASSWORD) });
    t.deps.footers = () => STATS;
    base = await listenOnLoopback(t.app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
  });

  it('shows printed, skipped, coupons and mean hold time; /metrics has the histogram', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#footer-card').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#ft-printed').textContent()).toBe('41');
    expect(await page.locator('#ft-skipped').textContent()).toBe('late 2, not-a-sale 7, unsure 1');
    expect(await page.locator('#ft-coupons').textContent()).toBe('3');
    expect(await page.locator('#ft-hold').textContent()).toBe('3.0 ms');
    expect(await page.locator('#ft-last').textContent()).toContain('本月已消费');
    expect(errors).toEqual([]);
    const auth = { authorization: `Basic ${Buffer.from(`owner:${PASSWORD}`).toString('base64')}` };
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toContain('tillbox_footers_printed_total 41\n');
    expect(metrics).toContain('tillbox_footers_skipped_total{reason="not-a-sale"} 7\n');
    expect(metrics).toContain('tillbox_footer_hold_ms_bucket{le="2"} 30\n');
    expect(metrics).toContain('tillbox_footer_hold_ms_bucket{le="+Inf"} 42\n');
    expect(metrics).toContain('tillbox_footer_hold_ms_count 42\n');
  }, 60_000);
});
