/**
 * The owner's page, second pass (issue 15), in real headless Chromium against the app on a real
 * socket with the in-memory WebDeps: with the printer down the alert names the receipt the
 * customer did not get and its row says "not printed"; paper-out from the printer's status
 * replies is an alert; the Chinese page carries no English text node in any view (proper names,
 * units and ids allowed); at 390×844 there is no sideways scroll outside the receipt text, and the
 * alerts and the member lookup are within the first 1.5 screens. Screenshots: tests/artifacts/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth/password.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { testApp, type TestApp, listenOnLoopback } from './support/app.js';
import { makeReceipt, receiptText } from './support/fake-deps.js';
import { englishIn } from '../support/text-walk.js';

const PASSWORD = 'owner-page-pw';
const run = browserAvailable();

describe.skipIf(!run)('the owner page: alerts, not-printed receipts, Chinese throughout, phone layout', () => {
  let t: TestApp;
  let browser: Browser;
  let base = '';
  const unprinted = makeReceipt({ member: '8800123456', receiptNo: '0001-UNPR1', total: 6800, time: '2026-11-23T11:48:00+08:00' });
  const older = makeReceipt({ member: null, receiptNo: '0001-OLD01', total: 1250, time: '2026-11-21T09:05:00+08:00', payments: [{ method: 'cash', amount: 1250 }] });

  beforeAll(async () => {
    t = testApp({ passwordHash: await hashPassword(PASSWORD) }, { statusPushMs: 300 });
    t.deps.addReceipt(older, receiptText(older));
    for (const over of [{ member: '8800765432' }, { kind: 'refund' as const, total: -580, member: '8800765432' }]) {
      const r = makeReceipt(over);
      t.deps.addReceipt(r, receiptText(r));
    }
    t.deps.addReceipt(unprinted, receiptText(unprinted));
    t.deps.addFailed({ id: 'failed-1', capturedAt: '2026-11-22T18:42:07+08:00', reason: 'no total found', text: '      好又多超市\n光明酸奶   2 x 5.80   11.60\n' });
    t.deps.statusValue = {
      ...t.deps.statusValue,
      links: { pos: { state: 'up' }, printer: { state: 'down', reason: 'ECONNREFUSED 127.0.0.1:9100' } },
      clock: { synced: null, reason: 'no systemd-timesyncd state' },
      dropped: { outboxDropped: 0, outboxExpired: 0, chunksWhilePrinterDown: 3 },
      notPrinted: [{ id: unprinted.id, receiptNo: '0001-UNPR1', time: '2026-11-23T11:48:00+08:00' }],
      printerPaper: { state: 'paper_out', at: '2026-11-23T03:58:00.000Z' },
    };
    base = await listenOnLoopback(t.app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
  });

  async function open(width: number, height: number, lang: 'zh-CN' | 'en'): Promise<Page> {
    const context = await browser.newContext({ locale: lang, viewport: { width, height } });
    await context.addInitScript(`localStorage.setItem('tillbox.lang', '${lang}')`);
    const page = await context.newPage();
    await page.goto(base);
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#dash').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#receipts-body tr').count()).toBe(4);
    await page.locator('#alerts li').first().waitFor();
    await page.locator('#ins-segments tr').first().waitFor();
    return page;
  }

  it('names the receipt that did not print, marks its row, and alerts paper out (zh)', async () => {
    const page = await open(1280, 900, 'zh-CN');
    const alerts = await page.locator('#alerts').innerText();
    expect(alerts).toContain('0001-UNPR1');
    expect(alerts).toContain('11:48');
    expect(alerts).toContain('请在收银机上重打');
    expect(alerts).toContain('缺纸');
    const row = page.locator('#receipts-body tr', { hasText: '0001-UNPR1' });
    expect(await row.getAttribute('class')).toContain('not-printed');
    expect(await row.innerText()).toContain('未打印');
    // The tap's bytes-while-printer-down are not the sync card's dropped baskets.
    expect(await page.locator('#sync-dropped').textContent()).toBe('0');
    // A row from another day says which day.
    expect(await page.locator('#receipts-body tr', { hasText: '0001-OLD01' }).innerText()).toContain('11-21');
    await page.screenshot({ path: join(ARTIFACTS, 'owner-1-desktop-zh.png'), fullPage: true });
    await page.context().close();
  });

  it('has no English text node on the Chinese page, in any view', async () => {
    const page = await open(1280, 900, 'zh-CN');
    const bad = await englishIn(page);
    await page.locator('#receipts-body tr', { hasText: '0001-OLD01' }).click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    bad.push(...(await englishIn(page)).map((b) => `detail: ${b}`));
    await page.click('#detail-close');
    await page.locator('#failed-list button').first().click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    bad.push(...(await englishIn(page)).map((b) => `failed detail: ${b}`));
    await page.click('#detail-close');
    await page.fill('#member-id', '8800765432');
    await page.click('#member-submit');
    await page.locator('#member-result [data-result]').waitFor();
    bad.push(...(await englishIn(page)).map((b) => `member: ${b}`));
    expect(bad).toEqual([]);
    await page.context().close();
  });

  it('reads on a phone: no sideways scroll, alerts and member lookup within 1.5 screens, receipt text scrolls in its block', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const page = await open(390, 844, lang);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      const top = (sel: string) => page.evaluate<number>(`document.querySelector('${sel}').getBoundingClientRect().top + window.scrollY`);
      expect(await top('#alerts')).toBeLessThan(844 * 1.5);
      expect(await top('#member-card')).toBeLessThan(844 * 1.5);
      await page.screenshot({ path: join(ARTIFACTS, `owner-2-phone-${lang}.png`), fullPage: true });
      await page.screenshot({ path: join(ARTIFACTS, `owner-2-phone-first-screen-${lang}.png`) });
      await page.locator('#receipts-body tr', { hasText: '0001-OLD01' }).click();
      await page.locator('#detail').waitFor({ state: 'visible' });
      // The 48-column text is one line per printed line (it scrolls sideways inside its block), and the fields table fits.
      const lines = await page.evaluate<{ text: number; pre: number; dialog: number; fields: number }>(`(() => {
        const pre = document.getElementById('detail-text'); const d = document.getElementById('detail'); const f = document.getElementById('detail-fields');
        return { text: pre.textContent.split('\\n').length, pre: Math.round(pre.scrollHeight / parseFloat(getComputedStyle(pre).lineHeight)), dialog: d.scrollWidth - d.clientWidth, fields: f.scrollWidth - f.clientWidth };
      })()`);
      expect(lines.pre).toBeLessThanOrEqual(lines.text + 1);
      expect(lines.dialog).toBeLessThanOrEqual(0);
      expect(lines.fields).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `owner-3-detail-phone-${lang}.png`) });
      await page.context().close();
    }
  });

  it('says the same in English on the desktop', async () => {
    const page = await open(1280, 900, 'en');
    const alerts = await page.locator('#alerts').innerText();
    expect(alerts).toContain('0001-UNPR1');
    expect(alerts).toMatch(/reprint/i);
    expect(alerts).toMatch(/paper/i);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-4-desktop-en.png'), fullPage: true });
    await page.context().close();
  });
});
