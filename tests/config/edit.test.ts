/**
 * The settings view's file side (src/config/edit.ts) on real files in a temp dir: a bad value is
 * refused at its key and the file is untouched; a good one is written with a backup, comments
 * kept; backups are pruned to BACKUPS_KEPT; secrets never come back; unknown and read-only keys
 * are refused; env overrides are named.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUPS_KEPT, readSettings, saveSettings, type SaveResult } from '../../src/config/edit.js';
import type { ConfigProblem } from '../../src/config/load.js';

const problemsOf = (r: SaveResult): ConfigProblem[] => ('problems' in r ? r.problems : []);
import { LIVE_KEYS, settingFields } from '../../src/config/fields.js';
import { tempDir } from '../support/tmp.js';
import { mountTmpfs, tmpfsAvailable } from '../support/tmpfs.js';
import { execFileSync } from 'node:child_process';

const HASH = 'scrypt$16384$8$1$9yNxId0f6OBlUwL2rOKsiQ==$CQlpg/EtOB6srV1w8QNb5OCLGrs84uC/QsePcW3hMB4=';

describe('settings file edits', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const file = (text: string) => {
    const f = join(tmp.dir, `t-${Math.random().toString(36).slice(2)}`, 'tillbox.yaml');
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(f, text);
    return f;
  };
  const base = `# shop note\nstore:\n  id: store-9 # inline note\n  name: ""\ndataDir: ${tmp.dir}\nweb:\n  adminPasswordHash: ${HASH}\nmqtt:\n  url: mqtt://127.0.0.1:1883\n  password: s3cret-broker\n`;

  it('refuses a bad value at its key and writes nothing', () => {
    const f = file(base);
    const r = saveSettings(f, { 'web.sessionHours': 0, 'printer.baudRate': '12345', 'store.currency': 'yuan' });
    expect(r.ok).toBe(false);
    const byKey = Object.fromEntries(problemsOf(r).map((p) => [p.key, p.kind]));
    expect(byKey).toEqual({ 'web.sessionHours': 'minimum', 'printer.baudRate': 'enum', 'store.currency': 'pattern' });
    expect(readFileSync(f, 'utf8')).toBe(base);
    expect(readdirSync(join(f, '..'))).toEqual(['tillbox.yaml']);
  });

  it('writes a good one with a backup, keeps the comments, says live and restart keys', () => {
    const f = file(base);
    const r = saveSettings(f, { 'store.name': '好又多', 'log.level': 'debug', 'printer.baudRate': '19200', 'store.timezone': null }, {}, () => Date.parse('2026-12-04T10:00:00Z'));
    expect(r).toMatchObject({ ok: true, live: ['log.level'], restartNeeded: ['store.name', 'printer.baudRate'] });
    const text = readFileSync(f, 'utf8');
    expect(text).toContain('# shop note');
    expect(text).toContain('id: store-9 # inline note');
    expect(text).toMatch(/name: "?好又多"?/);
    expect(text).toMatch(/printer:\n {2}baudRate: 19200\n/);
    expect(text).toMatch(/log:\n {2}level: debug\n/);
    expect(readFileSync(join(f, '..', 'tillbox.yaml.bak-20261204T100000Z'), 'utf8')).toBe(base);
  });

  it('keeps the newest backups only', () => {
    const f = file(base);
    for (let i = 0; i < BACKUPS_KEPT + 3; i++) expect(saveSettings(f, { 'web.sessionHours': i + 1 }, {}, () => Date.UTC(2026, 11, 4, 10, i)).ok).toBe(true);
    const backups = readdirSync(join(f, '..')).filter((n) => n.includes('.bak-')).sort();
    expect(backups).toHaveLength(BACKUPS_KEPT);
    expect(backups[0]).toBe('tillbox.yaml.bak-20261204T100300Z');
  });

  it('never returns a secret, and refuses unknown and read-only keys', () => {
    const f = file(base);
    const view = readSettings(f, { TILLBOX_WEB_PORT: '9999' });
    expect(JSON.stringify(view)).not.toContain('s3cret-broker');
    expect(JSON.stringify(view)).not.toContain(HASH);
    expect(view.settings.find((s) => s.key === 'mqtt.password')).toMatchObject({ set: true, secret: true });
    expect(view.settings.find((s) => s.key === 'mqtt.password')).not.toHaveProperty('value');
    expect(view.settings.find((s) => s.key === 'web.port')).toMatchObject({ env: 'TILLBOX_WEB_PORT', set: false });
    const r = saveSettings(f, { 'store.colour': 'red', 'web.adminPasswordHash': 'x' });
    expect(problemsOf(r).map((p) => [p.key, p.kind])).toEqual([['store.colour', 'unknown'], ['web.adminPasswordHash', 'readonly']]);
    expect(readFileSync(f, 'utf8')).toBe(base);
  });

  it('lists every leaf key of the schema, log.level the only live one', () => {
    const keys = settingFields().map((f) => f.key);
    expect(keys).toContain('footer.qr.url');
    expect(keys).toContain('dataDir');
    expect(new Set(keys).size).toBe(keys.length);
    expect([...LIVE_KEYS]).toEqual(['log.level']);
  });

  // A read-only file system, as /etc/tillbox is to the installed service (ProtectSystem=strict):
  // a real tmpfs remounted read-only (root only; root passes every permission check otherwise).
  it.runIf(tmpfsAvailable())('says the file is not writable, and writes nothing, on a read-only file system', () => {
    const fs = mountTmpfs('1m');
    try {
      const f = join(fs.dir, 'tillbox.yaml');
      writeFileSync(f, base);
      execFileSync('mount', ['-o', 'remount,ro', fs.dir], { stdio: 'pipe' });
      expect(readSettings(f).notWritable).toBe('EROFS');
      expect(saveSettings(f, { 'store.name': 'x' })).toEqual({ ok: false, notWritable: 'EROFS' });
      // A bad value is still named at its key first: the owner learns both without a write.
      expect(problemsOf(saveSettings(f, { 'web.sessionHours': 0 })).map((p) => p.key)).toEqual(['web.sessionHours']);
      expect(readFileSync(f, 'utf8')).toBe(base);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', fs.dir], { stdio: 'pipe' });
      fs.close();
    }
  });
});
