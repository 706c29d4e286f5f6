/**
 * What the tap journals with footers on, over real ptys into a real journal file: the POS's bytes
 * with the delivered flag of the write that actually carried them (bytes queued behind a held cut
 * go out later, or not at all when the printer is lost meanwhile), and the inserted block as its
 * own marked row.
 */
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import type { FooterRequestMessage } from '../../src/daemon/messages.js';
import { openJournalReader } from '../../src/journal/reader.js';
import { JournalStore } from '../../src/journal/store.js';
import { createLogger } from '../../src/log.js';
import { FooterLink } from '../../src/tap/footer-link.js';
import { SerialTap } from '../../src/tap/serial-tap.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const logger = createLogger({ level: 'fatal' });
const CUT = Buffer.from([0x1d, 0x56, 0x42, 0x00]);

async function rig(maxHoldMs: number) {
  const t = tempDir('tbx-fjournal-');
  cleanups.push(t.cleanup);
  const pos = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
  const prn = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
  cleanups.push(() => pos.kill(), () => prn.kill());
  const config = configFromObject({ pos: { path: pos.b, baudRate: 115200 }, printer: { path: prn.a, baudRate: 115200 }, dataDir: t.dir, tap: { reopenMinMs: 50, reopenMaxMs: 200 } });
  const journalPath = join(t.dir, 'journal.db');
  // The journal's own store, synchronously, on a real file (the writer worker adds only the thread).
  const store = new JournalStore(journalPath);
  cleanups.push(() => store.close());
  const requests: FooterRequestMessage[] = [];
  const link = new FooterLink({ mode: 'on', maxHoldMs, logger, send: (m) => (m.type === 'footer-request' && requests.push(m), true) });
  const tap = new SerialTap(config, (dir, bytes, delivered, wallTime, mono) => void store.append([{ dir, bytes, delivered, wallTime, mono }], 'test-boot', true), logger, link);
  await tap.start();
  cleanups.push(() => tap.stop());
  const posEnd: SerialPort = await openEnd(pos.a, 115200);
  const printer: SerialPort = await openEnd(prn.b, 115200);
  cleanups.push(() => closeEnd(posEnd), () => closeEnd(printer).catch(() => undefined));
  const rows = () => {
    const reader = openJournalReader(journalPath);
    try {
      return reader.readAfter(0, 100_000);
    } finally {
      reader.close();
    }
  };
  return { tap, link, requests, prn, pos: posEnd, atPrinter: collect(printer), rows };
}

describe.skipIf(!haveSocat)('footer hold and the journal, over real ptys', () => {
  it('bytes queued behind a held cut are journaled undelivered when the printer is lost during the hold', async () => {
    const r = await rig(1500);
    const doc = Buffer.from('SHOP\nTOTAL 1.00\n', 'latin1');
    const next = Buffer.from('NEXT RECEIPT\n', 'latin1');
    r.pos.write(Buffer.concat([doc, CUT, next]));
    // Nobody answers: the cut (and what follows) waits maxHoldMs.
    await waitFor(() => r.atPrinter.bytes().length >= doc.length && r.requests.length === 1, 5000);
    await waitFor(() => r.rows().length > 0, 2000);
    await r.prn.kill();
    await waitFor(() => !r.tap.stats().printer.up, 5000);
    await waitFor(() => r.rows().reduce((n, c) => n + c.bytes.length, 0) >= doc.length + CUT.length + next.length, 5000);
    const rows = r.rows();
    const pos = rows.filter((c) => c.dir === 'pos>printer');
    expect(Buffer.concat(pos.map((c) => c.bytes)).equals(Buffer.concat([doc, CUT, next]))).toBe(true);
    expect(Buffer.concat(pos.filter((c) => c.delivered).map((c) => c.bytes)).equals(doc)).toBe(true);
    expect(Buffer.concat(pos.filter((c) => !c.delivered).map((c) => c.bytes)).equals(Buffer.concat([CUT, next]))).toBe(true);
    expect(r.tap.stats().droppedWhilePrinterDown.bytes).toBe(CUT.length + next.length);
  }, 30_000);

  it('the inserted block is journaled as the box\'s own row, in the order the printer got it', async () => {
    const r = await rig(5000);
    const doc = Buffer.from('SHOP\nTOTAL 1.00\n', 'latin1');
    const block = Buffer.from('\x1ba\x01THANK YOU 9.99\n\x1ba\x00', 'latin1');
    const query = Buffer.from([0x10, 0x04, 0x01]);
    const next = Buffer.from('NEXT RECEIPT\n', 'latin1');
    r.pos.write(Buffer.concat([doc, CUT]));
    await waitFor(() => r.requests.length === 1 && r.atPrinter.bytes().length >= doc.length, 5000);
    // A status query behind the held cut goes ahead of it; the next receipt waits.
    r.pos.write(Buffer.concat([query, next]));
    await waitFor(() => r.atPrinter.bytes().length >= doc.length + query.length, 5000);
    r.link.onMessage({ type: 'footer-reply', id: r.requests[0]!.id, block: block.toString('base64'), reason: 'sale' });
    const want = Buffer.concat([doc, query, block, CUT, next]);
    await waitFor(() => r.atPrinter.bytes().length >= want.length, 5000);
    expect(r.atPrinter.bytes().equals(want)).toBe(true);
    await waitFor(() => r.rows().reduce((n, c) => n + c.bytes.length, 0) >= want.length, 5000);
    const rows = r.rows();
    // Journal order is the printer's order; every row delivered; the block alone is the box's.
    expect(Buffer.concat(rows.filter((c) => c.dir !== 'printer>pos').map((c) => c.bytes)).equals(want)).toBe(true);
    expect(rows.every((c) => c.delivered)).toBe(true);
    const box = rows.filter((c) => c.dir === 'box>printer');
    expect(box).toHaveLength(1);
    expect(box[0]!.bytes.equals(block)).toBe(true);
    expect(Buffer.concat(rows.filter((c) => c.dir === 'pos>printer').map((c) => c.bytes)).equals(Buffer.concat([doc, query, CUT, next]))).toBe(true);
    // The POS counters do not count the box's bytes.
    expect(r.tap.stats().bytesPosToPrinter).toBe(want.length - block.length);
  }, 30_000);
});
