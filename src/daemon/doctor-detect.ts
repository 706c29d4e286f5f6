import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import { openJournalReader } from '../journal/reader.js';
import { DATE_ORDERS_FILE, TillDateOrders, tillKey } from '../pipeline/date-orders.js';
import { decoderOptionsFromConfig } from '../pipeline/options.js';
import { detectReport, formatReport, type DetectInput, type DetectReport } from '../linedetect/report.js';
import type { LineSetting } from '../linedetect/settings.js';
import type { TextDetector } from '../linedetect/text-mode.js';

/** Traffic after which listening stops early: a dozen receipts, plenty for every verdict. */
export const DETECT_ENOUGH_BYTES = 16 * 1024;
/** Journal rows looked back over when the daemon is running. */
const JOURNAL_TAIL_ROWS = 5000;
const POLL_MS = 200;

export interface DetectOptions {
  /** Longest time to listen (or to wait for new journal rows). */
  seconds: number;
  /** Where udev names adapters by serial number. */
  byIdDir: string;
  detectText?: TextDetector;
}

function configuredSetting(config: Config): LineSetting {
  const p = config.pos;
  // 5/6 data bits and mark/space parity are not ESC/POS tills; read them as the nearest candidate.
  return { baudRate: p.baudRate, dataBits: p.dataBits === 7 ? 7 : 8, parity: p.parity === 'even' || p.parity === 'odd' ? p.parity : 'none', stopBits: p.stopBits === 2 ? 2 : 1 };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The running daemon's view: the tail of its journal, then new rows for up to `seconds`. */
async function fromJournal(config: Config, seconds: number): Promise<{ pos: Buffer; printer: Buffer }> {
  const file = join(config.dataDir, 'journal.db');
  const reader = openJournalReader(file);
  try {
    const pos: Buffer[] = [];
    const printer: Buffer[] = [];
    let size = 0;
    let after = Math.max(0, reader.lastSeq() - JOURNAL_TAIL_ROWS);
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      // readAfter registers no cursor: this one-off reader never pins the journal's retention.
      for (const c of reader.readAfter(after, 1000)) {
        after = c.seq;
        (c.dir === 'pos>printer' ? pos : printer).push(c.bytes);
        if (c.dir === 'pos>printer') size += c.bytes.length;
      }
      if (size >= DETECT_ENOUGH_BYTES || Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
    return { pos: Buffer.concat(pos).subarray(-4 * DETECT_ENOUGH_BYTES), printer: Buffer.concat(printer) };
  } finally {
    reader.close();
  }
}

/**
 * Opens a serial port for reading only (locked, so it never shares a port with the daemon, and
 * nothing is ever written to it), collects what arrives for up to `seconds`, closes. Resolves
 * null when the port is locked: the daemon is running.
 */
async function listen(path: string, s: LineSetting, seconds: number): Promise<Buffer | null> {
  const port = new SerialPort({ path, baudRate: s.baudRate, dataBits: s.dataBits, parity: s.parity, stopBits: s.stopBits, autoOpen: false, hupcl: false });
  const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e)));
  if (err !== null) {
    // serialport gives no code for a failed flock(); its message is the only signal.
    if (err.message.includes('Cannot lock port')) return null;
    throw new TillboxError('TBX_PORT_NOT_FOUND', `${path} cannot be opened: ${err.message}`, { cause: err });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    port.on('data', (b: Buffer) => {
      chunks.push(b);
      size += b.length;
      if (size >= DETECT_ENOUGH_BYTES) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise<void>((resolve) => port.close(() => resolve()));
  return Buffer.concat(chunks);
}

/** `/dev/serial/by-id/*` with the device each names and which configured side it is. */
export function serialById(dir: string, config: Config): string[] {
  if (!existsSync(dir)) return [`${dir}: none (no USB serial adapters plugged in, or not a Linux host)`];
  const real = (p: string): string | null => {
    try {
      return realpathSync(p);
    } catch {
      return null;
    }
  };
  const pos = real(config.pos.path);
  const printer = real(config.printer.path);
  return readdirSync(dir).map((name) => {
    const dev = real(join(dir, name));
    const role = dev !== null && dev === pos ? 'configured as pos.path' : dev !== null && dev === printer ? 'configured as printer.path' : 'not configured';
    return `${join(dir, name)} -> ${dev ?? '?'} (${role})`;
  });
}

/**
 * `doctor --detect`: reads the POS line (the journal when the daemon runs, the port itself when
 * it does not) and reports the line settings, text mode, paper width, date order and sides.
 */
export async function runDetect(config: Config, opts: DetectOptions): Promise<{ text: string; report: DetectReport; input: DetectInput }> {
  const configured = configuredSetting(config);
  let source: DetectInput['source'] = 'journal';
  let pos: Buffer;
  let printer: Buffer = Buffer.alloc(0);
  const notes: string[] = [];
  if (config.pos.listen !== undefined) {
    // A network POS prints to the daemon's socket: only the daemon can listen there.
    if (!existsSync(join(config.dataDir, 'journal.db'))) throw new TillboxError('TBX_INPUT_INVALID', `network mode (pos.listen): start tillbox run and print a few receipts, then run doctor --detect again (no journal in ${config.dataDir})`);
    ({ pos, printer } = await fromJournal(config, opts.seconds));
  } else {
    if (!existsSync(config.pos.path)) throw new TillboxError('TBX_PORT_NOT_FOUND', `${config.pos.path} does not exist: adapter unplugged, or udev rule missing`);
    // Both sides at once, so the printer's status bytes arrive in the same window.
    const [p, q] = await Promise.all([listen(config.pos.path, configured, opts.seconds), existsSync(config.printer.path) ? listen(config.printer.path, configured, opts.seconds).catch(() => Buffer.alloc(0)) : Promise.resolve(Buffer.alloc(0))]);
    if (p === null) {
      notes.push(`${config.pos.path} is locked: the daemon is running, so its journal was read instead`);
      ({ pos, printer } = await fromJournal(config, opts.seconds));
    } else {
      source = 'listen';
      pos = p;
      printer = q ?? Buffer.alloc(0);
    }
  }
  const learnedFile = join(config.dataDir, DATE_ORDERS_FILE);
  const learned = existsSync(learnedFile) ? new TillDateOrders(learnedFile).order(tillKey(config)) : null;
  const input: DetectInput = { source, configured, pos, printer, decoder: decoderOptionsFromConfig(config), learnedDateOrder: learned, ...(opts.detectText === undefined ? {} : { detectText: opts.detectText }) };
  const report = detectReport(input);
  const text = formatReport(report, input, [...notes, ...serialById(opts.byIdDir, config)]);
  return { text, report, input };
}
