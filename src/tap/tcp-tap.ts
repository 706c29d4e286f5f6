import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FooterLink } from './footer-link.js';
import { RelayCounters } from './relay-counters.js';
import type { Recorder, SideStats, Tap, TapStats } from './types.js';

/** POS connections that may wait while another job is relayed; more are refused (closed at once). */
export const MAX_WAITING_JOBS = 16;
/** How long a POS connection waits for the printer to accept before the box gives up on it. */
const PRINTER_CONNECT_GIVE_UP_MS = 5000;

export interface TcpTapAddresses {
  listenHost: string;
  listenPort: number;
  printerHost: string;
  printerPort: number;
}

/** pos.listen "host:port" and printer.host/port, or undefined when this is not TCP mode. */
export function tcpAddresses(config: Pick<Config, 'pos' | 'printer'>): TcpTapAddresses | undefined {
  if (config.pos.listen === undefined || config.printer.host === undefined) return undefined;
  const i = config.pos.listen.lastIndexOf(':');
  return { listenHost: config.pos.listen.slice(0, i), listenPort: Number(config.pos.listen.slice(i + 1)), printerHost: config.printer.host, printerPort: config.printer.port };
}

/**
 * Network printing (port 9100): the POS prints to the box, the box to the printer. Every POS
 * connection gets its own printer connection, as if the POS had connected directly, so the printer
 * still sees one job per connection and other clients can print between jobs. The POS socket is
 * not read until the printer connection is up (pauseOnConnect): nothing is buffered and replayed.
 * Jobs are relayed one at a time, as a 9100 printer takes them: a connection that arrives while
 * another is being read waits, unread, until that one has closed. Two jobs' bytes are therefore
 * never interleaved in the journal (a job still draining to a slow printer while the POS opens the
 * next one merged both into one garbled document before).
 */
export class TcpTap implements Tap {
  private readonly addr: TcpTapAddresses;
  private readonly log: Logger;
  private readonly reopenMinMs: number;
  private readonly reopenMaxMs: number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pos: SideStats;
  private readonly printer: SideStats;
  private readonly counters: RelayCounters;
  private readonly footer: FooterLink | undefined;
  private active = false;
  private readonly waiting: Socket[] = [];

  constructor(config: Pick<Config, 'pos' | 'printer' | 'tap'>, record: Recorder, logger: Logger, footer?: FooterLink) {
    this.footer = footer;
    const addr = tcpAddresses(config);
    if (addr === undefined) throw new TillboxError('TBX_CONFIG_INVALID', 'TCP mode needs both pos.listen and printer.host');
    this.addr = addr;
    this.counters = new RelayCounters(record);
    this.log = logger.child({ module: 'tap', mode: 'tcp' });
    this.reopenMinMs = config.tap.reopenMinMs;
    this.reopenMaxMs = config.tap.reopenMaxMs;
    this.pos = { kind: 'tcp', address: `${addr.listenHost}:${addr.listenPort}`, up: false, bytesIn: 0, chunksIn: 0, losses: 0, lastError: null };
    // The printer side counts as up until a connection to it fails.
    this.printer = { kind: 'tcp', address: `${addr.printerHost}:${addr.printerPort}`, up: true, bytesIn: 0, chunksIn: 0, losses: 0, lastError: null };
  }

