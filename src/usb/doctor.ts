import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config } from '../config/types.js';
import type { CheckResult, DoctorCheck } from '../daemon/doctor-checks.js';
import { readGadgetState } from './gadget-state.js';
import { describePrinter, listUsbPrinters, readUsbPrinter } from './printer-info.js';

function gadgetLine(config: Config): CheckResult {
  const { configfsRoot, sysfsRoot, gadgetName } = config.usb;
  const name = 'usb gadget';
  const s = readGadgetState(configfsRoot, sysfsRoot, gadgetName);
  if (!s.present) return { status: 'fail', name, detail: `no gadget ${gadgetName} in ${configfsRoot}/usb_gadget: tillbox-gadget.service not run yet (it needs the printer's identity, docs/usb.md)` };
  const clone = `${s.vendorId ?? '?'}:${s.productId ?? '?'}${s.pnpString !== undefined ? `, 1284 ID ${s.pnpString}` : ', no 1284 ID'}`;
  if (s.udc === undefined) return { status: 'fail', name, detail: `${gadgetName} (${clone}) is not bound to a USB device controller (dtoverlay=dwc2? see firmware-config/config.txt.md)` };
  if (!existsSync(config.pos.gadgetPath)) return { status: 'fail', name, detail: `bound to ${s.udc}, but ${config.pos.gadgetPath} does not exist (pos.gadgetPath; udev rule?)` };
  if (!s.hostConnected) {
    return { status: 'warn', name, detail: `bound to ${s.udc} (${clone}); POS not connected (UDC state: ${s.udcState ?? 'unknown'}): cable in the OTG port? in bypass the POS sees the printer itself` };
  }
  return { status: 'ok', name, detail: `bound to ${s.udc}, POS connected (configured); presents ${clone}` };
}

function printerLine(config: Config): CheckResult[] {
  const { sysfsRoot, devDir, configfsRoot, gadgetName } = config.usb;
  const name = 'usb printer';
  const want = config.printer.usb ?? 'auto';
  const first = listUsbPrinters(sysfsRoot)[0];
  const path = want === 'auto' ? (first !== undefined ? join(devDir, first) : undefined) : want;
  // Behind the bypass switch the printer is wired to the POS, not the box, while tillbox is stopped.
  const missing = config.bypass.enabled ? 'warn' : 'fail';
  const behind = config.bypass.enabled ? ' (with bypass on it shows up only while tillbox runs and the relay is energised)' : '';
  if (path === undefined) return [{ status: missing, name, detail: `no USB printer found (usblp in ${sysfsRoot}/class/usbmisc): plugged into the box's USB-A port?${behind}` }];
  if (!existsSync(path)) return [{ status: missing, name, detail: `${path} does not exist${behind}` }];
  const info = readUsbPrinter(sysfsRoot, path);
  if (info === undefined) return [{ status: 'warn', name, detail: `${path} exists, but sysfs has no identity for it: the gadget cannot clone it` }];
  const id = info.deviceId();
  const out: CheckResult[] = [{ status: 'ok', name, detail: `${path}: ${describePrinter(info)}; IEEE 1284 ID ${id ?? '(none)'}` }];
  if (config.pos.usbGadget) {
    const g = readGadgetState(configfsRoot, sysfsRoot, gadgetName);
    if (g.present && (g.vendorId !== `0x${info.vendorId}` || g.productId !== `0x${info.productId}` || (g.pnpString ?? '') !== (id ?? ''))) {
      out.push({ status: 'warn', name: 'usb clone', detail: `the gadget presents ${g.vendorId ?? '?'}:${g.productId ?? '?'} but the printer is 0x${info.vendorId}:0x${info.productId}: the POS driver may not bind (systemctl start tillbox-gadget)` });
    }
  }
  return out;
}

function onPath(cmd: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((d) => {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function bypassLine(config: Config): CheckResult {
  const b = config.bypass;
  const name = 'bypass relay';
  if (!onPath('gpioset')) return { status: 'fail', name, detail: 'gpioset not found: apt install gpiod (libgpiod tools; the relay is held through it)' };
  const dev = join('/dev', b.chip);
  if (!existsSync(dev)) return { status: 'fail', name, detail: `${dev} does not exist (bypass.chip; gpiochip0 on a Pi)` };
  return { status: 'ok', name, detail: `${b.chip} line ${b.line}${b.activeLow ? ' (active low)' : ''}; released after ${b.sideLossMs} ms of side loss or ${b.hangMs} ms of stalled loop` };
}

/** USB sides and the bypass relay, when configured: nothing is printed for a serial/TCP box without them. */
export const usbCheck: DoctorCheck = async (config) => {
  const out: CheckResult[] = [];
  if (config.pos.usbGadget) out.push(gadgetLine(config));
  if (config.printer.usb !== undefined) out.push(...printerLine(config));
  if (config.bypass.enabled) out.push(bypassLine(config));
  return out;
};
