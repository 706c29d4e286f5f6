import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { serialById } from '../../src/daemon/doctor-detect.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('/dev/serial/by-id listing', () => {
  it('names the device behind each udev link and which configured side it is', () => {
    // A stand-in for /dev/serial/by-id: links to files playing the ttyUSB devices.
    const byId = join(tmp.dir, 'by-id');
    mkdirSync(byId);
    for (const dev of ['ttyUSB0', 'ttyUSB1', 'ttyUSB2']) writeFileSync(join(tmp.dir, dev), '');
    symlinkSync(join(tmp.dir, 'ttyUSB0'), join(byId, 'usb-FTDI_FT232R_A1-if00-port0'));
    symlinkSync(join(tmp.dir, 'ttyUSB1'), join(byId, 'usb-Prolific_PL2303-if00-port0'));
    symlinkSync(join(tmp.dir, 'ttyUSB2'), join(byId, 'usb-CH340_serial-if00-port0'));
    symlinkSync(join(tmp.dir, 'ttyUSB1'), join(tmp.dir, 'tillbox-pos')); // the udev rule's stable name
    const config = loadConfig(undefined, { TILLBOX_POS_PATH: join(tmp.dir, 'tillbox-pos'), TILLBOX_PRINTER_PATH: join(tmp.dir, 'ttyUSB0') });
    expect(serialById(byId, config)).toEqual([
      { link: join(byId, 'usb-CH340_serial-if00-port0'), device: join(tmp.dir, 'ttyUSB2'), role: null },
      { link: join(byId, 'usb-FTDI_FT232R_A1-if00-port0'), device: join(tmp.dir, 'ttyUSB0'), role: 'printer.path' },
      { link: join(byId, 'usb-Prolific_PL2303-if00-port0'), device: join(tmp.dir, 'ttyUSB1'), role: 'pos.path' },
    ]);
    expect(serialById(join(tmp.dir, 'absent'), config)).toEqual([]);
  });
});
