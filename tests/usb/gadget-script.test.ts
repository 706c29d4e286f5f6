/**
 * firmware-config/tillbox-gadget.sh against a fake configfs and sysfs (a temporary directory):
 * there is no configfs and no USB device controller on this machine. A real configfs creates the
 * attribute files itself on mkdir; here the script's writes create them, which is what is checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gadgetEnv } from '../../src/usb/gadget-env.js';
import { readGadgetState } from '../../src/usb/gadget-state.js';
import { readUsbPrinter } from '../../src/usb/printer-info.js';
import { tempDir } from '../support/tmp.js';
import { fakeUsbPrinterSysfs, GPRINTER } from '../support/usb-emulation.js';

const SCRIPT = resolve(import.meta.dirname, '..', '..', 'firmware-config', 'tillbox-gadget.sh');

function tree() {
  const t = tempDir('tbx-gadget-');
  const cfs = join(t.dir, 'configfs');
  const sys = join(t.dir, 'sys');
  mkdirSync(join(cfs, 'usb_gadget'), { recursive: true });
  mkdirSync(join(sys, 'class', 'udc', 'fe980000.usb'), { recursive: true });
  return { ...t, cfs, sys, g: join(cfs, 'usb_gadget', 'tillbox') };
}

/** Runs the script with the env file the tap writes, read the way a shell reads it. */
function run(cfs: string, sys: string, cmd: string, envFile?: string, extra: Record<string, string> = {}) {
  const load = envFile !== undefined ? `set -a; . '${envFile}'; set +a; ` : '';
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TBX_USB_')));
  return spawnSync('sh', ['-c', `${load}exec '${SCRIPT}' ${cmd}`], { env: { ...clean, TBX_CONFIGFS: cfs, TBX_SYSFS: sys, ...extra }, encoding: 'utf8' });
}

function envFileFor(dir: string, product = GPRINTER.product, productId = GPRINTER.productId): string {
  const sys = join(dir, `printer-sys-${productId}`);
  fakeUsbPrinterSysfs(sys, 'lp0', { ...GPRINTER, productId, ...(product !== undefined ? { product } : {}) });
  const file = join(dir, `usb-gadget-${productId}.env`);
  writeFileSync(file, gadgetEnv(readUsbPrinter(sys, 'lp0')!));
  return file;
}

const read = (p: string): string => readFileSync(p, 'utf8');

describe('gadget set-up script (fake configfs)', () => {
  it('up: the cloned identity, the printer function, one configuration, bound to the first UDC', () => {
    const t = tree();
    try {
      const r = run(t.cfs, t.sys, 'up', envFileFor(t.dir, 'GP-58 "$(touch pwned)"'));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const g = t.g;
      expect(read(join(g, 'idVendor'))).toBe('0x0483\n');
      expect(read(join(g, 'idProduct'))).toBe('0x5743\n');
      expect(read(join(g, 'bcdDevice'))).toBe('0x0100\n');
      expect(read(join(g, 'bcdUSB'))).toBe('0x0200\n');
      expect(read(join(g, 'strings/0x409/manufacturer'))).toBe('Gprinter\n');
      // A hostile string arrives as text, and nothing ran.
      expect(read(join(g, 'strings/0x409/product'))).toBe('GP-58 "$(touch pwned)"\n');
      expect(existsSync(join(t.dir, 'pwned'))).toBe(false);
      expect(read(join(g, 'strings/0x409/serialnumber'))).toBe('GP58-000123\n');
      expect(read(join(g, 'functions/printer.usb0/pnp_string'))).toBe(`${GPRINTER.deviceId}\n`);
      expect(read(join(g, 'functions/printer.usb0/q_len'))).toBe('10\n');
      expect(read(join(g, 'configs/c.1/strings/0x409/configuration'))).toBe('printer\n');
      expect(read(join(g, 'configs/c.1/bmAttributes'))).toBe('0xc0\n');
      expect(readlinkSync(join(g, 'configs/c.1/printer.usb0'))).toBe(join(g, 'functions/printer.usb0'));
      expect(read(join(g, 'UDC'))).toBe('fe980000.usb\n');
      // What doctor reads back.
      writeFileSync(join(t.sys, 'class', 'udc', 'fe980000.usb', 'state'), 'configured\n');
      expect(readGadgetState(t.cfs, t.sys, 'tillbox')).toMatchObject({ present: true, udc: 'fe980000.usb', hostConnected: true, vendorId: '0x0483', productId: '0x5743', pnpString: GPRINTER.deviceId });
    } finally {
      t.cleanup();
    }
  });

  it('up again with another printer rebinds with the new identity; down unbinds', () => {
    const t = tree();
    try {
      expect(run(t.cfs, t.sys, 'up', envFileFor(t.dir)).status).toBe(0);
      const again = run(t.cfs, t.sys, 'up', envFileFor(t.dir, 'XP-58', '5744'), { TBX_UDC: 'other.udc', TBX_USB_QLEN: '32' });
      expect(again.status).toBe(0);
      expect(read(join(t.g, 'idProduct'))).toBe('0x5744\n');
      expect(read(join(t.g, 'strings/0x409/product'))).toBe('XP-58\n');
      expect(read(join(t.g, 'functions/printer.usb0/q_len'))).toBe('32\n');
      expect(read(join(t.g, 'UDC'))).toBe('other.udc\n');
      expect(run(t.cfs, t.sys, 'down').status).toBe(0);
      expect(read(join(t.g, 'UDC'))).toBe('\n');
    } finally {
      t.cleanup();
    }
  });

  it('refuses without an identity, with a malformed id, or without a UDC, and binds nothing', () => {
    const t = tree();
    try {
      const none = run(t.cfs, t.sys, 'up');
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('no printer identity to clone');
      const bad = run(t.cfs, t.sys, 'up', undefined, { TBX_USB_VENDOR: '0483', TBX_USB_PRODUCT: '0x5743' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("TBX_USB_VENDOR: expected 0x and four hex digits, got '0483'");
      const noUdc = run(t.cfs, join(t.dir, 'empty-sys'), 'up', envFileFor(t.dir));
      expect(noUdc.status).toBe(3);
      expect(noUdc.stderr).toContain('no USB device controller');
      expect(existsSync(join(t.g, 'UDC'))).toBe(false);
      expect(run(t.cfs, t.sys, 'sideways').status).toBe(2);
    } finally {
      t.cleanup();
    }
  });
});
