/**
 * The shopper page as a shopper meets it, in real headless Chromium at phone size (390×844):
 * scan → e-receipt in zh, switch to en, sign up by e-mail (refused without the consent box),
 * the box (played by the test on the real broker) confirms, the page says so, and the own month
 * opens. No request leaves the server, no console errors. Screenshots: tests/artifacts/ho-*.png.
 * A real web-push subscription cannot exist here: headless Chromium has no push service (the
 * service worker registers, subscribe() rejects, and the page says so); the subscription's path
 * to the box is covered over HTTP with a well-formed subscription in shopper-page.test.ts.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO } from '../support/mosquitto.js';
import { waitFor } from '../support/tmp.js';
import { basketOf, BOX, pgAvailable, PSEUDONYM_KEY, receipt, startRig, STORE, VAPID, type Rig } from './fixtures/rig.js';

const enabled = browserAvailable() && toolAvailable(MOSQUITTO) && (await pgAvailable());
const MEMBER = '13912345678';
const PSEUDONYM = pseudonymFor(MEMBER, PSEUDONYM_KEY, 1);

describe.skipIf(!enabled)('head-office shopper page in Chromium at 390×844', () => {
  let rig: Rig;
  let browser: Browser;
  let page: Page;
  let token = '';
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/webpush`, JSON.stringify({ schema: 1, publicKey: VAPID }), { qos: 1, retain: true });
    await waitFor(async () => (await rig.pool.query('SELECT 1 FROM tillbox_box_webpush')).rowCount === 1);
    await rig.publishBasket(basketOf(receipt(MEMBER, '2026-11-02T10:20:00+08:00', [{ name: '猪肉 500g', amount: 2450 }, { name: '上海青', amount: 390 }])));
    await rig.publishBasket(basketOf(receipt(MEMBER, '2026-11-18T17:05:00+08:00', [{ name: '鲜牛奶 1L', qty: 2, amount: 2380 }, { name: '洗洁精', amount: 1590 }])));
    token = await rig.publishBasket(
      basketOf(receipt(MEMBER, '2026-11-24T19:12:00+08:00', [{ name: '光明酸奶 200g', qty: 2, amount: 1160 }, { name: '全麦吐司', amount: 1290 }, { name: '香蕉 1kg', qty: 1.25, amount: 748 }, { name: '可乐 330ml', qty: 6, amount: 1800 }])),
    );
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `ho-${name}.png`), fullPage: true });

  it('the QR code opens the e-receipt in Chinese, and the switch shows it in English', async () => {
    await page.goto(`${rig.base}/r/${STORE}/${token}`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    expect(await page.locator('#total').textContent()).toBe('¥49.98');
    await expect.poll(() => page.locator('.items li').count()).toBe(4);
    expect(await page.locator('#receipt').textContent()).toContain('光明酸奶 200g');
    // Phone first: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // The box published its VAPID key and Chromium has the Push API: the option is offered (not ticked).
    expect(await page.locator('#push').isVisible()).toBe(true);
    expect(await page.locator('#push').isChecked()).toBe(false);
    await shot('1-receipt-zh');
    await page.click('#lang-switch');
    await page.waitForURL(/lang=en/);
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.locator('#receipt h1').textContent()).toBe('E-receipt');
    expect(await page.content()).not.toContain(PSEUDONYM.slice(3));
    await shot('2-receipt-en');
  });

  it('refuses a sign-up without the consent box, then signs up; the box confirms and the page says so', async () => {
    await page.fill('#email', 'li.na@example.org');
    await page.check('input[name="kinds"][value="expiry"]');
    await page.check('input[name="kinds"][value="monthly"]');
    await page.click('#submit');
    await expect.poll(() => page.locator('#status').textContent()).toContain('Please tick the consent box');
    await page.check('#consent');
    await page.click('#submit');
    await expect.poll(() => page.locator('#status').textContent()).toContain('waiting for the store');
    const topic = `tillbox/${STORE}/${BOX}/config/consent`;
    const sent = await waitFor(() => rig.box.messages.find((m) => m.topic === topic));
    expect(rig.box.messages.filter((m) => m.topic.endsWith('/config/consent'))).toHaveLength(1);
    const msg = JSON.parse(sent.payload) as { id: string; member: string; channels: { email: { address: string; kinds: string[] } } };
    expect(msg.member).toBe(PSEUDONYM);
    expect(msg.channels.email).toEqual({ address: 'li.na@example.org', kinds: ['expiry', 'monthly'] });
    await shot('3-signup-pending');
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/response/consent`, JSON.stringify({ id: msg.id, ok: true }), { qos: 1 });
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 15_000 }).toContain('Confirmed by the store');
    expect(await page.locator('#status').getAttribute('class')).toContain('state-confirmed');
    await shot('4-signup-confirmed');
  });

  it('the own month: spend, receipts, how the money went, what expires soon', async () => {
    await page.click('#my-month');
    await page.waitForURL(/\/me/);
    expect(await page.locator('#spend').textContent()).toBe('¥118.08');
    expect(await page.locator('#receipt-count').textContent()).toBe('3 receipts');
    expect(await page.locator('#categories li').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#expiring').textContent()).toContain('全麦吐司');
    const width = await page.locator('#categories .barline').first().evaluate((el) => (el as unknown as { style: { width: string } }).style.width);
    expect(width).toMatch(/^\d+%$/);
    expect(await page.content()).not.toContain(PSEUDONYM.slice(3));
    await shot('5-month-en');
    await page.click('#lang-switch');
    await page.waitForURL(/lang=zh/);
    expect(await page.locator('#month h1').textContent()).toBe('我的 2026 年 11 月');
    await shot('6-month-zh');
  });

  it('web push: the service worker registers at the root; where the browser cannot subscribe, the page says so and sends nothing', async () => {
    // Headless Chromium runs like incognito, where Chrome has no Push API service (crbug 41124656):
    // subscribe() rejects, which is the path a shopper on such a browser meets.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['notifications'], { origin: rig.base });
    const p = await context.newPage();
    p.on('request', (r) => requests.push(r.url()));
    const before = rig.box.messages.length;
    await p.goto(`${rig.base}/r/${STORE}/${token}?lang=en`);
    await p.check('#push');
    await p.check('input[name="kinds"][value="expiry"]');
    await p.check('#consent');
    await p.click('#submit');
    await expect.poll(() => p.locator('#status').textContent(), { timeout: 20_000 }).toContain('Notifications were not allowed, or are not supported here');
    expect(await p.evaluate('navigator.serviceWorker.getRegistration().then((r) => (r ? r.scope : null))')).toBe(`${rig.base}/`);
    expect(await p.locator('#submit').isEnabled()).toBe(true);
    await p.screenshot({ path: join(ARTIFACTS, 'ho-8-push-unavailable.png'), fullPage: true });
    await context.close();
    expect(rig.box.messages.slice(before).filter((m) => m.topic.endsWith('/config/consent'))).toEqual([]);
  });

  it('an unknown token is a friendly 404 page', async () => {
    const res = await page.goto(`${rig.base}/r/${STORE}/AAAAAAAAAAAAAAAA?lang=zh`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#not-found h1').textContent()).toBe('没有找到这张小票');
    await shot('7-not-found');
  });

  it('made no request outside the server and logged no console error', () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((u) => !u.startsWith(rig.base))).toEqual([]);
    // Chromium reports the refused sign-up (400) and the 404 page as "Failed to load resource"; those are intended.
    expect(consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of (400|404)/.test(e))).toEqual([]);
  });
});
