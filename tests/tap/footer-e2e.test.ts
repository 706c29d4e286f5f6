import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { corpusAvailable, corpusFile, toolAvailable } from '../support/corpus.js';
import { collect, SOCAT } from '../support/socat.js';
import { CutScanner } from '../../src/tap/cut-scanner.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { CLI, ptyDaemon } from './daemon-process.js';
import { execFileSync } from 'node:child_process';
import { openJournalReader } from '../../src/journal/reader.js';
import { hashPassword } from '../../src/web/auth/password.js';

const PASSWORD = 'footer-test-password';
import { demoDay, insertionsOf } from './footer-diff.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const QR = { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' };

async function rig(footer: Record<string, unknown>) {
  const t = tempDir('tbx-footer-');
  cleanups.push(t.cleanup);
  const webPort = await freePort();
  const { config, daemon, pos: posEnd, printer } = await ptyDaemon(t.dir, cleanups, { footer, web: { host: '127.0.0.1', port: webPort, adminPasswordHash: await hashPassword(PASSWORD) } });
  return { dir: t.dir, config, webPort, daemon, pos: posEnd, printer, atPrinter: collect(printer), atPos: collect(posEnd), ledger: join(t.dir, 'data', 'ledger.db') };
}

function recordedBlocks(ledgerPath: string): Buffer[] {
  const db = new Database(ledgerPath, { readonly: true });
  try {
    return (db.prepare(`SELECT bytes FROM footer_prints WHERE outcome = 'printed' ORDER BY id`).all() as { bytes: Buffer }[]).map((r) => r.bytes);
  } finally {
    db.close();
  }
}

async function settle(bytes: () => Buffer, atLeast: number, quietMs = 400): Promise<void> {
  await waitFor(() => bytes().length >= atLeast, 30_000);
  let last = -1;
  await waitFor(async () => {
    const n = bytes().length;
    if (n === last) return true;
    last = n;
    await new Promise((r) => setTimeout(r, quietMs));
    return false;
  }, 30_000, 1);
}

