/**
 * The soak's line process: the till's writer and every printer-side reader, in a process of their
 * own (forked by LineClient), so the harness's page poller, head-office subscriber and fault
 * scheduler do not show in the latency of any link. It writes each receipt at line speed, in
 * pieces of 20 ms of line time, into every link's POS end at the same moments, and timestamps
 * every arrival at every printer end with process.hrtime (CLOCK_MONOTONIC, shared by all processes).
 * Serial links are socat pty ends; TCP links connect once per receipt, as a POS prints a job to port
 * 9100, and their printers are listeners this process owns.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { SerialPort } from 'serialport';
import { closeEnd, openEnd } from '../../tests/support/socat.js';
import { hrMs, type FromLine, type LineChunk, type LineLink, type LineReceipt, type ToLine } from './line-protocol.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const send = (m: FromLine): void => {
  process.send?.(m);
};

/** The till's side of one link. */
interface PosEnd {
  readonly down: boolean;
  setDown(down: boolean): Promise<void>;
  /** A job starts (TCP: connect; serial: nothing). */
  begin(): Promise<void>;
  write(piece: Buffer): Promise<boolean>;
  /** A job ends (TCP: close the connection; `wait`: until the far end has closed it too). */
  finish(wait: boolean): Promise<void>;
}

/** The printer's side of one link: records arrivals. */
interface PrinterEnd {
  readonly t: number[];
  readonly bytes: Uint8Array[];
  setDown(down: boolean): Promise<void>;
}

class SerialPos implements PosEnd {
  down = false;
  private port: SerialPort | undefined;
  constructor(private readonly path: string, private readonly baud: number) {}
  async open(): Promise<void> {
    this.port = await openEnd(this.path, this.baud);
  }
  async setDown(down: boolean): Promise<void> {
    if (down) this.down = true;
    const port = this.port;
    this.port = undefined;
    if (port !== undefined) await closeEnd(port);
    if (down) return;
    await this.open();
    this.down = false; // only now: a piece written before the till's end is open would be lost here, not on the line
  }
  async begin(): Promise<void> {}
  write(piece: Buffer): Promise<boolean> {
    const port = this.port;
    return new Promise((resolve) => {
      if (port === undefined || !port.isOpen) return resolve(false);
      port.write(piece, (err) => {
        if (err) return resolve(false);
        port.drain((e) => resolve(e === null || e === undefined));
      });
    });
  }
  async finish(): Promise<void> {}
}

class SerialPrinter implements PrinterEnd {
  readonly t: number[] = [];
  readonly bytes: Uint8Array[] = [];
  private port: SerialPort | undefined;
  constructor(private readonly path: string, private readonly baud: number) {}
  async open(): Promise<void> {
    const port = await openEnd(this.path, this.baud);
    port.on('data', (b: Buffer) => {
      this.t.push(hrMs());
      this.bytes.push(b);
    });
    this.port = port;
  }
  async setDown(down: boolean): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port !== undefined) await closeEnd(port);
    if (!down) await this.open();
  }
}

class TcpPos implements PosEnd {
  down = false;
  private sock: Socket | undefined;
  private connecting: Promise<void> | undefined;
  constructor(private readonly port: number) {}
  async setDown(down: boolean): Promise<void> {
    this.down = down;
    if (down) this.sock?.destroy(); // the connection drops mid-job
  }
  /** Connects, retrying while nobody listens (the tap restarting) or the cable is out; one attempt at a time. */
  begin(): Promise<void> {
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }
  private async connect(): Promise<void> {
    for (;;) {
      while (this.down) await sleep(20);
      const sock = await new Promise<Socket | undefined>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (sock !== undefined) {
        sock.on('error', () => undefined);
        sock.on('data', () => undefined); // status replies, if any
        this.sock = sock;
        return;
      }
      await sleep(20);
    }
  }
  async write(piece: Buffer): Promise<boolean> {
    // The tap closed the job (its printer went away) or was killed: go on in a new connection.
    if (this.sock === undefined || this.sock.destroyed || !this.sock.writable) await this.begin();
    const sock = this.sock as Socket;
    return new Promise((resolve) => sock.write(piece, (err) => resolve(err === undefined || err === null)));
  }
  async finish(wait: boolean): Promise<void> {
    const sock = this.sock;
    this.sock = undefined;
    if (sock === undefined || sock.destroyed) return;
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.end();
    if (!wait) return;
    // A job waiting for a printer that is down is given up by the tap after 5 s; do not hang on it.
    const timer = setTimeout(() => sock.destroy(), 15_000);
    await closed;
    clearTimeout(timer);
  }
}

