/**
 * Issue 11 end to end: `tillbox run` (the real bin) between two socat pty pairs, no decoder
 * settings at all, and one till printing receipts in GBK, Big5, Shift_JIS and EUC-KR without FS &
 * and with it, then switching code pages with ESC t. Every receipt must reach the printer
 * unaltered and the ledger with its items readable; the page's status says what was detected, and
 * the detection memory survives a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrinterTextStatus } from '../../src/pipeline/text-status.js';
import { intlReceipt, LANGUAGES, type Language } from '../support/intl-receipts.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, writeConfig } from '../tap/daemon-process.js';
import { hashPassword } from '../../src/web/auth/password.js';

const PASSWORD = 'owner-password-1';
import type { SerialPort } from 'serialport';

const lang = (id: string): Language => LANGUAGES.find((l) => l.id === id) as Language;

interface Job {
  id: string;
  bytes: Buffer;
  lines: string[];
}
const job = (id: string, seed: number, modeCommands: boolean, lines = 12): Job => ({ id, ...intlReceipt({ lang: lang(id), columns: 42, lines, modeCommands, seed }) });

// One till: European pages switched with ESC t, then each CJK encoding without FS & (twice) and with it.
const JOBS: Job[] = [
  job('ru-cp866', 1, true), job('pl-cp852', 2, true), job('fr-cp858', 3, true),
  job('zh-big5', 4, false), job('zh-big5', 5, false), job('zh-big5', 6, true),
  job('ja-sjis', 7, false), job('ja-sjis', 8, false), job('ja-sjis', 9, true),
  job('ko-euckr', 10, false), job('ko-euckr', 11, false), job('ko-euckr', 12, true),
  job('zh-gbk', 13, false), job('zh-gbk', 14, false), job('zh-gbk', 15, true),
];
const ASCII_ONLY = Buffer.from('\x1b@STORE 7\nTOTAL 12.00\nCASH 20.00\nCHANGE 8.00\n\x1dVB\x00', 'latin1');

describe.skipIf(!toolAvailable(SOCAT))('text detection over real ptys, no configuration', () => {
  const t = tempDir('tbx-detect-');
  let pos: PtyPair;
  let prn: PtyPair;
  let config = '';
  let webPort = 0;
  let daemon: DaemonProcess;
  let posEnd: SerialPort;
  let printerEnd: SerialPort;
  let atPrinter: ReturnType<typeof collect>;
  let sent = Buffer.alloc(0);
  let cookie = '';

  const start = async (): Promise<void> => {
    daemon = DaemonProcess.run(config);
    await daemon.waitMsg('tap ready', 20_000);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${webPort}/healthz`).catch(() => null))?.ok === true, 30_000, 100);
    const login = await fetch(`http://127.0.0.1:${webPort}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    expect(login.status).toBe(204);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  const print = async (bytes: Buffer): Promise<void> => {
    sent = Buffer.concat([sent, bytes]);
    posEnd.write(bytes);
    await waitFor(() => atPrinter.bytes().length >= sent.length, 10_000);
  };
  const status = async (): Promise<PrinterTextStatus | null> => {
    const body = (await (await fetch(`http://127.0.0.1:${webPort}/api/status`, { headers: { cookie } })).json()) as { printerText?: PrinterTextStatus | null };
    if (body.printerText === undefined) throw new Error(`no printerText in /api/status: ${JSON.stringify(body).slice(0, 300)}`);
    return body.printerText;
  };
  const ledger = <T>(sql: string): T[] => {
    const db = new Database(join(t.dir, 'data', 'ledger.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    pos = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
    prn = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
    webPort = await freePort();
    // decoder: only the idle gap; encoding, double-byte mode and code page are left to detection.
    config = writeConfig(t.dir, { pos: { path: pos.b, baudRate: 115200 }, printer: { path: prn.a, baudRate: 115200 }, decoder: { idleGapMs: 500 }, web: { host: '127.0.0.1', port: webPort, adminPasswordHash: await hashPassword(PASSWORD) } });
    await start();
    posEnd = await openEnd(pos.a);
    printerEnd = await openEnd(prn.b);
    atPrinter = collect(printerEnd);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    if (posEnd !== undefined) await closeEnd(posEnd);
    if (printerEnd !== undefined) await closeEnd(printerEnd);
    await pos?.kill();
    await prn?.kill();
    t.cleanup();
  });

  it('every receipt reaches the printer unaltered and the ledger with its items readable; each switch of encoding is a wrong first guess decoded again', async () => {
    for (const j of JOBS) await print(j.bytes);
    expect(atPrinter.bytes().equals(sent)).toBe(true);
    await waitFor(() => ledger<{ n: number }>('SELECT count(*) AS n FROM receipts')[0]?.n === JOBS.length, 30_000, 200);
    const rows = ledger<{ store: string | null; names: string }>(
      `SELECT r.store, group_concat(p.name, '|') AS names FROM receipts r JOIN items i ON i.rid = r.rid JOIN products p ON p.pid = i.pid GROUP BY r.rid ORDER BY r.rid`,
    );
    expect(rows).toHaveLength(JOBS.length);
    rows.forEach((row, k) => {
      const j = JOBS[k] as Job;
      expect(row.store?.normalize('NFC'), `receipt ${k} (${j.id})`).toBe(lang(j.id).shop.normalize('NFC'));
      // The item lines as printed (name and quantity), each one found among the stored items.
      const itemNames = j.lines.slice(1).filter((l) => / x\d/.test(l)).map((l) => l.slice(0, l.indexOf(' x')));
      for (const name of itemNames) expect(row.names.normalize('NFC')).toContain(name.normalize('NFC'));
      expect(row.names).not.toMatch(/[╝╤▓═┬┴╗│╩╨\ufffd]/u);
    });
  }, 90_000);

  it('an ASCII-only receipt does not move the GBK decision; /api/status and /metrics say what was detected', async () => {
    const before = await waitFor(async () => {
      const s = await status();
      return s !== null && s.label === 'GBK' ? s : undefined;
    }, 10_000, 100);
    await print(ASCII_ONLY);
    await waitFor(async () => ledger<{ n: number }>('SELECT count(*) AS n FROM receipts')[0]?.n === JOBS.length + 1, 20_000, 200);
    const after = (await status()) as PrinterTextStatus;
    expect(after).toMatchObject({ mode: 'double-byte', label: 'GBK', warning: null, documents: before.documents });
    expect(after.confidence).toBeGreaterThan(0.99);
    const metrics = await (await fetch(`http://127.0.0.1:${webPort}/metrics`, { headers: { cookie } })).text();
    expect(metrics).toMatch(/^tillbox_printer_text_info\{mode="double-byte",label="GBK",source="(detected|command)"\} 1$/m);
    expect(metrics).toMatch(/^tillbox_printer_text_mojibake_ratio 0$/m);
  }, 40_000);

  it('the till\'s detection memory is saved with the pipeline position and carried over a restart', async () => {
    const saved = (await status()) as PrinterTextStatus;
    await daemon.stop();
    const position = JSON.parse(readFileSync(join(t.dir, 'data', 'pipeline-position.json'), 'utf8')) as { text?: { evidenceDocuments: number } };
    expect(position.text?.evidenceDocuments).toBe(saved.documents);
    await start();
    await print(job('zh-gbk', 30, false, 6).bytes);
    const s = await waitFor(async () => {
      const x = await status();
      return x !== null && x.documents > saved.documents ? x : undefined;
    }, 20_000, 100);
    expect(s).toMatchObject({ label: 'GBK', mode: 'double-byte', documents: saved.documents + 1 });
  }, 60_000);
});
