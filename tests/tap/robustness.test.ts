import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournalReader } from '../../src/journal/reader.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, SOCAT } from '../support/socat.js';
import { tapLines, TRANSPORTS, type Transport } from '../support/usb-emulation.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, REPO, writeConfig } from './daemon-process.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Serial ptys, or over 'usb' ptys standing in for the USB devices (tests/support/usb-emulation.ts). */
async function rig(transport: Transport = 'serial') {
  const t = tempDir('tbx-rob-');
  cleanups.push(t.cleanup);
  const { pos, prn, config: lines } = await tapLines(transport, t.dir);
  cleanups.push(() => pos.kill(), () => prn.kill());
  const config = writeConfig(t.dir, lines);
  return { dir: t.dir, pos, prn, config, journal: join(t.dir, 'data', 'journal.db') };
}

/** A recognisable stream: line n is "receipt line n" padded, so any prefix can be checked. */
function line(n: number): Buffer {
  return Buffer.from(`receipt line ${String(n).padStart(6, '0')} \x1b!\x00${'-'.repeat(20)}\n`);
}

describe.skipIf(!haveSocat)('tap robustness', () => {
  it.each(TRANSPORTS)('kill -9 leaves an intact journal with no partial rows, and a restart continues the sequence (%s)', async (transport) => {
    const r = await rig(transport);
    const daemon = DaemonProcess.run(r.config);
    await daemon.waitMsg('tap ready');
    const pos = await openEnd(r.pos.a);
    const printer = await openEnd(r.prn.b);
    const atPrinter = collect(printer);
    let n = 0;
    const sent: Buffer[] = [];
    const pump = setInterval(() => {
      for (let i = 0; i < 5; i++) {
        const b = line(n++);
        sent.push(b);
        pos.write(b);
      }
    }, 2);
    await waitFor(() => atPrinter.bytes().length > 20_000, 20_000);
    const child = daemon.logs.find((l) => l.msg === 'analytics child started')?.['pid'] as number | undefined;
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    clearInterval(pump);
    // The analytics child (often still starting at this point) notices its tap is gone and exits.
    expect(child).toBeGreaterThan(0);
    const alive = (): boolean => {
      try {
        process.kill(child as number, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), 15_000);
    await closeEnd(pos);
    await closeEnd(printer);

    const db = new Database(r.journal, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const reader = openJournalReader(r.journal);
    const rows = reader.read('t', 0, 1_000_000);
    reader.close();
    expect(rows.length).toBeGreaterThan(0);
    rows.forEach((row, i) => expect(row.seq).toBe(i + 1));
    const journaled = Buffer.concat(rows.map((x) => x.bytes));
    const all = Buffer.concat(sent);
    // Whatever was committed is exactly a prefix of what the POS sent: nothing torn, nothing reordered.
    expect(journaled.length).toBeGreaterThan(0);
    expect(all.subarray(0, journaled.length).equals(journaled)).toBe(true);
    const lastSeq = rows.at(-1)!.seq;

    // socat pairs die with their last reader; plug them in again and restart the daemon.
    await r.pos.restart();
    await r.prn.restart();
    const again = DaemonProcess.run(r.config);
    cleanups.push(async () => void (await again.stop()));
    await again.waitMsg('tap ready');
    const open = again.logs.find((l) => l.msg === 'journal open');
    expect(open?.['lastSeq']).toBe(lastSeq);
    const pos2 = await openEnd(r.pos.a);
    const printer2 = await openEnd(r.prn.b);
    cleanups.push(() => closeEnd(pos2), () => closeEnd(printer2));
    const at2 = collect(printer2);
    pos2.write(Buffer.from('after restart\n'));
    await waitFor(() => at2.bytes().toString() === 'after restart\n');
    expect((await again.stop()).code).toBe(0);
    const reader2 = openJournalReader(r.journal);
    const next = reader2.read('t', lastSeq, 10);
    reader2.close();
    expect(next[0]?.seq).toBe(lastSeq + 1);
    expect(Buffer.concat(next.map((x) => x.bytes)).toString()).toBe('after restart\n');
  });

  for (const child of ['busy-child.mjs', 'crash-child.mjs']) {
    it(`bytes keep flowing while the analytics child ${child === 'busy-child.mjs' ? 'is stuck in a busy loop' : 'keeps crashing'}`, async () => {
      const r = await rig();
      const daemon = new DaemonProcess([join(REPO, 'tests/tap/fixtures/run-daemon.mjs'), r.config, join(REPO, 'tests/tap/fixtures', child)]);
      cleanups.push(async () => void (await daemon.stop()));
      await daemon.waitMsg('tap ready');
      await daemon.waitMsg(child === 'busy-child.mjs' ? 'busy child spinning' : 'crash child started');
      const pos = await openEnd(r.pos.a);
      const printer = await openEnd(r.prn.b);
      cleanups.push(() => closeEnd(pos), () => closeEnd(printer));
      const atPrinter = collect(printer);
      const atPos = collect(pos);
      let expected = Buffer.alloc(0);
      // Keep printing for ~2.5 s: the child has time to hang (and to miss its stats) or crash repeatedly.
      for (let i = 0; i < 15; i++) {
        const b = line(i);
        expected = Buffer.concat([expected, b]);
        pos.write(b);
        await waitFor(() => atPrinter.bytes().length === expected.length, 5000);
        printer.write(Buffer.from([0x12, i]));
        await waitFor(() => atPos.bytes().length === 2 * (i + 1), 5000);
        await new Promise((res) => setTimeout(res, 150));
      }
      expect(atPrinter.bytes().equals(expected)).toBe(true);
      if (child === 'crash-child.mjs') expect(daemon.count('analytics child exited; restarting it (forwarding is unaffected)')).toBeGreaterThanOrEqual(2);
      const exit = await daemon.stop();
      expect(exit.code).toBe(0);
    });
  }

  it('the analytics child gets --config PATH and a tap-stats message every second', async () => {
    const r = await rig();
    const daemon = new DaemonProcess([join(REPO, 'tests/tap/fixtures/run-daemon.mjs'), r.config, join(REPO, 'tests/tap/fixtures/stats-child.mjs')]);
    cleanups.push(async () => void (await daemon.stop()));
    const argv = await daemon.waitMsg('stats child argv');
    expect(argv['argv']).toEqual(['--config', r.config]);
    const pos = await openEnd(r.pos.a);
    const printer = await openEnd(r.prn.b);
    cleanups.push(() => closeEnd(pos), () => closeEnd(printer));
    const atPrinter = collect(printer);
    pos.write(Buffer.from('hello printer\n'));
    await waitFor(() => atPrinter.bytes().length === 14);
    const withBytes = await daemon.waitLog((l) => l.msg === 'stats child got' && (l['m'] as { type: string }).type === 'tap-stats' && (l['m'] as { bytes: { posToPrinter: number } }).bytes.posToPrinter === 14, 5000);
    const m = withBytes['m'] as Record<string, unknown>;
    expect(m).toMatchObject({
      type: 'tap-stats',
      journalPath: r.journal,
      links: { pos: { kind: 'serial', address: r.pos.b, up: true }, printer: { kind: 'serial', address: r.prn.a, up: true } },
      bytes: { posToPrinter: 14, printerToPos: 0 },
      droppedWhilePrinterDown: { chunks: 0, bytes: 0 },
      journal: { dropped: 0, writerUp: true },
    });
    await waitFor(() => daemon.count('stats child got') >= 3, 5000);
  });
});
