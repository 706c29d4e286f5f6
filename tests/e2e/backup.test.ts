/**
 * Backup and restore against the real daemon (`tillbox run` from dist/, a TCP till, a simulated
 * printer): a backup taken while receipts keep arriving opens, passes integrity_check and holds
 * every receipt committed before it started; restore refuses a running daemon and a damaged
 * backup, and puts the ledger back. SIGHUP re-reads log.level in the tap and the analytics child.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSimPrinter, type SimPrinter } from '../../src/demo/printer.js';
import { demoReceipts } from '../../src/demo/receipts.js';
import { printJob, waitForListener } from '../../src/demo/till.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { CLI, DaemonProcess } from '../tap/daemon-process.js';

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, out, errText) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out, err: errText }));
  });
}

function ids(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT id FROM receipts ORDER BY id').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

describe('backup while the daemon ingests, restore, SIGHUP', () => {
  const tmp = tempDir('tbx-backup-');
  const dataDir = join(tmp.dir, 'data');
  const configFile = join(tmp.dir, 'tillbox.yaml');
  let printer: SimPrinter;
  let daemon: DaemonProcess;
  let posPort = 0;
  let feeding = true;
  let feeder: Promise<void> = Promise.resolve();
  let config: Record<string, unknown> = {};

  beforeAll(async () => {
    printer = await startSimPrinter();
    posPort = await freePort();
    config = {
      store: { id: 'store-bk', timezone: 'Asia/Shanghai', currency: 'CNY' },
      pos: { listen: `127.0.0.1:${posPort}` },
      printer: { host: '127.0.0.1', port: printer.port },
      decoder: { idleGapMs: 300 },
      dataDir,
      web: { host: '127.0.0.1', port: await freePort() },
      log: { level: 'warn' },
    };
    writeFileSync(configFile, stringify(config));
    daemon = DaemonProcess.run(configFile);
    await waitForListener('127.0.0.1', posPort, 20_000);
    // A till that keeps printing until told to stop.
    const clock = Date.UTC(2026, 10, 20, 1, 0, 0);
    let k = 0;
    const receipts = demoReceipts(11, () => new Date(clock + k++ * 60_000));
    feeder = (async () => {
      while (feeding) {
        const r = receipts.next().value;
        if (r === undefined) break;
        await printJob('127.0.0.1', posPort, encodeReceiptText(r.lines, { encoding: 'gb18030' }));
        await new Promise((res) => setTimeout(res, 30));
      }
    })();
  }, 60_000);

  afterAll(async () => {
    feeding = false;
    await feeder.catch(() => undefined);
    await daemon?.stop();
    await printer?.close();
    tmp.cleanup();
  });

  const backupDir = join(tmp.dir, 'backup-1');

  it('a backup taken mid-ingest is consistent and holds every receipt committed before it started', async () => {
    const ledger = join(dataDir, 'ledger.db');
    await waitFor(() => {
      try {
        return ids(ledger).length >= 10 || undefined;
      } catch {
        return undefined;
      }
    }, 40_000, 100);
    const before = ids(ledger);
    const r = await cli(['backup', '--to', backupDir, '--config', configFile, '--json']);
    expect(r.code, r.err).toBe(0);
    // Receipts kept arriving while it ran.
    await waitFor(() => ids(ledger).length > before.length || undefined, 20_000, 100);

    const manifest = JSON.parse(r.out) as { files: { name: string; kind: string; schemaVersion?: number; sha256: string }[]; tillbox: string };
    expect(manifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['ledger.db', 'journal.db', 'outbox.db', 'config.yaml']));
    expect(manifest.tillbox).toBe((JSON.parse(readFileSync(join(CLI, '..', '..', 'package.json'), 'utf8')) as { version: string }).version);
    for (const name of ['ledger.db', 'journal.db', 'outbox.db']) {
      const db = new Database(join(backupDir, name), { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(db.pragma('user_version', { simple: true })).toBe(manifest.files.find((f) => f.name === name)?.schemaVersion);
      db.close();
    }
    const copied = new Set(ids(join(backupDir, 'ledger.db')));
    for (const id of before) expect(copied.has(id), id).toBe(true);
    // The journal copy holds the raw bytes of everything the ledger copy holds.
    const j = new Database(join(backupDir, 'journal.db'), { readonly: true });
    const l = new Database(join(backupDir, 'ledger.db'), { readonly: true });
    expect(j.prepare('SELECT max(seq) FROM chunks').pluck().get() as number).toBeGreaterThanOrEqual(l.prepare('SELECT max(journal_to) FROM receipts').pluck().get() as number);
    j.close();
    l.close();
  });

  it('SIGHUP re-reads log.level in the tap and in the analytics child', async () => {
    writeFileSync(configFile, stringify({ ...config, log: { level: 'info' } }));
    daemon.proc.kill('SIGHUP');
    await daemon.waitLog((x) => x.msg === 'log level re-read' && x['process'] === undefined, 10_000);
    await daemon.waitLog((x) => x.msg === 'log level re-read' && x['process'] === 'analytics', 10_000);
    expect(daemon.proc.exitCode).toBeNull();
  });

  it('restore refuses while the daemon runs, refuses a damaged backup, then puts the ledger back', async () => {
    const busy = await cli(['restore', backupDir, '--config', configFile]);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain('stop the daemon first');

    feeding = false;
    await feeder;
    await daemon.stop();
    const ledger = join(dataDir, 'ledger.db');
    const kept = ids(join(backupDir, 'ledger.db'));

    const damaged = join(tmp.dir, 'backup-damaged');
    cpSync(backupDir, damaged, { recursive: true });
    const copy = readFileSync(join(damaged, 'ledger.db'));
    copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
    writeFileSync(join(damaged, 'ledger.db'), copy);
    const bad = await cli(['restore', damaged, '--config', configFile]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('does not match its checksum');
    expect(bad.err).toContain('TBX_BACKUP_INVALID');

    // The ledger lost (a bad manual edit, say): restore brings back exactly the backup's receipts.
    const db = new Database(ledger);
    db.exec('DELETE FROM receipts');
    db.close();
    expect(ids(ledger)).toEqual([]);
    const ok = await cli(['restore', backupDir, '--config', configFile]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/the files it replaced are in .*replaced-by-restore-/);
    expect(ids(ledger)).toEqual(kept);

    // And the daemon runs on the restored files.
    daemon = DaemonProcess.run(configFile);
    await waitForListener('127.0.0.1', posPort, 20_000);
  });
});
