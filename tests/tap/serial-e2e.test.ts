import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournalReader } from '../../src/journal/reader.js';
import { corpusAvailable, corpusFile, toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, SOCAT } from '../support/socat.js';
import { GPRINTER, tapLines, TRANSPORTS, type Transport } from '../support/usb-emulation.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, writeConfig } from './daemon-process.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Two socat pairs: test POS end ⇄ tap POS end, tap printer end ⇄ test printer end. Over 'usb' the
 * tap's ends stand in for /dev/g_printer0 and /dev/usb/lp0 (tests/support/usb-emulation.ts says
 * why: no USB controller or modules here) and are opened through the tap's USB path.
 */
async function rig(transport: Transport) {
  const t = tempDir('tbx-tap-');
  cleanups.push(t.cleanup);
  const { pos, prn, config: lines } = await tapLines(transport, t.dir, { baudRate: 115200 });
  cleanups.push(() => pos.kill(), () => prn.kill());
  const config = writeConfig(t.dir, lines);
  return { dir: t.dir, pos, prn, config, journal: join(t.dir, 'data', 'journal.db') };
}

async function ends(r: Awaited<ReturnType<typeof rig>>): Promise<{ pos: SerialPort; printer: SerialPort }> {
  const pos = await openEnd(r.pos.a);
  const printer = await openEnd(r.prn.b);
  cleanups.push(() => closeEnd(pos), () => closeEnd(printer));
  return { pos, printer };
}

function journalBytes(path: string, dir: string, delivered?: boolean): Buffer {
  const reader = openJournalReader(path);
  try {
    const rows = reader.read('test', 0, 1_000_000);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.seq).toBeGreaterThan(rows[i - 1]!.seq);
    return Buffer.concat(rows.filter((r) => r.dir === dir && (delivered === undefined || r.delivered === delivered)).map((r) => r.bytes));
  } finally {
    reader.close();
  }
}

