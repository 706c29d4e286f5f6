/**
 * `tillbox doctor` on a USB box. No gadget, USB printer or GPIO chip exists on this machine: the
 * gadget's configfs, the UDC state and the printer's sysfs are fake trees, the printer's device
 * node an ordinary file (doctor only looks for it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { fakeGadget, fakeUsbPrinterSysfs, GPRINTER } from '../support/usb-emulation.js';

const tmp = tempDir('tbx-usb-doctor-');
afterAll(tmp.cleanup);

async function doctor(dir: string, extra: object = {}): Promise<string> {
  const file = join(dir, 'tillbox.yaml');
  writeFileSync(
    file,
    stringify({
      dataDir: join(dir, 'data'),
      pos: { usbGadget: true, gadgetPath: join(dir, 'g_printer0') },
      printer: { usb: 'auto' },
      usb: { sysfsRoot: join(dir, 'sys'), configfsRoot: join(dir, 'cfs'), devDir: join(dir, 'dev') },
      ...extra,
    }),
  );
  return (await tillbox(['doctor', '--config', file])).out;
}

describe('tillbox doctor: USB sides', () => {
  it('reports the gadget (bound UDC, host connected) and the printer identity, and a clone that does not match', async () => {
    const d = join(tmp.dir, 'a');
    mkdirSync(join(d, 'dev'), { recursive: true });
    let out = await doctor(d);
    expect(out).toMatch(/FAIL\s+usb gadget\s+no gadget tillbox in .*cfs\/usb_gadget/);
    expect(out).toMatch(/FAIL\s+usb printer\s+no USB printer found/);
    expect(out).not.toMatch(/pos port|printer port/);

    fakeUsbPrinterSysfs(join(d, 'sys'), 'lp0', GPRINTER);
    writeFileSync(join(d, 'dev', 'lp0'), '');
    writeFileSync(join(d, 'g_printer0'), '');
    const setState = fakeGadget(join(d, 'cfs'), join(d, 'sys'), 'not attached');
    const g = join(d, 'cfs', 'usb_gadget', 'tillbox');
    writeFileSync(join(g, 'idVendor'), '0x0483\n');
    writeFileSync(join(g, 'idProduct'), '0x5743\n');
    mkdirSync(join(g, 'functions', 'printer.usb0'), { recursive: true });
    writeFileSync(join(g, 'functions', 'printer.usb0', 'pnp_string'), `${GPRINTER.deviceId}\n`);
    out = await doctor(d);
    expect(out).toMatch(/warn\s+usb gadget\s+bound to fe980000\.usb \(0x0483:0x5743, 1284 ID MFG:Gprinter;.*\); POS not connected \(UDC state: not attached\)/);
    expect(out).toMatch(/ok\s+usb printer\s+\S+\/dev\/lp0: 0483:5743 Gprinter GP-58MBIII \(serial GP58-000123\); IEEE 1284 ID MFG:Gprinter;CMD:ESC\/POS;MDL:GP-58MBIII;/);
    expect(out).not.toMatch(/usb clone/);
    setState('configured');
    expect(await doctor(d)).toMatch(/ok\s+usb gadget\s+bound to fe980000\.usb, POS connected \(configured\); presents 0x0483:0x5743/);
    // Another printer plugged in, gadget not re-cloned yet.
    writeFileSync(join(g, 'idProduct'), '0x5744\n');
    expect(await doctor(d)).toMatch(/warn\s+usb clone\s+the gadget presents 0x0483:0x5744 but the printer is 0x0483:0x5743/);
  });

  it('with bypass on, a missing printer is a warning (it is behind the switch) and the relay line is checked', async () => {
    const d = join(tmp.dir, 'b');
    mkdirSync(d, { recursive: true });
    const out = await doctor(d, { bypass: { enabled: true, chip: 'gpiochip-not-here' } });
    expect(out).toMatch(/warn\s+usb printer\s+no USB printer found.*shows up only while tillbox runs/);
    expect(out).toMatch(/FAIL\s+bypass relay\s+(gpioset not found|\/dev\/gpiochip-not-here does not exist)/);
  });
});
