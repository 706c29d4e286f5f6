import { accessSync, constants, existsSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Config } from '../config/types.js';
import { clockSynced } from '../journal/host-clock.js';
import { tcpAddresses } from '../tap/tcp-tap.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  /** Short name shown in the checklist, e.g. "pos port". */
  name: string;
  detail: string;
}

/** One doctor check; gets the validated config and returns one or more checklist lines. */
export type DoctorCheck = (config: Config) => Promise<CheckResult[]>;

async function serialPortCheck(name: string, path: string, baudRate: number): Promise<CheckResult> {
  if (!existsSync(path)) return { status: 'fail', name, detail: `${path} does not exist: adapter unplugged, or udev rule missing (firmware-config/99-tillbox.rules) [TBX_PORT_NOT_FOUND]` };
  const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
  const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e)));
  if (err === null) {
    await new Promise<void>((resolve) => port.close(() => resolve()));
    return { status: 'ok', name, detail: `${path} exists and is free` };
  }
  // serialport gives no code for a failed flock(); its message is the only signal.
  if (err.message.includes('Cannot lock port')) {
    return { status: 'fail', name, detail: `${path} is locked by another process (tillbox already running? a getty or terminal program?) [TBX_PORT_BUSY]` };
  }
  return { status: 'fail', name, detail: `${path} cannot be opened: ${err.message} (is the user in the dialout group?)` };
}

function listenCheck(host: string, port: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 'fail', name: 'pos listen', detail: `${host}:${port} ${err.code === 'EADDRINUSE' ? 'is in use (tillbox already running?) [TBX_PORT_BUSY]' : `cannot be opened: ${err.message}`}` }),
    );
    srv.listen(port, host, () => srv.close(() => resolve({ status: 'ok', name: 'pos listen', detail: `${host}:${port} is free` })));
  });
}

function printerReachable(host: string, port: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 2000 });
    const done = (r: CheckResult): void => {
      sock.destroy();
      resolve(r);
    };
    sock.once('connect', () => done({ status: 'ok', name: 'printer', detail: `${host}:${port} accepts connections` }));
    sock.once('timeout', () => done({ status: 'warn', name: 'printer', detail: `${host}:${port} did not answer within 2 s (printer off?)` }));
    sock.once('error', (err) => done({ status: 'warn', name: 'printer', detail: `${host}:${port} unreachable: ${err.message} (printer off?)` }));
  });
}

export const portsCheck: DoctorCheck = async (config) => {
  const tcp = tcpAddresses(config);
  if (tcp !== undefined) return [await listenCheck(tcp.listenHost, tcp.listenPort), await printerReachable(tcp.printerHost, tcp.printerPort)];
  if (config.pos.listen !== undefined || config.printer.host !== undefined) {
    return [{ status: 'fail', name: 'ports', detail: 'network mode needs both pos.listen and printer.host' }];
  }
  // A USB side is checked by usbCheck (src/usb/doctor.ts) instead.
  return [
    ...(config.pos.usbGadget ? [] : [await serialPortCheck('pos port', config.pos.path, config.pos.baudRate)]),
    ...(config.printer.usb !== undefined ? [] : [await serialPortCheck('printer port', config.printer.path, config.printer.baudRate)]),
  ];
};

const MiB = 1024 * 1024;

export const dataDirCheck: DoctorCheck = async (config) => {
  const dir = config.dataDir;
  if (!existsSync(dir)) {
    // Not created here: `tillbox run` creates it (under systemd, StateDirectory= does).
    let parent = dirname(dir);
    while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
    try {
      accessSync(parent, constants.W_OK);
      return [{ status: 'warn', name: 'dataDir', detail: `${dir} does not exist yet; tillbox run will create it` }];
    } catch {
      return [{ status: 'fail', name: 'dataDir', detail: `${dir} does not exist and ${parent} is not writable (systemd creates it with StateDirectory=tillbox)` }];
    }
  }
  try {
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (err) {
    return [{ status: 'fail', name: 'dataDir', detail: `${dir} is not writable: ${(err as Error).message}` }];
  }
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const text = `${dir} writable, ${(free / MiB).toFixed(0)} MiB free`;
  if (free < 64 * MiB) return [{ status: 'fail', name: 'dataDir', detail: `${text}: under 64 MiB, the journal will stall` }];
  if (free < config.journal.maxBytes) return [{ status: 'warn', name: 'dataDir', detail: `${text}: less than journal.maxBytes (${(config.journal.maxBytes / MiB).toFixed(0)} MiB)` }];
  return [{ status: 'ok', name: 'dataDir', detail: text }];
};

export const clockCheck: DoctorCheck = async () => [
  (await clockSynced())
    ? { status: 'ok', name: 'clock', detail: 'synchronised' }
    : { status: 'warn', name: 'clock', detail: 'not known to be synchronised (no NTP yet, or no RTC): journal rows are marked clock_synced=0' },
];
