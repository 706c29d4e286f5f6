/**
 * At-till footers over the USB sides: the same hold as on serial (src/tap/footer-hold.ts via
 * SerialTap). The devices are socat ptys standing in for /dev/g_printer0 and /dev/usb/lp0 (no USB
 * controller or modules on this machine; tests/support/usb-emulation.ts), opened through the
 * tap's USB path. The byte-diff check is tests/tap/footer-diff.ts, shared with the serial tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { tapLines } from '../support/usb-emulation.js';
import { DaemonProcess, writeConfig } from '../tap/daemon-process.js';
import { demoDay, insertionsOf } from '../tap/footer-diff.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!toolAvailable(SOCAT))('footers over USB sides', () => {
  it('a day of demo receipts: POS bytes unchanged, whole blocks only before sale cuts, status replies pass', async () => {
    const t = tempDir('tbx-usb-footer-');
    cleanups.push(t.cleanup);
    const { pos, prn, config } = await tapLines('usb', t.dir);
    cleanups.push(() => pos.kill(), () => prn.kill());
    const daemon = DaemonProcess.run(writeConfig(t.dir, { ...config, footer: { enabled: true, maxHoldMs: 1000, qr: { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' } } }));
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    await daemon.waitMsg('analytics started', 20_000);
    const posEnd = await openEnd(pos.a);
    const printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(posEnd), () => closeEnd(printer));
    const atPrinter = collect(printer);
    const atPos = collect(posEnd);

    const day = demoDay(20);
    const docs = day.map((d) => encodeReceiptText(d.lines));
    const input = Buffer.concat(docs);
    for (const doc of docs) posEnd.write(doc);
    await waitFor(() => atPrinter.bytes().length >= input.length, 30_000);
    // Quiet for a moment: the last held cut is out.
    let last = -1;
    await waitFor(async () => {
      const n = atPrinter.bytes().length;
      if (n === last) return true;
      last = n;
      await new Promise((r) => setTimeout(r, 400));
      return false;
    }, 30_000, 1);
    const ins = insertionsOf(input, atPrinter.bytes());
    const sales = day.filter((d) => d.kind === 'sale').length;
    // Footers went in; a sale without one had its cut released unchanged because the answer was
    // late (a loaded machine), which the tap counts and logs.
    expect(ins.length).toBeGreaterThan(0);
    const late = daemon.count('footer skipped: late; cut released unchanged');
    expect(ins.length + late).toBeGreaterThan(sales * 0.9);
    day.forEach((d, k) => {
      if (d.kind !== 'sale') expect(ins.some((x) => x.cut === k), `${d.kind} receipt ${k} passes unchanged`).toBe(false);
    });
    printer.write(Buffer.from([0x12, 0x16]));
    await waitFor(() => atPos.bytes().equals(Buffer.from([0x12, 0x16])));
    expect((await daemon.stop()).code).toBe(0);
  }, 90_000);
});
