/**
 * The settings view on a config file the daemon may not write (an installed box: /etc/tillbox is
 * root's and read-only to the service), in real Chromium against the app on a real socket with
 * the in-memory WebDeps: the page says so, every field is disabled and there is no Save button.
 * The read-only file system is real: a tmpfs remounted read-only (needs root, like the disk-full tests).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth/password.js';
import { ARTIFACTS, browserAvailable, launchBrowser } from '../support/browser.js';
import { mountTmpfs, tmpfsAvailable, type Tmpfs } from '../support/tmpfs.js';
import { listenOnLoopback, testApp, type TestApp } from './support/app.js';
import { englishIn } from '../support/text-walk.js';

const PASSWORD = 'settings-ro-pw';

describe.runIf(browserAvailable() && tmpfsAvailable())('settings on a read-only config file', () => {
  let fs: Tmpfs;
  let t: TestApp;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    fs = mountTmpfs('1m');
    const file = join(fs.dir, 'tillbox.yaml');
    writeFileSync(file, 'store:\n  name: 好又多\n');
    execFileSync('mount', ['-o', 'remount,ro', fs.dir], { stdio: 'pipe' });
    t = testApp({ passwordHash: await hashPassword(PASSWORD) }, { settings: { file, env: {} } });
    base = await listenOnLoopback(t.app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
    if (fs !== undefined) {
      execFileSync('mount', ['-o', 'remount,rw', fs.dir], { stdio: 'pipe' });
      fs.close();
    }
  });

  it('says the daemon may not write it, and offers no edit', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(`localStorage.setItem('tillbox.lang', 'zh-CN')`);
    const page = await context.newPage();
    await page.goto(`${base}/#settings`);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#settings-body fieldset').first().waitFor();
    expect(await page.locator('[data-not-writable]').innerText()).toContain('没有写入这个文件的权限');
    expect(await page.locator('[data-not-writable]').innerText()).toContain('EROFS');
    expect(await page.locator('#settings-save').isVisible()).toBe(false);
    expect(await page.locator('#settings-bar').isVisible()).toBe(false);
    expect(await page.inputValue('[id="set-store.name"]')).toBe('好又多');
    expect(await page.locator('#settings-body input:not([disabled]), #settings-body select:not([disabled])').count()).toBe(0);
    expect(await englishIn(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-settings-readonly-zh-CN.png') });
    await context.close();
  });
});
