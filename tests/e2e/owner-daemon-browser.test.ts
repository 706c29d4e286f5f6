/**
 * The owner's page through the real daemon (issue 15): `tillbox run` from dist/ on two socat pty
 * pairs (till ↔ box, box ↔ printer), real journal and ledger files, its own analytics child
 * serving the page, and headless Chromium. The printer answers the till's DLE EOT 4 with "paper
 * out", then its port goes away while the till prints: the alert names the receipt the customer
 * did not get and its row is marked. Then the other views: a settings edit with a bad value is
 * refused at its key and the file is untouched, a good one is written with a backup and its
 * comment kept; the log view filters by level and shows the tap's lines too; a failed (torn)
 * receipt is marked checked and its downloaded capture equals the journal's bytes for it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEMO_PRODUCTS, localWallClock, renderReceipt } from '../../src/demo/receipts.js';
import { waitForListener } from '../../src/demo/till.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess } from '../tap/daemon-process.js';
import { englishIn } from '../support/text-walk.js';

const run = browserAvailable() && toolAvailable(SOCAT);
const PASSWORD = 'owner-daemon-pw';
const MEMBER = '8800123456';

function receipt(receiptNo: string, kind: 'sale' | 'torn' = 'sale'): Buffer {
  const [yoghurt, bread] = [DEMO_PRODUCTS[0], DEMO_PRODUCTS[2]];
  if (yoghurt === undefined || bread === undefined) throw new Error('demo products missing');
  const r = renderReceipt({ receiptNo, localTime: localWallClock(new Date(), 'Asia/Shanghai'), member: MEMBER, kind: 'sale', lines: [{ product: yoghurt, qty: 2, amount: 1160 }, { product: bread, qty: 1, amount: 1250 }] });
  // Torn: the paper ran out before the totals (like the demo's), so it parses to no items and no total.
  const lines = kind === 'torn' ? r.lines.slice(0, 7) : r.lines;
  return encodeReceiptText(lines, { encoding: 'gb18030' });
}

describe.runIf(run)('the owner page through the real daemon (ptys, journal, ledger, Chromium)', () => {
  const tmp = tempDir();
  const data = join(tmp.dir, 'data');
  const configFile = join(tmp.dir, 'tillbox.yaml');
  let posPair: PtyPair;
  let printerPair: PtyPair;
  let daemon: DaemonProcess;
  let browser: Browser;
  let base = '';
  let configText = '';
  const tornBytes = receipt('TORN-0007', 'torn');
  let session: Awaited<ReturnType<import('playwright-core').BrowserContext['cookies']>>[number] | null = null;

  beforeAll(async () => {
    posPair = await PtyPair.create(join(tmp.dir, 'till'), join(tmp.dir, 'pos-box'));
    printerPair = await PtyPair.create(join(tmp.dir, 'printer-box'), join(tmp.dir, 'printer'));
    const webPort = await freePort();
    base = `http://127.0.0.1:${webPort}`;
    const config = {
      store: { id: 'store-page', name: '', timezone: 'Asia/Shanghai', currency: 'CNY' },
      pos: { path: posPair.b },
      printer: { path: printerPair.a },
      decoder: { idleGapMs: 800 },
      dataDir: data,
      web: { host: '127.0.0.1', port: webPort, adminPasswordHash: await hashPassword(PASSWORD) },
      log: { level: 'info' },
    };
    configText = `# The shop's own note: keep this line\n${stringify(config)}`;
    writeFileSync(configFile, configText);
    daemon = DaemonProcess.run(configFile);
    await daemon.waitMsg('tap ready', 20_000);
    await waitForListener('127.0.0.1', webPort, 30_000);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await posPair?.kill();
    await printerPair?.kill();
    tmp.cleanup();
  });

  async function open(lang: 'zh-CN' | 'en', width = 1280, height = 900, hash = ''): Promise<Page> {
    const context = await browser.newContext({ locale: lang, viewport: { width, height }, acceptDownloads: true });
    await context.addInitScript(`localStorage.setItem('tillbox.lang', '${lang}')`);
    // One login for the whole suite: the box allows five attempts a minute per address, and a
    // successful login is an attempt too. Later pages reuse that session's cookie.
    if (session !== null) await context.addCookies([session]);
    const page = await context.newPage();
    await page.goto(`${base}/${hash}`);
    if (session === null) {
      await page.fill('#password', PASSWORD);
      await page.click('#login-submit');
    }
    await page.locator('#nav').waitFor({ state: 'visible' });
    session ??= (await context.cookies()).find((c) => c.name === 'tillbox_session') ?? null;
    return page;
  }

  it('alerts paper out from the printer\'s reply, and names the receipt printed while the printer port was down', async () => {
    const till = await openEnd(posPair.a);
    const printer = await openEnd(printerPair.b);
    const got = collect(printer);
    try {
      // The till asks for the roll-paper status; the printer answers "paper end" (bits 5-6).
      till.write(Buffer.from([0x10, 0x04, 0x04]));
      await waitFor(() => got.bytes().includes(Buffer.from([0x10, 0x04, 0x04])) || undefined, 5000);
      printer.write(Buffer.from([0x72]));
      const ok = receipt('OK-0001');
      till.write(ok);
      await waitFor(() => got.bytes().length >= 3 + ok.length || undefined, 10_000);
      till.write(tornBytes);
      await waitFor(() => got.bytes().length >= 3 + ok.length + tornBytes.length || undefined, 10_000);
      await new Promise((r) => setTimeout(r, 1500)); // past decoder.idleGapMs: the jobs are separate documents
      await closeEnd(printer);
      await printerPair.kill(); // the printer's port is gone: the tap journals what the till sends, undelivered
      await daemon.waitMsg('port lost; the other side stays open, reopening with back-off', 10_000);
      till.write(receipt('UNPR-0042'));
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await closeEnd(till);
    }

    const page = await open('zh-CN');
    await expect.poll(() => page.locator('#alerts').innerText(), { timeout: 30_000 }).toContain('UNPR-0042');
    const alerts = await page.locator('#alerts').innerText();
    expect(alerts).toContain('请在收银机上重打');
    expect(alerts).toContain('缺纸');
    // The receipts printed before the port went down are not named (their journal range ends before the undelivered run).
    expect(alerts).not.toContain('TORN-0007');
    expect(alerts).not.toContain('OK-0001');
    const row = page.locator('#receipts-body tr', { hasText: 'UNPR-0042' });
    await expect.poll(async () => (await row.getAttribute('class')) ?? '', { timeout: 15_000 }).toContain('not-printed');
    expect(await row.innerText()).toContain('未打印');
    // The receipt that printed is not marked.
    expect(await page.locator('#receipts-body tr', { hasText: 'OK-0001' }).getAttribute('class')).not.toContain('not-printed');
    await page.screenshot({ path: join(ARTIFACTS, 'owner-daemon-printer-down-zh.png'), fullPage: true });
    await page.context().close();
  });

  it('refuses a bad settings value at its key without touching the file', async () => {
    const page = await open('zh-CN', 1280, 900, '#settings');
    await page.locator('#settings-body [data-setting="web.sessionHours"]').waitFor();
    await page.fill('[id="set-web.sessionHours"]', '0');
    await page.fill('[id="set-store.timezone"]', 'Mars/Olympus');
    await page.fill('[id="set-tap.reopenMinMs"]', '1500');
    await page.click('#settings-save');
    const error = page.locator('[data-error="web.sessionHours"]');
    await error.waitFor();
    expect(await error.innerText()).toBe('不能小于 1');
    // The start-up checks beyond the schema, at their keys, in Chinese too.
    expect(await page.locator('[data-error="store.timezone"]').innerText()).toBe('不是有效的时区名称');
    expect(await page.locator('[data-error="tap.reopenMinMs"]').innerText()).toBe('不能大于 tap.reopenMaxMs');
    expect(await page.locator('.setting.invalid').count()).toBe(3);
    // The owner's value stays in the field to be corrected.
    expect(await page.inputValue('[id="set-web.sessionHours"]')).toBe('0');
    expect(await page.locator('#settings-msg').innerText()).toContain('未保存');
    expect(readFileSync(configFile, 'utf8')).toBe(configText);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.bak-'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-daemon-settings-error-zh.png'), fullPage: false });
    await page.context().close();
  });

  it('writes a good one, keeps a backup and the comment, applies log.level live and says what needs a restart', async () => {
    const page = await open('en', 1280, 900, '#settings');
    await page.locator('#settings-body [data-setting="store.name"]').waitFor();
    // Secrets are never sent to the page: the owner hash shows as set, with no value.
    expect(await page.inputValue('[id="set-web.adminPasswordHash"]')).toBe('');
    expect(await page.getAttribute('[id="set-web.adminPasswordHash"]', 'placeholder')).toContain('set');
    await page.fill('[id="set-store.name"]', '好又多 人民路店');
    await page.selectOption('[id="set-log.level"]', 'debug');
    const before = daemon.logs.length;
    await page.click('#settings-save');
    await expect.poll(() => page.locator('#settings-msg').innerText()).toContain('Saved');
    const msg = await page.locator('#settings-msg').innerText();
    expect(msg).toContain('store.name');
    expect(msg).toMatch(/In effect now: log\.level/);
    const text = readFileSync(configFile, 'utf8');
    expect(text).toContain("# The shop's own note: keep this line");
    expect(text).toMatch(/name: "?好又多 人民路店"?\n/);
    expect(text).toMatch(/level: debug/);
    const backups = readdirSync(tmp.dir).filter((f) => f.startsWith('tillbox.yaml.bak-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, backups[0] ?? ''), 'utf8')).toBe(configText);
    // Live: the analytics child now logs at debug (its per-request lines).
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const level = (await (await fetch(`${base}/api/log-level`, { headers: { cookie } })).json()) as { level: string };
    expect(level.level).toBe('debug');
    await daemon.waitLog((l) => l.msg === 'request' && l.level === 20, 10_000);
    // And the tap too (told over IPC): its debug lines (the printer port's reopen attempts) start.
    await waitFor(() => daemon.logs.slice(before).some((l) => l.level === 20 && l['process'] === undefined) || undefined, 10_000);
    expect(daemon.logs.slice(0, before).some((l) => l.level === 20 && l['process'] === undefined)).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-daemon-settings-saved-en.png'), fullPage: false });
    await page.context().close();
  });

  it('shows the log with a level filter, the tap\'s lines among them, member ids masked', async () => {
    const page = await open('en', 1280, 900, '#logs');
    await page.locator('#logs-out pre').waitFor();
    const all = await page.locator('#logs-out pre').innerText();
    expect(all).toContain('tap ready'); // the tap process's line, sent to the child with its stats
    expect(all).toContain('INFO');
    await page.selectOption('#logs-filter', 'warn');
    await expect.poll(async () => page.locator('#logs-out [data-level="info"]').count()).toBe(0);
    const levels = await page.locator('#logs-out [data-level]').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((l) => l === 'warn' || l === 'error' || l === 'fatal')).toBe(true);
    expect(await page.locator('#logs-out').innerText()).toContain('owner changed the config file from the page');
    expect(await page.locator('#logs-view').innerText()).not.toContain(MEMBER);
    // The switch: back to info, live.
    await page.selectOption('#log-level', 'info');
    await page.click('#log-level-apply');
    await expect.poll(() => page.locator('#log-level-now').innerText()).toContain('info');
    await page.selectOption('#logs-filter', '');
    await expect.poll(() => page.locator('#logs-out pre').innerText()).toContain('owner switched the log level');
    // Every pino record is read into a line (one logged with a clashing `level` key stayed raw JSON).
    expect((await page.locator('#logs-out pre').innerText()).split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-daemon-logs-en.png'), fullPage: false });
    await page.context().close();
  });

  it('marks the torn receipt checked and downloads its capture, byte for byte the journal\'s', async () => {
    const page = await open('zh-CN');
    const item = page.locator('#failed-list li', { hasText: '缺纸' }).first();
    await item.waitFor({ timeout: 20_000 });
    const id = (await item.getAttribute('data-id')) ?? '';
    await item.locator('button').click();
    await page.locator('#detail-actions').waitFor({ state: 'visible' });
    await page.click('#act-checked');
    await expect.poll(async () => (await page.locator(`#failed-list li[data-id="${id}"]`).getAttribute('class')) ?? '').toContain('checked');
    expect(JSON.parse(readFileSync(join(data, 'failed-checked.json'), 'utf8'))).toEqual({ checked: [id] });

    const download = page.waitForEvent('download');
    await page.click('#act-download');
    const file = await (await download).path();
    const got = readFileSync(file);

    const ledger = new Database(join(data, 'ledger.db'), { readonly: true });
    const journal = new Database(join(data, 'journal.db'), { readonly: true });
    try {
      const range = ledger.prepare('SELECT journal_from AS f, journal_to AS t FROM receipts WHERE id = ?').get(id) as { f: number; t: number };
      const rows = journal.prepare(`SELECT bytes FROM chunks WHERE seq BETWEEN ? AND ? AND dir = 'pos>printer' ORDER BY seq`).all(range.f, range.t) as { bytes: Buffer }[];
      expect(got.equals(Buffer.concat(rows.map((r) => r.bytes)))).toBe(true);
    } finally {
      ledger.close();
      journal.close();
    }
    expect(got.includes(tornBytes)).toBe(true);
    // Its own bytes only: not the next receipt's, which the till sent after it.
    expect(got.includes(Buffer.from('UNPR-0042'))).toBe(false);

    // Parse again with a profile the box has: a preview in the dialog, nothing filed.
    const profiles = await page.locator('#act-profile option').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    expect(profiles).toEqual(expect.arrayContaining(['auto', 'none']));
    expect(profiles.length).toBeGreaterThan(2); // the shipped profiles
    await page.selectOption('#act-profile', 'none');
    await page.click('#act-reparse');
    await expect.poll(() => page.locator('#reparse-note').innerText()).toContain('不用规则');
    expect(await page.locator('#detail-fields').innerText()).toContain('既没有商品也没有合计');
    const receiptsAfter = new Database(join(data, 'ledger.db'), { readonly: true });
    try {
      expect(receiptsAfter.prepare('SELECT count(*) FROM receipts').pluck().get()).toBe(3);
    } finally {
      receiptsAfter.close();
    }

    // Raw bytes: hex and decoded, in the dialog.
    await page.click('#act-raw');
    await page.locator('#detail-raw').waitFor({ state: 'visible' });
    expect(await page.locator('#raw-hex').innerText()).toMatch(/^00000000 {2}1b 40/);
    expect(await page.locator('#raw-decoded').innerText()).toContain('鲜丰超市');
    await page.screenshot({ path: join(ARTIFACTS, 'owner-daemon-failed-detail-zh.png'), fullPage: false });
    expect(existsSync(join(data, 'failed-checked.json'))).toBe(true);
    await page.context().close();
  });

  it('has no English on the Chinese page in any view, fits a phone, and leaves a screenshot of each', async () => {
    const bad: string[] = [];
    for (const [width, height, size] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const page = await open(lang, width, height);
        // The dashboard and the settings form whole; the dialog and the log view as the screen shows them.
        const shot = (view: string) => page.screenshot({ path: join(ARTIFACTS, `owner-${view}-${size}-${lang}.png`), fullPage: view === 'dashboard' || view === 'settings' });
        const check = async (view: string) => {
          if (lang === 'zh-CN') bad.push(...(await englishIn(page)).map((b) => `${size} ${view}: ${b}`));
          if (size === 'phone') expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), `${view} scrolls sideways`).toBeLessThanOrEqual(0);
        };
        await page.locator('#receipts-body tr').first().waitFor();
        await page.locator('#failed-list li').first().waitFor();
        await check('dashboard');
        await shot('dashboard');
        await page.locator('#failed-list li button').first().click();
        await page.locator('#detail-actions').waitFor({ state: 'visible' });
        await page.click('#act-raw');
        await page.locator('#detail-raw').waitFor({ state: 'visible' });
        await check('failed detail');
        await shot('failed-detail');
        await page.click('#detail-close');
        await page.click('#nav a[data-view="settings"]');
        await page.locator('#settings-body fieldset').first().waitFor();
        await check('settings');
        await shot('settings');
        await page.screenshot({ path: join(ARTIFACTS, `owner-settings-top-${size}-${lang}.png`) });
        await page.click('#nav a[data-view="logs"]');
        await page.locator('#logs-out pre').waitFor();
        await check('logs');
        await shot('logs');
        await page.context().close();
      }
    }
    expect(bad).toEqual([]);
  });
});