describe.skipIf(!haveSocat).each(TRANSPORTS)('%s tap over real ptys', (transport) => {
  it.skipIf(!corpusAvailable('escpos'))('relays every corpus capture byte-identical both ways and journals both directions in order', async () => {
    const r = await rig(transport);
    const daemon = DaemonProcess.run(r.config);
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    if (transport === 'usb') {
      // The USB code path ran: the printer side read its identity from the (fake) sysfs and left
      // it for the gadget to clone.
      const open = daemon.logs.find((l) => l.msg === 'port open' && l['side'] === 'printer');
      expect(open).toMatchObject({ identity: '0483:5743 Gprinter GP-58MBIII (serial GP58-000123)', deviceId: GPRINTER.deviceId });
      expect(readFileSync(join(r.dir, 'data', 'usb-gadget.env'), 'utf8')).toContain('TBX_USB_VENDOR=0x0483\nTBX_USB_PRODUCT=0x5743\n');
    }
    const { pos, printer } = await ends(r);
    const atPrinter = collect(printer);
    const atPos = collect(pos);

    const files = readdirSync(corpusFile('escpos')).filter((f) => f.endsWith('.bin')).sort();
    expect(files.length).toBeGreaterThan(0);
    let sent = Buffer.alloc(0);
    let status = Buffer.alloc(0);
    const conversation: [string, Buffer][] = [];
    for (const [i, f] of files.entries()) {
      const bytes = readFileSync(corpusFile('escpos', f));
      conversation.push(['pos>printer', bytes]);
      sent = Buffer.concat([sent, bytes]);
      pos.write(bytes);
      await waitFor(() => atPrinter.bytes().length >= sent.length, 10_000);
      expect(atPrinter.bytes().equals(sent), `${f} arrives unaltered`).toBe(true);
      // The printer answers a status request: DLE EOT replies, ASB, and XON/XOFF must pass unaltered.
      const reply = Buffer.from([0x12, 0x16, 0x13, 0x11, 0x00, 0xff, i & 0xff]);
      status = Buffer.concat([status, reply]);
      conversation.push(['printer>pos', reply]);
      printer.write(reply);
      await waitFor(() => atPos.bytes().length >= status.length, 10_000);
      expect(atPos.bytes().equals(status)).toBe(true);
    }
    const exit = await daemon.stop();
    expect(exit.code).toBe(0);
    expect(daemon.logs.some((l) => l.msg === 'stopped')).toBe(true);
    expect(journalBytes(r.journal, 'pos>printer', true).equals(sent)).toBe(true);
    expect(journalBytes(r.journal, 'printer>pos', true).equals(status)).toBe(true);
    expect(journalBytes(r.journal, 'pos>printer', false)).toHaveLength(0);
    // Across directions too: consecutive same-direction rows merged give back the conversation.
    const reader = openJournalReader(r.journal);
    const merged: [string, Buffer][] = [];
    for (const row of reader.read('test', 0, 1_000_000)) {
      const last = merged.at(-1);
      if (last !== undefined && last[0] === row.dir) last[1] = Buffer.concat([last[1], row.bytes]);
      else merged.push([row.dir, row.bytes]);
    }
    reader.close();
    expect(merged.map(([d, b]) => [d, b.toString('hex')])).toEqual(conversation.map(([d, b]) => [d, b.toString('hex')]));
  });

  it('survives losing the printer port: reopens within 2 s, journals outage bytes undelivered and never sends them', async () => {
    const r = await rig(transport);
    const daemon = DaemonProcess.run(r.config);
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    let { pos, printer } = await ends(r);
    let atPrinter = collect(printer);
    const atPos = collect(pos);

    pos.write(Buffer.from('before\n'));
    await waitFor(() => atPrinter.bytes().toString() === 'before\n');

    // Unplug the printer adapter.
    await closeEnd(printer);
    await r.prn.kill();
    await daemon.waitLog((l) => l.msg === 'port lost; the other side stays open, reopening with back-off' && l['side'] === 'printer');
    const outage = Buffer.from('\x1bp\x00\x19\xfa OUTAGE BYTES (a drawer kick must never be replayed)\n');
    pos.write(outage);
    // The POS side stays open and the outage bytes are read and journaled undelivered.
    await waitFor(async () => {
      const reader = openJournalReader(r.journal);
      try {
        return reader.read('t', 0, 1000).some((c) => !c.delivered);
      } finally {
        reader.close();
      }
    });

    // Plug it back in: the tap must be forwarding again within 2 s.
    await r.prn.start();
    const replugged = Date.now();
    printer = await openEnd(r.prn.b);
    cleanups.push(() => closeEnd(printer));
    atPrinter = collect(printer);
    await daemon.waitLog((l) => l.msg === 'port back' && l['side'] === 'printer', 2000);
    pos.write(Buffer.from('after\n'));
    await waitFor(() => atPrinter.bytes().toString() === 'after\n', 2000);
    expect(Date.now() - replugged).toBeLessThan(2000);
    // Status still flows back.
    printer.write(Buffer.from([0x12]));
    await waitFor(() => atPos.bytes().equals(Buffer.from([0x12])));

    // Lose the POS side: the printer side stays up, printer bytes meanwhile are counted, not sent.
    await closeEnd(pos);
    await r.pos.kill();
    await daemon.waitLog((l) => l.msg === 'port lost; the other side stays open, reopening with back-off' && l['side'] === 'pos');
    await r.pos.start();
    pos = await openEnd(r.pos.a);
    cleanups.push(() => closeEnd(pos));
    await daemon.waitLog((l) => l.msg === 'port back' && l['side'] === 'pos', 2000);
    const atPos2 = collect(pos);
    pos.write(Buffer.from('again\n'));
    await waitFor(() => atPrinter.bytes().toString() === 'after\nagain\n', 2000);
    printer.write(Buffer.from([0x14]));
    await waitFor(() => atPos2.bytes().equals(Buffer.from([0x14])));

    expect((await daemon.stop()).code).toBe(0);
    expect(atPrinter.bytes().includes(Buffer.from('OUTAGE'))).toBe(false);
    expect(journalBytes(r.journal, 'pos>printer', false).equals(outage)).toBe(true);
    expect(journalBytes(r.journal, 'pos>printer', true).toString()).toBe('before\nafter\nagain\n');
    // Link breaks (journal schema 3): the first POS chunk after start and the first after the POS
    // side came back are marked, so the pipeline never joins the bytes on either side of a gap
    // in what the till sent; a printer loss does not break the POS stream.
    const reader = openJournalReader(r.journal);
    const posRows = reader.read('t', 0, 1000).filter((c) => c.dir === 'pos>printer');
    reader.close();
    expect(posRows.filter((c) => c.linkBreak).map((c) => c.bytes.toString())).toEqual(['before\n', 'again\n']);
  });
});
