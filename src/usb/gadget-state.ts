import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The USB printer gadget (the box's POS side) as configfs and sysfs show it: the gadget the set-up
 * script made (firmware-config/tillbox-gadget.sh), the device controller (UDC) it is bound to, and
 * that controller's state, "configured" once the POS has enumerated the box as its printer.
 */
export interface GadgetState {
  /** <configfsRoot>/usb_gadget/<name> exists. */
  present: boolean;
  /** The UDC the gadget is bound to (empty UDC file: not bound). */
  udc: string | undefined;
  /** /sys/class/udc/<udc>/state: not attached, powered, default, addressed, configured, suspended. */
  udcState: string | undefined;
  hostConnected: boolean;
  vendorId: string | undefined;
  productId: string | undefined;
  pnpString: string | undefined;
}

function text(path: string): string | undefined {
  try {
    const v = readFileSync(path, 'utf8').trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

export function readGadgetState(configfsRoot: string, sysfsRoot: string, name: string): GadgetState {
  const g = join(configfsRoot, 'usb_gadget', name);
  const present = existsSync(g);
  const udc = present ? text(join(g, 'UDC')) : undefined;
  const udcState = udc !== undefined ? text(join(sysfsRoot, 'class', 'udc', udc, 'state')) : undefined;
  return {
    present,
    udc,
    udcState,
    hostConnected: udcState === 'configured',
    vendorId: present ? text(join(g, 'idVendor')) : undefined,
    productId: present ? text(join(g, 'idProduct')) : undefined,
    pnpString: present ? text(join(g, 'functions', 'printer.usb0', 'pnp_string')) : undefined,
  };
}

/**
 * Whether the gadget side can carry bytes now: bound and the host connected. Without a gadget in
 * configfs (g_printer loaded as a module, or configfs not mounted) nothing is known, and only the
 * device node's presence counts.
 */
export function gadgetReady(configfsRoot: string, sysfsRoot: string, name: string): boolean {
  const s = readGadgetState(configfsRoot, sysfsRoot, name);
  return !s.present || s.hostConnected;
}
