/**
 * The settings view's file side (src/config/edit.ts) on real files in a temp dir: a bad value is
 * refused at its key and the file is untouched; a good one is written with a backup, comments
 * kept; backups are pruned to BACKUPS_KEPT; secrets never come back; unknown and read-only keys
 * are refused; env overrides are named.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUPS_KEPT, readSettings, saveSettings } from '../../src/config/edit.js';
import { LIVE_KEYS, settingFields } from '../../src/config/fields.js';
import { tempDir } from '../support/tmp.js';

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
    const byKey = Object.fromEntries((r.ok ? [] : r.problems).map((p) => [p.key, p.kind]));
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
    expect(r.ok ? [] : r.problems.map((p) => [p.key, p.kind])).toEqual([['store.colour', 'unknown'], ['web.adminPasswordHash', 'readonly']]);
    expect(readFileSync(f, 'utf8')).toBe(base);
  });

  it('lists every leaf key of the schema, log.level the only live one', () => {
    const keys = settingFields().map((f) => f.key);
    expect(keys).toContain('footer.qr.url');
    expect(keys).toContain('dataDir');
    expect(new Set(keys).size).toBe(keys.length);
    expect([...LIVE_KEYS]).toEqual(['log.level']);
  });
});
