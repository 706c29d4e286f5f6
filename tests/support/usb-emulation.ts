/**
 * USB sides without USB. This machine has no USB device controller (no /sys/class/udc) and no
 * usblp or g_printer modules, so neither /dev/g_printer0 nor /dev/usb/lp0 can exist here. Each is
 * stood in for by a socat pty pair with the same read/write semantics the tap relies on (a byte
 * stream both ways, poll-able, and a node that disappears on unplug and reappears on replug),
 * opened by the tap through its USB code path (src/tap/char-device.ts: O_NONBLOCK, no termios),
 * not as a tty. The printer's identity comes from a fake sysfs tree laid out like the kernel's.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PtyPair } from './socat.js';

export type Transport = 'serial' | 'usb';
export const TRANSPORTS: readonly Transport[] = ['serial', 'usb'];

export interface FakePrinter {
  vendorId: string;
  productId: string;
  bcdDevice?: string;
  manufacturer?: string;
  product?: string;
  serial?: string;
  /** IEEE 1284 device ID as usblp's ieee1284_id attribute shows it (no length prefix). */
  deviceId?: string;
}

export const GPRINTER: FakePrinter = {
  vendorId: '0483',
  productId: '5743',
  bcdDevice: '0100',
  manufacturer: 'Gprinter',
  product: 'GP-58MBIII',
  serial: 'GP58-000123',
  deviceId: 'MFG:Gprinter;CMD:ESC/POS;MDL:GP-58MBIII;CLS:PRINTER;DES:Thermal Receipt Printer;',
};

/**
 * sysfs as usblp leaves it for lpN: class/usbmisc/lpN -> devices/.../1-1.3:1.0/usbmisc/lpN, whose
 * `device` link is the interface (ieee1284_id) inside the USB device directory (idVendor ...).
 */
export function fakeUsbPrinterSysfs(root: string, lp: string, p: FakePrinter, port = '1-1.3'): void {
  const dev = join(root, 'devices', 'platform', 'soc', 'usb1', port);
  const intf = join(dev, `${port}:1.0`);
  mkdirSync(join(intf, 'usbmisc', lp), { recursive: true });
  const w = (dir: string, name: string, v: string | undefined): void => {
    if (v !== undefined) writeFileSync(join(dir, name), `${v}\n`);
  };
  w(dev, 'idVendor', p.vendorId);
  w(dev, 'idProduct', p.productId);
  w(dev, 'bcdDevice', p.bcdDevice);
  w(dev, 'manufacturer', p.manufacturer);
  w(dev, 'product', p.product);
  w(dev, 'serial', p.serial);
  w(intf, 'bInterfaceClass', '07');
  w(intf, 'ieee1284_id', p.deviceId);
  symlinkSync('../..', join(intf, 'usbmisc', lp, 'device'));
  mkdirSync(join(root, 'class', 'usbmisc'), { recursive: true });
  symlinkSync(join('..', '..', 'devices', 'platform', 'soc', 'usb1', port, `${port}:1.0`, 'usbmisc', lp), join(root, 'class', 'usbmisc', lp));
}

/** A bound gadget in a fake configfs, and its UDC's state in the fake sysfs. */
export function fakeGadget(configfs: string, sysfs: string, state: string, name = 'tillbox', udc = 'fe980000.usb'): (s: string) => void {
  mkdirSync(join(configfs, 'usb_gadget', name), { recursive: true });
  writeFileSync(join(configfs, 'usb_gadget', name, 'UDC'), `${udc}\n`);
  const dir = join(sysfs, 'class', 'udc', udc);
  mkdirSync(dir, { recursive: true });
  const set = (s: string): void => writeFileSync(join(dir, 'state'), `${s}\n`);
  set(state);
  return set;
}

export interface Lines {
  /** Test POS end ⇄ tap POS end. */
  pos: PtyPair;
  /** Tap printer end ⇄ test printer end. */
  prn: PtyPair;
  /** The config keys pointing the tap at its ends. */
  config: Record<string, unknown>;
}

/**
 * The two links of a tap test. serial: ptys opened as serial ports (pos.path, printer.path).
 * usb: the tap's ends stand in for /dev/g_printer0 and /dev/usb/lp0 (pos.usbGadget,
 * printer.usb), with the printer's identity in a fake sysfs under dir.
 */
export async function tapLines(transport: Transport, dir: string, line: Record<string, unknown> = {}): Promise<Lines> {
  if (transport === 'serial') {
    const pos = await PtyPair.create(join(dir, 'posT'), join(dir, 'posD'));
    const prn = await PtyPair.create(join(dir, 'prnD'), join(dir, 'prnT'));
    return { pos, prn, config: { pos: { path: pos.b, ...line }, printer: { path: prn.a, ...line } } };
  }
  const sysfs = join(dir, 'sys');
  fakeUsbPrinterSysfs(sysfs, 'lp0', GPRINTER);
  mkdirSync(join(dir, 'dev', 'usb'), { recursive: true });
  const pos = await PtyPair.create(join(dir, 'posT'), join(dir, 'dev', 'g_printer0'));
  const prn = await PtyPair.create(join(dir, 'dev', 'usb', 'lp0'), join(dir, 'prnT'));
  return {
    pos,
    prn,
    config: {
      pos: { usbGadget: true, gadgetPath: pos.b },
      printer: { usb: prn.a },
      usb: { sysfsRoot: sysfs, configfsRoot: join(dir, 'configfs'), devDir: join(dir, 'dev', 'usb') },
    },
  };
}