describe.skipIf(!haveSocat)('at-till footers over real ptys', () => {
  it('corpus captures and a day of demo receipts: POS bytes unchanged, whole blocks only before sale cuts', async () => {
    const r = await rig({ enabled: true, maxHoldMs: 1000, qr: QR });
    const day = demoDay(60);
    const files = corpusAvailable('escpos') ? readdirSync(corpusFile('escpos')).filter((f) => f.endsWith('.bin')).sort() : [];
    const corpus = files.map((f) => readFileSync(corpusFile('escpos', f)));
    const demo = day.map((d) => encodeReceiptText(d.lines));
    const input = Buffer.concat([...corpus, ...demo]);
    // The POS writes it all at once: later receipts queue behind held cuts.
    for (const part of [...corpus, ...demo]) r.pos.write(part);
    await settle(r.atPrinter.bytes, input.length);
    const got = r.atPrinter.bytes();
    const ins = insertionsOf(input, got);

    // Which demo receipt each block went to: demo receipts have one cut each, after the corpus's.
    const corpusCuts = countCuts(Buffer.concat(corpus));
    const withBlock = new Set(ins.filter((x) => x.cut >= corpusCuts).map((x) => x.cut - corpusCuts));
    day.forEach((d, k) => {
      if (d.kind !== 'sale') expect(withBlock.has(k), `${d.kind} receipt ${k} passes byte-identical`).toBe(false);
    });
    const sales = day.filter((d) => d.kind === 'sale').length;
    expect(withBlock.size).toBeGreaterThan(sales * 0.9);
    // Every inserted block is one the analytics side recorded as printed, in the same order.
    await waitFor(() => recordedBlocks(r.ledger).length >= ins.length, 5000);
    expect(recordedBlocks(r.ledger).map((b) => b.toString('hex'))).toEqual(ins.map((x) => x.block.toString('hex')));

    // Counters on /metrics (owner's Basic auth) and /api/footers.
    const auth = { authorization: `Basic ${Buffer.from(`owner:${PASSWORD}`).toString('base64')}` };
    // The tap's figures reach the page once a second.
    let metrics = '';
    await waitFor(async () => {
      metrics = await (await fetch(`http://127.0.0.1:${r.webPort}/metrics`, { headers: auth })).text();
      return metrics.includes(`tillbox_footers_printed_total ${ins.length}\n`);
    }, 5000);
    expect(metrics).toMatch(new RegExp(`tillbox_footers_printed_total ${ins.length}\\n`));
    expect(metrics).toMatch(/tillbox_footers_skipped_total\{reason="not-a-sale"\} [1-9]/);
    expect(metrics).toMatch(new RegExp(`tillbox_footer_hold_ms_count [1-9]`));
    const api = (await (await fetch(`http://127.0.0.1:${r.webPort}/api/footers`, { headers: auth })).json()) as { printed: number; recent: { text: string }[] };
    expect(api.printed).toBe(ins.length);
    expect(api.recent[0]!.text).toContain('https://crm.example/r/store-001/');
    expect(JSON.stringify(api)).not.toMatch(/8800\d{6}|138\d{8}/);

    // The journal holds what the POS sent, not the footers; a reparse files the same receipts.
    await waitFor(() => countReceipts(r.ledger) >= sales, 20_000);
    expect((await r.daemon.stop()).code).toBe(0);
    // In the order the printer got them (a status query that overtook a held cut comes before
    // it), the journal's POS rows and the box's marked rows are exactly what the printer received;
    // the POS rows alone are the input with only such queries moved; the marked rows, the blocks.
    const journal = join(r.dir, 'data', 'journal.db');
    expect(journalToPrinter(journal).equals(got)).toBe(true);
    expect(insertionsOf(input, journalPos(journal))).toEqual([]);
    expect(journalBox(journal).map((b) => b.toString('hex'))).toEqual(ins.map((x) => x.block.toString('hex')));
    const before = receiptRows(r.ledger);
    execFileSync(process.execPath, [CLI, 'reparse', '--config', r.config], { encoding: 'utf8' });
    expect(receiptRows(r.ledger)).toEqual(before);
    expect(recordedBlocks(r.ledger)).toHaveLength(ins.length);
  }, 90_000);

  it('a stalled analytics child: the cut goes out unchanged after maxHoldMs; status queries pass meanwhile; the next receipt follows in order', async () => {
    const r = await rig({ enabled: true, maxHoldMs: 600, qr: QR });
    const pid = Number((await r.daemon.waitMsg('analytics child started'))['pid']);
    process.kill(pid, 'SIGSTOP');
    cleanups.push(() => void process.kill(pid, 'SIGCONT'));
    const [r1, r2] = demoDay(2).map((d) => encodeReceiptText(d.lines)) as [Buffer, Buffer];
    const cutAt = r1.length - 4;
    const started = Date.now();
    r.pos.write(r1);
    await waitFor(() => r.atPrinter.bytes().length >= cutAt, 5000);
    expect(r.atPrinter.bytes().equals(r1.subarray(0, cutAt))).toBe(true);
    // DLE EOT 1 during the hold: reaches the printer now, and its reply reaches the POS.
    r.pos.write(Buffer.from([0x10, 0x04, 0x01]));
    await waitFor(() => r.atPrinter.bytes().length >= cutAt + 3, 2000);
    r.printer.write(Buffer.from([0x16]));
    await waitFor(() => r.atPos.bytes().length >= 1, 2000);
    r.pos.write(r2);
    await new Promise((res) => setTimeout(res, 100));
    expect(Date.now() - started).toBeLessThan(600);
    expect(r.atPrinter.bytes().equals(Buffer.concat([r1.subarray(0, cutAt), Buffer.from([0x10, 0x04, 0x01])]))).toBe(true);
    await settle(r.atPrinter.bytes, r1.length + 3 + r2.length);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(r.atPrinter.bytes().equals(Buffer.concat([r1.subarray(0, cutAt), Buffer.from([0x10, 0x04, 0x01]), r1.subarray(cutAt), r2]))).toBe(true);
    expect(r.atPos.bytes().equals(Buffer.from([0x16]))).toBe(true);
    expect(r.daemon.logs.filter((l) => l.msg === 'footer skipped: late; cut released unchanged').length).toBe(2);
  }, 60_000);

  it('a killed analytics child: receipts print unchanged, the tap carries on', async () => {
    const r = await rig({ enabled: true, maxHoldMs: 150, qr: QR });
    const pid = Number((await r.daemon.waitMsg('analytics child started'))['pid']);
    process.kill(pid, 'SIGKILL');
    const day = demoDay(3).map((d) => encodeReceiptText(d.lines));
    for (const b of day) r.pos.write(b);
    await settle(r.atPrinter.bytes, Buffer.concat(day).length);
    expect(r.atPrinter.bytes().equals(Buffer.concat(day))).toBe(true);
    expect(r.daemon.logs.some((l) => l.msg === 'tap ready')).toBe(true);
  }, 60_000);

  it('refunds, reprints and non-sale documents pass byte-identical', async () => {
    const r = await rig({ enabled: true, maxHoldMs: 1000, qr: QR });
    const docs = demoDay(40).filter((d) => d.kind !== 'sale').map((d) => encodeReceiptText(d.lines));
    docs.push(encodeReceiptText(['KITCHEN ORDER', 'Table 4', '2 x noodles']));
    const input = Buffer.concat(docs);
    r.pos.write(input);
    await settle(r.atPrinter.bytes, input.length);
    expect(r.atPrinter.bytes().equals(input)).toBe(true);
  }, 60_000);

  it('dry run: computes and logs what it would print, touches nothing', async () => {
    const r = await rig({ enabled: true, dryRun: true, qr: QR });
    const docs = demoDay(6).map((d) => encodeReceiptText(d.lines));
    const input = Buffer.concat(docs);
    r.pos.write(input);
    await settle(r.atPrinter.bytes, input.length);
    expect(r.atPrinter.bytes().equals(input)).toBe(true);
    await r.daemon.waitMsg('footer dry run: would print');
    const line = r.daemon.logs.find((l) => l.msg === 'footer dry run: would print')!;
    expect(String(line['text'])).toContain('https://crm.example/r/store-001/');
    expect(JSON.stringify(r.daemon.logs)).not.toMatch(/8800\d{6}|138\d{8}/);
  }, 60_000);
});

