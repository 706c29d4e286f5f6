import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import { gadgetEnv } from '../usb/gadget-env.js';
import { gadgetReady } from '../usb/gadget-state.js';
import { describePrinter, listUsbPrinters, readUsbPrinter } from '../usb/printer-info.js';
import { charDevicePort } from './char-device.js';
import type { SideDevice } from './serial-side.js';

/** The file the gadget unit applies (firmware-config/tillbox-gadget.service). */
export const GADGET_ENV_FILE = 'usb-gadget.env';

/**
 * The printer on the box's USB host port (usblp). `printer.usb: auto` finds it again at every
 * (re)open, since a replugged printer may come back as another lpN. Each open reads its identity
 * from sysfs, logs it, and leaves it in <dataDir>/usb-gadget.env for the gadget set-up to clone.
 */
export function usbPrinterDevice(config: Pick<Config, 'printer' | 'usb' | 'dataDir'>, logger: Logger): SideDevice {
  const { sysfsRoot, devDir } = config.usb;
  const want = config.printer.usb ?? 'auto';
  const log = logger.child({ module: 'tap', side: 'printer' });
  return {
    kind: 'usb',
    openPort: charDevicePort,
    resolvePath: () => {
      if (want !== 'auto') return want;
      const first = listUsbPrinters(sysfsRoot)[0];
      return first === undefined ? undefined : join(devDir, first);
    },
    describe: (path) => {
      const info = readUsbPrinter(sysfsRoot, path);
      if (info === undefined) return { identity: 'unknown (no usbmisc entry in sysfs)' };
      const deviceId = info.deviceId();
      saveGadgetEnv(config.dataDir, gadgetEnv(info), log);
      return { identity: describePrinter(info), deviceId: deviceId ?? null };
    },
  };
}

/** The POS side: the box as the POS's USB printer (the printer gadget's /dev/g_printerN). */
export function usbGadgetDevice(config: Pick<Config, 'usb'>): SideDevice {
  const { configfsRoot, sysfsRoot, gadgetName } = config.usb;
  return {
    kind: 'usb',
    openPort: charDevicePort,
    ready: () => gadgetReady(configfsRoot, sysfsRoot, gadgetName),
  };
}

/** Written only when it changed (an SD card is not rewritten on every replug), atomically. */
function saveGadgetEnv(dataDir: string, text: string, log: Logger): void {
  const file = join(dataDir, GADGET_ENV_FILE);
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // absent: write it
  }
  try {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    log.info({ file }, 'USB printer identity saved for the gadget to clone');
  } catch (err) {
    log.warn({ err, file }, 'cannot save the USB printer identity (the gadget keeps its previous one)');
  }
}
