/**
 * The owner's consent card in real headless Chromium against the app on a real socket and a real
 * ledger: hidden before login; after login it counts zero reach for members who never consented,
 * records a sign-up at the till (the address comes back masked and leaves the form), and the
 * count follows. No request to any origin but the box.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { notificationsWebDeps } from '../../src/daemon/notify-web-deps.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { tempLedger } from '../ledger/helpers.js';
import { fakeDeps } from '../web/support/fake-deps.js';
import { listenOnLoopback, testApp } from '../web/support/app.js';
import { shoppers } from './support.js';

describe.skipIf(!browserAvailable())('consent card in headless Chromium', () => {
  let browser: Browser | undefined;
  const env = tempLedger();
  afterAll(async () => {
    await browser?.close();
    env.cleanup();
  });

  it('signs a member up at the till and shows what will go out', async () => {
    shoppers(env.ledger, ['8800000001', '8800000002']);
    const outbox = createOutbox(env.ledger, [{ name: 'email', deliver: async () => undefined }, { name: 'webhook', deliver: async () => undefined }]);
    const now = Date.parse('2026-11-21T04:00:00Z');
    const t = testApp({ passwordHash: await hashPassword('owner-pw-consent') }, {}, { ...fakeDeps(), notifications: notificationsWebDeps(env.ledger, outbox, 1, () => now) });
    const base = await listenOnLoopback(t.app);
    browser = await launchBrowser();
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } })).newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(base);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#consent-card').isHidden()).toBe(true);
    await page.fill('#password', 'owner-pw-consent');
    await page.click('#login-submit');
    await page.locator('#consent-card').waitFor({ state: 'visible' });
    const figure = (ch: string, f: string) => page.locator(`#consent-card tr[data-channel="${ch}"] td[data-figure="${f}"]`).textContent();
    expect(await figure('email', 'reach')).toBe('0');
    expect(await figure('email', 'tomorrow')).toBe('0'); // two members' bread is due tomorrow, but nobody consented

    await page.fill('#consent-member', '8800000002');
    await page.fill('#consent-email', 'ben@example.cn');
    await page.click('#consent-submit');
    await expect.poll(() => page.locator('#consent-result [data-result="consent"]').textContent()).toContain('b***@e***.cn');
    expect(await page.locator('#consent-email').inputValue()).toBe('');
    expect(await figure('email', 'reach')).toBe('1');
    expect(await figure('email', 'tomorrow')).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'notify-consent-card.png'), fullPage: true });
    expect(await page.locator('#consent-card').textContent()).not.toContain('ben@example.cn');

    await page.click('#consent-withdraw');
    await expect.poll(() => page.locator('#consent-result [data-result="message"]').textContent()).toContain('已撤回');
    expect(await figure('email', 'reach')).toBe('0');
    expect(requests.every((u) => u.startsWith(base))).toBe(true);
    expect(problems).toEqual([]);
    await t.app.close();
  });
});
