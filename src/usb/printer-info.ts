import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A USB printer's identity as the kernel's usblp driver shows it in sysfs, read under a root
 * directory (`/sys` on the box, a temporary tree in the tests):
 *
 *   <root>/class/usbmisc/lpN/device/             the printer interface (bInterfaceClass 07)
 *   <root>/class/usbmisc/lpN/device/ieee1284_id  the IEEE 1284 device ID, without its length prefix
 *   <root>/class/usbmisc/lpN/device/../          the USB device: idVendor, idProduct, bcdDevice,
 *                                                manufacturer, product, serial
 *
 * `device` is a symlink into /sys/devices, so `device/..` is the interface's parent, the device.
 * The same ID the `LPIOC_GET_DEVICE_ID` ioctl returns, without an ioctl (none from Node).
 */
export interface UsbPrinterInfo {
  /** usblp's name: lp0, lp1 ... */
  name: string;
  /** Four hex digits, lower case, as sysfs prints them. */
  vendorId: string;
  productId: string;
  bcdDevice: string | undefined;
  strings: { manufacturer: string | undefined; product: string | undefined; serial: string | undefined };
  /** Re-read on each call (usblp refreshes it on open). Undefined when the printer gave none. */
  deviceId(): string | undefined;
}

function attr(dir: string, name: string): string | undefined {
  try {
    const v = readFileSync(join(dir, name), 'utf8').replace(/\n$/, '');
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * The printer behind usblp device `name` (lp0, or a path ending in it, or a udev symlink to one
 * such as /dev/tillbox-printer-usb), or undefined when sysfs has none.
 */
export function readUsbPrinter(sysfsRoot: string, name: string): UsbPrinterInfo | undefined {
  const direct = readLp(sysfsRoot, basename(name));
  if (direct !== undefined || !name.includes('/')) return direct;
  try {
    return readLp(sysfsRoot, basename(realpathSync(name)));
  } catch {
    return undefined;
  }
}

function readLp(sysfsRoot: string, lp: string): UsbPrinterInfo | undefined {
  let intf: string;
  try {
    // Resolved, not joined: path.join would fold `device/..` lexically into the class directory.
    intf = realpathSync(join(sysfsRoot, 'class', 'usbmisc', lp, 'device'));
  } catch {
    return undefined;
  }
  const dev = dirname(intf);
  const vendorId = attr(dev, 'idVendor');
  const productId = attr(dev, 'idProduct');
  if (vendorId === undefined || productId === undefined) return undefined;
  return {
    name: lp,
    vendorId,
    productId,
    bcdDevice: attr(dev, 'bcdDevice'),
    strings: { manufacturer: attr(dev, 'manufacturer'), product: attr(dev, 'product'), serial: attr(dev, 'serial') },
    deviceId: () => attr(intf, 'ieee1284_id'),
  };
}

/** usblp devices sysfs knows of, lowest number first (lp0 before lp1, lp10 after lp9). */
export function listUsbPrinters(sysfsRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(sysfsRoot, 'class', 'usbmisc'));
  } catch {
    return [];
  }
  return names.filter((n) => /^lp\d+$/.test(n)).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

/** A short description for the log and doctor: "0483:5743 Gprinter GP-58 (serial …)". */
export function describePrinter(p: UsbPrinterInfo): string {
  const s = p.strings;
  const words = [s.manufacturer, s.product].filter((w) => w !== undefined).join(' ');
  return `${p.vendorId}:${p.productId}${words !== '' ? ` ${words}` : ''}${s.serial !== undefined ? ` (serial ${s.serial})` : ''}`;
}