class TcpPrinter implements PrinterEnd {
  readonly t: number[] = [];
  readonly bytes: Uint8Array[] = [];
  private server: Server | undefined;
  private readonly socks = new Set<Socket>();
  constructor(private readonly port: number) {}
  async open(): Promise<void> {
    const server = createServer({ noDelay: true }, (s) => {
      this.socks.add(s);
      s.on('close', () => this.socks.delete(s));
      s.on('error', () => undefined);
      s.on('data', (b: Buffer) => {
        this.t.push(hrMs());
        this.bytes.push(b);
      });
    });
    await new Promise<void>((res, rej) => server.once('error', rej).listen(this.port, '127.0.0.1', () => res()));
    this.server = server;
  }
  /** Down: the printer is switched off (every connection reset, nobody listening). */
  async setDown(down: boolean): Promise<void> {
    if (!down) return this.open();
    for (const s of this.socks) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((r) => server.close(() => r()));
  }
}

interface Line {
  name: string;
  pos: PosEnd;
  printer: PrinterEnd | undefined;
}

const lines: Line[] = [];
const queue: Buffer[] = [];
let ended = false;
let dropped = false;
let wake: (() => void) | undefined;
let baud = 115200;
let gapMs = 0;

async function openLinks(links: LineLink[]): Promise<void> {
  for (const l of links) {
    if (l.mode === 'serial') {
      const pos = new SerialPos(l.pos, baud);
      const printer = new SerialPrinter(l.printer, baud);
      await pos.open();
      await printer.open();
      lines.push({ name: l.name, pos, printer });
    } else {
      const printer = l.printerPort === 0 ? undefined : new TcpPrinter(l.printerPort);
      await printer?.open();
      lines.push({ name: l.name, pos: new TcpPos(l.posPort), printer });
    }
  }
}

/** The till: receipts in order; the first link (the tap) is waited for, the baselines get the same pieces at the same moments. */
async function till(): Promise<void> {
  const [tap, ...baselines] = lines;
  if (tap === undefined) throw new Error('no links');
  const bytesPerSecond = baud / 10;
  const step = Math.max(1, Math.round(bytesPerSecond / 50));
  const chunks: LineChunk[] = [];
  const receipts: LineReceipt[] = [];
  const sent: Buffer[] = [];
  let sentBytes = 0;
  let writeErrors = 0;
  for (let n = 0; ; n++) {
    while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
    const bytes = queue.shift();
    if (bytes === undefined) break;
    const start = sentBytes;
    const writeStart = hrMs();
    for (const b of baselines) void b.pos.begin();
    await tap.pos.begin();
    for (let i = 0; i < bytes.length; i += step) {
      const piece = bytes.subarray(i, i + step);
      // The till cannot print while its cable is out: wait for it (the piece is late, not lost).
      while (tap.pos.down) await sleep(20);
      const t = hrMs();
      for (const b of baselines) void b.pos.write(piece);
      // A piece the port or connection lost under the write counts as sent: the alignment places what arrived.
      if (!(await tap.pos.write(piece))) writeErrors++;
      sent.push(piece);
      chunks.push({ t, start: sentBytes, end: sentBytes + piece.length });
      sentBytes += piece.length;
      await sleep((piece.length / bytesPerSecond) * 1000);
    }
    for (const b of baselines) void b.pos.finish(false);
    await tap.pos.finish(true);
    receipts.push({ start, end: sentBytes, writeStart, writeEnd: hrMs() });
    send({ type: 'printed', n: n + 1 });
    for (const until = hrMs() + gapMs; hrMs() < until && !dropped; ) await sleep(Math.min(100, until - hrMs()));
  }
  await sleep(1500); // the last bytes in flight reach the printers
  const arrivals: Record<string, { t: number[]; ends: number[]; bytes: Uint8Array }> = {};
  for (const l of lines) {
    if (l.printer === undefined) continue;
    let total = 0;
    arrivals[l.name] = { t: l.printer.t, ends: l.printer.bytes.map((b) => (total += b.length)), bytes: Buffer.concat(l.printer.bytes) };
  }
  send({ type: 'result', chunks, receipts, sent: Buffer.concat(sent), writeErrors, arrivals });
}

function line(name: string): Line {
  const l = lines.find((x) => x.name === name);
  if (l === undefined) throw new Error(`no link ${name}`);
  return l;
}

process.on('message', (raw) => {
  const m = raw as ToLine;
  const fail = (err: unknown): void => send({ type: 'error', message: String((err as Error)?.stack ?? err) });
  switch (m.type) {
    case 'open':
      baud = m.baud;
      gapMs = m.gapMs;
      openLinks(m.links).then(() => {
        send({ type: 'opened' });
        till().catch(fail);
      }, fail);
      break;
    case 'ping':
      send({ type: 'pong', hr: hrMs() });
      break;
    case 'receipt':
      queue.push(Buffer.from(m.bytes));
      wake?.();
      break;
    case 'end':
      ended = true;
      if (m.drop === true) {
        dropped = true;
        queue.length = 0;
      }
      wake?.();
      break;
    case 'pos-down':
    case 'pos-up':
      line(m.link).pos.setDown(m.type === 'pos-down').then(() => send({ type: 'done', link: m.link, side: 'pos' }), fail);
      break;
    case 'printer-down':
    case 'printer-up':
      (line(m.link).printer?.setDown(m.type === 'printer-down') ?? Promise.resolve()).then(() => send({ type: 'done', link: m.link, side: 'printer' }), fail);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
