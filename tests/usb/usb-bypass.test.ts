/**
 * USB sides behind the bypass switch. In bypass the POS's and the printer's USB data lines are
 * wired to each other, so neither USB device exists on the box until the relay is energised: the
 * tap must start without them, energise on trial, and relay once they appear. No USB controller,
 * usblp/g_printer module or GPIO chip exists on this machine: the devices are socat ptys created
 * when the (stand-in) gpioset holds the line, the printer's identity a fake sysfs tree.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toolAvailable } from '../support/corpus.js';
import { gpiosetStandIn } from '../support/gpio-standin.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { fakeUsbPrinterSysfs, GPRINTER } from '../support/usb-emulation.js';
import { DaemonProcess, writeConfig } from '../tap/daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!toolAvailable(SOCAT))('USB sides behind the bypass switch', () => {
  it('starts with neither device present, energises on trial, relays once both appear; released when one does not come back', async () => {
    const t = tempDir('tbx-usb-bypass-');
    cleanups.push(t.cleanup);
    const d = t.dir;
    const g = gpiosetStandIn(d);
    const sys = join(d, 'sys');
    mkdirSync(join(d, 'dev', 'usb'), { recursive: true });
    const gadget = join(d, 'dev', 'g_printer0');
    const lp = join(d, 'dev', 'usb', 'lp0');
    const config = writeConfig(d, {
      pos: { usbGadget: true, gadgetPath: gadget },
      printer: { usb: 'auto' },
      usb: { sysfsRoot: sys, configfsRoot: join(d, 'configfs'), devDir: join(d, 'dev', 'usb') },
      bypass: { enabled: true, sideLossMs: 1500, retryMs: 1000, hangMs: 2000 },
      tap: { reopenMinMs: 50, reopenMaxMs: 200 },
    });
    const daemon = DaemonProcess.run(config, { PATH: `${g.bin}:${process.env['PATH'] ?? ''}`, TBX_FAKE_GPIO_LOG: g.log });
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    await daemon.waitMsg('relay energised on trial: waiting for the USB side behind the switch');
    expect(g.state().at(-1)).toBe('held --mode=wait gpiochip0 17=1');

    // The switch connected both: the printer enumerates (usblp, sysfs), the POS binds the gadget.
    fakeUsbPrinterSysfs(sys, 'lp0', GPRINTER);
    const pos = await PtyPair.create(join(d, 'posT'), gadget);
    const prn = await PtyPair.create(lp, join(d, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    await daemon.waitMsg('both sides open: relaying', 5000);
    const posEnd = await openEnd(pos.a);
    const printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(posEnd), () => closeEnd(printer));
    const at = collect(printer);
    const atPos = collect(posEnd);
    posEnd.write(Buffer.from('\x1b@USB receipt\n\x1dV\x00'));
    await waitFor(() => at.bytes().toString('latin1') === '\x1b@USB receipt\n\x1dV\x00');
    printer.write(Buffer.from([0x12]));
    await waitFor(() => atPos.bytes().equals(Buffer.from([0x12])));
    expect(g.state().at(-1)).toBe('held --mode=wait gpiochip0 17=1');

    // The printer gone for good (unplugged from the box): released after sideLossMs, retried after retryMs.
    await closeEnd(printer);
    await prn.kill();
    await daemon.waitMsg('a side down too long: relay released, POS and printer wired direct', 5000);
    await waitFor(() => g.state().at(-1) === 'released');
    await waitFor(() => g.state().filter((x) => x.startsWith('held')).length === 2, 5000);
  });
});