  async start(): Promise<void> {
    const server = createServer({ pauseOnConnect: true, noDelay: true }, (sock) => this.enqueue(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = `${this.addr.listenHost}:${this.addr.listenPort}`;
        reject(
          err.code === 'EADDRINUSE'
            ? new TillboxError('TBX_PORT_BUSY', `pos.listen ${where} is already in use by another process`, { cause: err })
            : new TillboxError('TBX_PORT_OPEN_FAILED', `pos.listen ${where} cannot be opened: ${err.message}`, { cause: err }),
        );
      });
      server.listen(this.addr.listenPort, this.addr.listenHost, () => resolve());
    });
    server.on('error', (err) => this.log.error({ err }, 'listener error'));
    this.server = server;
    this.pos.up = true;
    this.log.info({ listen: this.pos.address, printer: this.printer.address }, 'listening for the POS');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.pos.up = false;
    for (const s of this.sockets) s.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Bound address (useful when listening on port 0). */
  address(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : undefined;
  }

  posLosses(): number {
    return this.pos.losses;
  }

  stats(): TapStats {
    return {
      pos: { ...this.pos },
      printer: { ...this.printer },
      ...this.counters.snapshot(),
    };
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** A new POS connection: relayed now, or after the jobs before it (see the class comment). */
  private enqueue(sock: Socket): void {
    if (this.waiting.length >= MAX_WAITING_JOBS) {
      this.log.warn({ waiting: this.waiting.length }, 'too many POS connections waiting for the printer; refusing one');
      sock.destroy();
      return;
    }
    this.track(sock);
    this.waiting.push(sock);
    sock.once('close', () => {
      const i = this.waiting.indexOf(sock);
      if (i >= 0) this.waiting.splice(i, 1);
    });
    this.next();
  }

  private next(): void {
    if (this.active) return;
    const sock = this.waiting.shift();
    if (sock === undefined) return;
    if (sock.destroyed) return this.next();
    this.active = true;
    sock.once('close', () => {
      this.active = false;
      this.next();
    });
    this.session(sock);
  }

  private session(pos: Socket): void {
    const id = ++this.counters.sessions;
    const log = this.log.child({ session: id, from: `${pos.remoteAddress ?? '?'}:${pos.remotePort ?? '?'}` });
    pos.setNoDelay(true);
    let printer: Socket | undefined;
    let printerOpen = false;
    const started = Date.now();
    let delay = this.reopenMinMs;

    // Footers: one printer state across connections ('tcp'); the hold writes to this connection.
    const hold = this.footer?.holdFor(
      'tcp',
      (b) => (printerOpen && printer?.writable === true ? (printer.write(b) ? 'ok' : 'full') : 'down'),
      (d, b, delivered) => this.counters.forwarded(d, b, delivered),
      () => pos.resume(),
    );
    pos.on('data', (chunk: Buffer) => {
      this.pos.bytesIn += chunk.length;
      this.pos.chunksIn++;
      if (hold !== undefined) {
        // The hold journals what it writes, when it writes it (see FooterHoldOptions.record).
        if (hold.push(chunk) === 'full') pos.pause();
        return;
      }
      const target = printerOpen && printer?.writable === true ? printer : undefined;
      const delivered = target !== undefined;
      if (target !== undefined && !target.write(chunk)) pos.pause();
      this.counters.forwarded('pos>printer', chunk, delivered);
    });
    // A job's last cut may still be held: end the printer connection once it has gone out.
    const finish = (): void => {
      if (hold !== undefined && hold.pendingDocBytes > 0) this.footer?.gap('tcp');
      printer?.end();
    };
    pos.on('end', () => (hold !== undefined ? hold.whenIdle(finish) : finish()));
    pos.on('error', (err) => log.debug({ err }, 'POS connection error'));
    pos.on('close', (hadError) => {
      if (hadError) {
        hold?.close();
        printer?.destroy();
      }
      log.debug('POS connection closed');
    });

    const giveUp = (reason: string): void => {
      log.warn({ reason }, 'printer unreachable; closing the POS connection (its bytes are journaled undelivered)');
      pos.resume();
      pos.end();
      setTimeout(() => pos.destroy(), 2000).unref();
    };

    const tryPrinter = (): void => {
      if (pos.destroyed) return;
      const up = connect({ host: this.addr.printerHost, port: this.addr.printerPort, noDelay: true });
      this.track(up);
      up.once('connect', () => {
        printer = up;
        printerOpen = true;
        if (!this.printer.up) log.info('printer reachable again');
        this.printer.up = true;
        pos.on('drain', () => up.resume());
        pos.resume();
      });
      up.on('data', (chunk: Buffer) => {
        this.printer.bytesIn += chunk.length;
        this.printer.chunksIn++;
        const delivered = pos.writable;
        if (delivered && !pos.write(chunk)) up.pause();
        this.counters.forwarded('printer>pos', chunk, delivered);
      });
      up.on('drain', () => pos.resume());
      up.on('end', () => pos.end());
      up.on('error', (err: NodeJS.ErrnoException) => {
        this.printer.lastError = err.code ?? err.message;
        if (!printerOpen) {
          if (this.printer.up) {
            this.printer.up = false;
            this.printer.losses++;
            log.warn({ err: err.message }, 'printer connection failed; retrying while the POS waits');
          }
          if (Date.now() - started + delay > PRINTER_CONNECT_GIVE_UP_MS) giveUp(err.message);
          else setTimeout(tryPrinter, delay);
          delay = Math.min(delay * 2, this.reopenMaxMs);
          return;
        }
        this.printer.up = false;
        this.printer.losses++;
        log.warn({ err: err.message }, 'printer connection lost mid-job; closing the POS connection');
      });
      up.on('close', () => {
        if (!printerOpen) return;
        printerOpen = false;
        if (!pos.destroyed) pos.end();
      });
    };
    tryPrinter();
  }
}
