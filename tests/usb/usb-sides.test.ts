/**
 * The USB sides. No USB device controller and no usblp/g_printer modules exist on this machine,
 * so /dev/g_printer0 and /dev/usb/lp0 are socat pty pairs opened through the tap's USB code path,
 * and sysfs/configfs are fake trees laid out like the kernel's (tests/support/usb-emulation.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, configFromObject } from '../../src/config/load.js';
import { gadgetEnv } from '../../src/usb/gadget-env.js';
import { gadgetReady, readGadgetState } from '../../src/usb/gadget-state.js';
import { describePrinter, listUsbPrinters, readUsbPrinter } from '../../src/usb/printer-info.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { fakeGadget, fakeUsbPrinterSysfs, GPRINTER, tapLines } from '../support/usb-emulation.js';
import { DaemonProcess, writeConfig } from '../tap/daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function dir(): string {
  const t = tempDir('tbx-usb-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('USB printer identity from sysfs (fake tree)', () => {
  it('reads vendor, product, strings and the IEEE 1284 ID through the device link, and lists lpN in number order', () => {
    const root = join(dir(), 'sys');
    fakeUsbPrinterSysfs(root, 'lp10', { vendorId: '1fc9', productId: '2016' }, '1-1.2');
    fakeUsbPrinterSysfs(root, 'lp2', GPRINTER);
    expect(listUsbPrinters(root)).toEqual(['lp2', 'lp10']);
    const p = readUsbPrinter(root, '/dev/usb/lp2');
    expect(p).toMatchObject({ name: 'lp2', vendorId: '0483', productId: '5743', bcdDevice: '0100', strings: { manufacturer: 'Gprinter', product: 'GP-58MBIII', serial: 'GP58-000123' } });
    expect(p?.deviceId()).toBe(GPRINTER.deviceId);
    expect(describePrinter(p!)).toBe('0483:5743 Gprinter GP-58MBIII (serial GP58-000123)');
    // A printer without strings or device ID (cheap clones): nothing invented.
    const bare = readUsbPrinter(root, 'lp10');
    expect(bare?.strings).toEqual({ manufacturer: undefined, product: undefined, serial: undefined });
    expect(bare?.deviceId()).toBeUndefined();
    expect(readUsbPrinter(root, 'lp7')).toBeUndefined();
    expect(listUsbPrinters(join(root, 'nowhere'))).toEqual([]);
  });

  it('the gadget env quotes strings for sh and systemd, so a hostile string cannot run anything', () => {
    const root = join(dir(), 'sys');
    fakeUsbPrinterSysfs(root, 'lp0', { ...GPRINTER, product: 'GP "58" $(reboot) `x`\\' });
    const env = gadgetEnv(readUsbPrinter(root, 'lp0')!);
    expect(env).toContain('TBX_USB_VENDOR=0x0483\n');
    expect(env).toContain('TBX_USB_PRODUCT_NAME="GP \\"58\\" \\$(reboot) \\`x\\`\\\\"\n');
    expect(env).toContain(`TBX_USB_PNP="${GPRINTER.deviceId}"\n`);
  });

  it('gadget state: bound UDC and host connection from configfs and /sys/class/udc', () => {
    const d = dir();
    const [cfs, sys] = [join(d, 'cfs'), join(d, 'sys')];
    expect(readGadgetState(cfs, sys, 'tillbox')).toMatchObject({ present: false, hostConnected: false });
    expect(gadgetReady(cfs, sys, 'tillbox')).toBe(true); // nothing known: the node alone counts
    const set = fakeGadget(cfs, sys, 'not attached');
    expect(readGadgetState(cfs, sys, 'tillbox')).toMatchObject({ present: true, udc: 'fe980000.usb', udcState: 'not attached', hostConnected: false });
    expect(gadgetReady(cfs, sys, 'tillbox')).toBe(false);
    set('configured');
    expect(gadgetReady(cfs, sys, 'tillbox')).toBe(true);
  });
});

describe.skipIf(!toolAvailable(SOCAT))('USB sides in the daemon (ptys for the devices)', () => {
  it('the POS unplugging its USB cable (UDC state) is a side loss; plugging it back resumes relaying', async () => {
    const d = dir();
    const { pos, prn, config } = await tapLines('usb', d);
    cleanups.push(() => pos.kill(), () => prn.kill());
    const setState = fakeGadget(join(d, 'configfs'), join(d, 'sys'), 'configured');
    const daemon = DaemonProcess.run(writeConfig(d, config));
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    const posEnd = await openEnd(pos.a);
    const printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(posEnd), () => closeEnd(printer));
    const atPrinter = collect(printer);
    posEnd.write(Buffer.from('one\n'));
    await waitFor(() => atPrinter.bytes().toString() === 'one\n');
    setState('not attached');
    const lost = await daemon.waitLog((l) => l.msg === 'port lost; the other side stays open, reopening with back-off' && l['side'] === 'pos');
    expect(lost['reason']).toBe('USB host disconnected');
    setState('configured');
    await daemon.waitLog((l) => l.msg === 'port back' && l['side'] === 'pos', 5000);
    posEnd.write(Buffer.from('two\n'));
    await waitFor(() => atPrinter.bytes().toString() === 'one\ntwo\n');
    expect((await daemon.stop()).code).toBe(0);
  });

  it('a USB printer switched off at start-up is waited for, not a start-up error', async () => {
    const d = dir();
    const sys = join(d, 'sys');
    const devDir = join(d, 'dev', 'usb');
    mkdirSync(devDir, { recursive: true });
    const pos = await PtyPair.create(join(d, 'posT'), join(d, 'posD'));
    cleanups.push(() => pos.kill());
    const daemon = DaemonProcess.run(writeConfig(d, { pos: { path: pos.b }, printer: { usb: join(devDir, 'lp0') }, usb: { sysfsRoot: sys, devDir } }));
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    expect(daemon.logs.some((l) => l.msg?.startsWith('device not present yet') === true && l['side'] === 'printer')).toBe(true);
    const posEnd = await openEnd(pos.a);
    cleanups.push(() => closeEnd(posEnd));
    posEnd.write(Buffer.from('while off\n'));
    fakeUsbPrinterSysfs(sys, 'lp0', GPRINTER);
    const prn = await PtyPair.create(join(devDir, 'lp0'), join(d, 'prnT'));
    cleanups.push(() => prn.kill());
    const printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(printer));
    await daemon.waitLog((l) => l.msg === 'port back' && l['side'] === 'printer', 5000);
    const at = collect(printer);
    posEnd.write(Buffer.from('on\n'));
    await waitFor(() => at.bytes().toString() === 'on\n');
    expect((await daemon.stop()).code).toBe(0);
  });

  it('printer.usb: auto follows a replugged printer that comes back as another lpN', async () => {
    const d = dir();
    const sys = join(d, 'sys');
    const devDir = join(d, 'dev', 'usb');
    mkdirSync(devDir, { recursive: true });
    fakeUsbPrinterSysfs(sys, 'lp0', GPRINTER);
    const pos = await PtyPair.create(join(d, 'posT'), join(d, 'posD'));
    let prn = await PtyPair.create(join(devDir, 'lp0'), join(d, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    const daemon = DaemonProcess.run(writeConfig(d, { pos: { path: pos.b }, printer: { usb: 'auto' }, usb: { sysfsRoot: sys, devDir } }));
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    expect(daemon.logs.find((l) => l.msg === 'port open' && l['side'] === 'printer')?.['path']).toBe(join(devDir, 'lp0'));
    const posEnd = await openEnd(pos.a);
    cleanups.push(() => closeEnd(posEnd));
    let printer = await openEnd(prn.b);
    const at0 = collect(printer);
    posEnd.write(Buffer.from('a'));
    await waitFor(() => at0.bytes().toString() === 'a');

    // Unplug: node and sysfs entry go; replug: the kernel hands out lp1.
    await closeEnd(printer);
    await prn.kill();
    rmSync(join(sys, 'class', 'usbmisc', 'lp0'));
    await daemon.waitLog((l) => l.msg === 'port lost; the other side stays open, reopening with back-off' && l['side'] === 'printer');
    fakeUsbPrinterSysfs(sys, 'lp1', GPRINTER, '1-1.4');
    prn = await PtyPair.create(join(devDir, 'lp1'), join(d, 'prnT'));
    printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(printer));
    await daemon.waitLog((l) => l.msg === 'port back' && l['side'] === 'printer', 5000);
    expect(daemon.logs.filter((l) => l.msg === 'port open' && l['side'] === 'printer').at(-1)?.['path']).toBe(join(devDir, 'lp1'));
    const at = collect(printer);
    posEnd.write(Buffer.from('b'));
    await waitFor(() => at.bytes().toString() === 'b');
    expect((await daemon.stop()).code).toBe(0);
  });
});

describe('USB and bypass config', () => {
  const problems = (raw: object): readonly string[] => {
    try {
      configFromObject(raw, {});
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };
  it('USB sides go with serial or USB, not network printing; the relay needs lines to switch', () => {
    expect(problems({ pos: { usbGadget: true }, printer: { usb: 'auto' } })).toEqual([]);
    expect(problems({ pos: { usbGadget: true } })).toEqual([]);
    expect(problems({ printer: { usb: '/dev/usb/lp0' } })).toEqual([]);
    expect(problems({ pos: { usbGadget: true, listen: '0.0.0.0:9100' }, printer: { host: '10.0.0.5' } })).toContainEqual(expect.stringMatching(/^pos\.usbGadget: set together with pos\.listen/));
    expect(problems({ pos: { listen: '0.0.0.0:9100' }, printer: { host: '10.0.0.5', usb: 'auto' } })).toContainEqual(expect.stringMatching(/^printer\.usb: set together with printer\.host/));
    expect(problems({ printer: { usb: 'lp0' } })).toContainEqual(expect.stringMatching(/^printer\.usb/));
    expect(problems({ pos: { listen: '0.0.0.0:9100' }, printer: { host: '10.0.0.5' }, bypass: { enabled: true } })).toContainEqual(expect.stringMatching(/^bypass\.enabled: a relay switches serial or USB lines/));
  });
});
