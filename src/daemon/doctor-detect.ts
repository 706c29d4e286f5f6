import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import { openJournalReader } from '../journal/reader.js';
import { DATE_ORDERS_FILE, TillDateOrders, tillKey } from '../pipeline/date-orders.js';
import { decoderOptionsFromConfig } from '../pipeline/options.js';
import { detectReport, formatReport, type DetectInput, type DetectReport } from '../linedetect/report.js';
import { CANDIDATE_BAUDS, settingLabel, type LineSetting } from '../linedetect/settings.js';
import { judgeBytes } from '../linedetect/detect-bytes.js';
import type { TextDetector } from '../linedetect/text-mode.js';
import { classifySide } from '../linedetect/plausibility.js';

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
        if (c.dir === 'box>printer') continue; // the box's own footer, not the till's line
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

export interface ByIdEntry {
  link: string;
  device: string | null;
  role: 'pos.path' | 'printer.path' | null;
}

/** Seconds per rate when re-listening at other rates. */
const SCAN_SECONDS = 3;

/**
 * Garbage at the configured rate on a real UART: listen again at the guessed rate, then at every
 * other candidate rate, until one reads clean ESC/POS. Only ever standalone (the daemon is not
 * running, so the printer path does not go through this box's ports). A pty ignores the rate, so
 * there every rate reads the same bytes and none is confirmed.
 */
async function scanRates(path: string, configured: LineSetting, first: Buffer, seconds: number): Promise<{ found: { setting: LineSetting; bytes: Buffer } | null; notes: string[] }> {
  const guess = judgeBytes(first, configured).proposed?.baudRate ?? configured.baudRate;
  const rates = [guess, ...CANDIDATE_BAUDS.filter((b) => b !== guess && b !== configured.baudRate)];
  const notes: string[] = [];
  for (const baudRate of rates) {
    const setting = { ...configured, baudRate };
    const bytes = await listen(path, setting, seconds);
    if (bytes === null) break; // the daemon was started meanwhile: stop touching the port
    const v = judgeBytes(bytes, setting);
    notes.push(`re-listened at ${settingLabel(setting)} for ${seconds} s: ${v.verdict} (${bytes.length} bytes, plausibility ${v.stats.score.toFixed(2)})`);
    if (v.verdict === 'clean' || v.verdict === 'seven-bit') return { found: { setting, bytes }, notes };
  }
  notes.push('no rate read clean ESC/POS: the proposed rate below is the guess from the bytes at the configured rate');
  return { found: null, notes };
}

/** `/dev/serial/by-id/*` (udev's names by adapter serial number) and the device each names. */
export function serialById(dir: string, config: Config): ByIdEntry[] {
  if (!existsSync(dir)) return [];
  const real = (p: string): string | null => {
    try {
      return realpathSync(p);
    } catch {
      return null;
    }
  };
  const pos = real(config.pos.path);
  const printer = real(config.printer.path);
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const device = real(join(dir, name));
      return { link: join(dir, name), device, role: device !== null && device === pos ? 'pos.path' : device !== null && device === printer ? 'printer.path' : null };
    });
}

/** One line per adapter: what it is configured as, and (when it was listened to) which side it looks like. */
function byIdLines(dir: string, entries: readonly ByIdEntry[], heard: ReadonlyMap<string, Buffer>): string[] {
  if (entries.length === 0) return [`${dir}: none (no USB serial adapters plugged in, or not a Linux host)`];
  return entries.map((e) => {
    const bytes = e.device === null ? undefined : heard.get(e.device);
    const looks = bytes === undefined ? 'not listened to' : ((c) => `looks like the ${c.side === 'pos' ? 'POS side' : c.side === 'printer' ? 'printer side' : c.side}: ${c.why}`)(classifySide(bytes));
    return `${e.link} -> ${e.device ?? '?'} (${e.role === null ? 'not configured' : `configured as ${e.role}`}; ${looks})`;
  });
}

/**
 * `doctor --detect`: reads the POS line (the journal when the daemon runs, the port itself when
 * it does not) and reports the line settings, text mode, paper width, date order and sides.
 */
export async function runDetect(config: Config, opts: DetectOptions): Promise<{ text: string; report: DetectReport; input: DetectInput }> {
  let configured = configuredSetting(config);
  let source: DetectInput['source'] = 'journal';
  let pos: Buffer;
  let printer: Buffer = Buffer.alloc(0);
  const notes: string[] = [];
  const heard = new Map<string, Buffer>();
  if (config.pos.listen !== undefined) {
    // A network POS prints to the daemon's socket: only the daemon can listen there.
    if (!existsSync(join(config.dataDir, 'journal.db'))) throw new TillboxError('TBX_INPUT_INVALID', `network mode (pos.listen): start tillbox run and print a few receipts, then run doctor --detect again (no journal in ${config.dataDir})`);
    ({ pos, printer } = await fromJournal(config, opts.seconds));
  } else {
    if (!existsSync(config.pos.path)) throw new TillboxError('TBX_PORT_NOT_FOUND', `${config.pos.path} does not exist: adapter unplugged, or udev rule missing`);
    // Both sides at once (and every other adapter udev names), so each is heard in the same window.
    const byId = serialById(opts.byIdDir, config);
    const others = byId.filter((e) => e.role === null && e.device !== null).map((e) => e.device as string);
    const quiet = (path: string): Promise<Buffer> => listen(path, configured, opts.seconds).then((b) => b ?? Buffer.alloc(0), () => Buffer.alloc(0));
    const [p, q, ...rest] = await Promise.all([listen(config.pos.path, configured, opts.seconds), existsSync(config.printer.path) ? quiet(config.printer.path) : Promise.resolve(Buffer.alloc(0)), ...others.map(quiet)]);
    if (p === null) {
      notes.push(`${config.pos.path} is locked: the daemon is running, so its journal was read instead`);
      ({ pos, printer } = await fromJournal(config, opts.seconds));
    } else {
      source = 'listen';
      pos = p;
      printer = q ?? Buffer.alloc(0);
      const real = (x: string): string => (existsSync(x) ? realpathSync(x) : x);
      heard.set(real(config.pos.path), pos).set(real(config.printer.path), printer);
      others.forEach((dev, i) => heard.set(dev, rest[i] ?? Buffer.alloc(0)));
    }
  }
  const learnedFile = join(config.dataDir, DATE_ORDERS_FILE);
  const learned = existsSync(learnedFile) ? new TillDateOrders(learnedFile, { persist: false }).order(tillKey(config)) : null;
  if (source === 'listen' && judgeBytes(pos, configured).verdict === 'wrong-rate') {
    const scan = await scanRates(config.pos.path, configured, pos, Math.min(opts.seconds, SCAN_SECONDS));
    notes.push(...scan.notes);
    if (scan.found !== null) {
      pos = scan.found.bytes;
      configured = scan.found.setting;
    }
  }
  const input: DetectInput = { source, configured, pos, printer, decoder: decoderOptionsFromConfig(config), learnedDateOrder: learned, ...(opts.detectText === undefined ? {} : { detectText: opts.detectText }) };
  const report = detectReport(input);
  const text = formatReport(report, input, [...notes, ...byIdLines(opts.byIdDir, serialById(opts.byIdDir, config), heard)]);
  return { text, report, input };
}