function countReceipts(ledgerPath: string): number {
  const db = new Database(ledgerPath, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM receipts WHERE kind = 'sale'`).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Every filed receipt: id, kind, total and item count (a footer parsed as text would change them). */
function receiptRows(ledgerPath: string): unknown[] {
  const db = new Database(ledgerPath, { readonly: true });
  try {
    return db.prepare('SELECT id, kind, total, item_count, counted FROM receipts ORDER BY id').all();
  } finally {
    db.close();
  }
}

function journalPos(path: string): Buffer {
  const reader = openJournalReader(path);
  try {
    return Buffer.concat(reader.read('test', 0, 1_000_000).filter((c) => c.dir === 'pos>printer').map((c) => c.bytes));
  } finally {
    reader.close();
  }
}

function journalToPrinter(path: string): Buffer {
  const reader = openJournalReader(path);
  try {
    return Buffer.concat(reader.readAfter(0, 1_000_000).filter((c) => c.dir !== 'printer>pos' && c.delivered).map((c) => c.bytes));
  } finally {
    reader.close();
  }
}

function journalBox(path: string): Buffer[] {
  const reader = openJournalReader(path);
  try {
    return reader.readAfter(0, 1_000_000).filter((c) => c.dir === 'box>printer').map((c) => c.bytes);
  } finally {
    reader.close();
  }
}

function countCuts(b: Buffer): number {
  return new CutScanner().feed(b).filter((m) => m.kind === 'cut').length;
}
