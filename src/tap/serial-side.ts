import { existsSync, stat } from 'node:fs';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import type { SerialLine } from '../config/types.js';
import { TillboxError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SideName, SideStats } from './types.js';

export interface SerialSideOptions {
  name: SideName;
  path: string;
  line: SerialLine;
  reopenMinMs: number;
  reopenMaxMs: number;
  logger: Logger;
  /** How often the device node is checked while open (see `watch`). */
  watchMs?: number;
  /** Another kind of device behind the same side logic (a USB printer character device, usb-side.ts). */
  device?: SideDevice;
}

/** How a non-serial side opens its device; the loss, reopen and back-pressure logic stay SerialSide's. */
export interface SideDevice {
  kind: 'usb';
  /** A closed stream over the device at `path`. */
  openPort(path: string): SerialPortStream;
  /** The device path now (printer.usb: auto finds the printer again after a replug); undefined: none. */
  resolvePath?(): string | undefined;
  /** False while the device node exists but is not usable (the gadget with no USB host connected). */
  ready?(): boolean;
  /** What is behind the device, read when it opens (the printer's USB identity), for the log. */
  describe?(path: string): Record<string, unknown> | undefined;
}

/** Called for every chunk this side receives; runs synchronously in the port's data event. */
export type ChunkHandler = (chunk: Buffer) => void;

/**
 * One serial side of the tap: opens the port, hands every chunk to `onChunk`, and when the port is
 * lost keeps reopening it with back-off (reopenMinMs doubling up to reopenMaxMs) for ever.
 */
export class SerialSide {
  readonly name: SideName;
  onChunk: ChunkHandler = () => {};
  /** Called when the side goes up or down (after start-up). */
  onState: (up: boolean) => void = () => {};
  /** Called when a write that was refused for back-pressure can continue. */
  onDrain: () => void = () => {};
  private readonly opts: SerialSideOptions;
  private readonly log: Logger;
  private port: SerialPortStream | undefined;
  /** The device path in use (opts.path, or what the device resolved it to). */
  private path: string;
  private deviceId: string | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private stopped = false;
  private readonly stat: SideStats;

  constructor(opts: SerialSideOptions) {
    this.name = opts.name;
    this.opts = opts;
    this.log = opts.logger.child({ module: 'tap', side: opts.name, path: opts.path });
    this.delayMs = opts.reopenMinMs;
    this.path = opts.path;
    this.stat = { kind: opts.device?.kind ?? 'serial', address: opts.path, up: false, bytesIn: 0, chunksIn: 0, losses: 0, lastError: null };
  }

  get kind(): 'serial' | 'usb' {
    return this.opts.device?.kind ?? 'serial';
  }

  get up(): boolean {
    return this.stat.up;
  }

  stats(): SideStats {
    return { ...this.stat };
  }

  get losses(): number {
    return this.stat.losses;
  }

  /**
   * The start-up open: a missing or locked port is an installer error and is thrown. With
   * `waitIfAbsent` (a USB side: a printer switched off, a POS not connected yet, a device behind the
   * bypass switch) a missing device is waited for instead, as after a loss.
   */
  async start(waitIfAbsent = false): Promise<void> {
    const here = this.present();
    if (!here && waitIfAbsent) {
      this.startWaiting();
      return;
    }
    if (!here) {
      throw new TillboxError('TBX_PORT_NOT_FOUND', `${this.name} port ${this.path} does not exist (check the cable/adapter and the udev rule, or ${this.name}.path)`);
    }
    try {
      await this.open();
    } catch (err) {
      const msg = (err as Error).message;
      // serialport gives no error code for a failed flock(); its message is the only signal. USB
      // printer devices are exclusive in the driver instead: a second open is EBUSY.
      if (msg.includes('Cannot lock port') || (err as NodeJS.ErrnoException).code === 'EBUSY') {
        throw new TillboxError('TBX_PORT_BUSY', `${this.name} port ${this.path} is locked by another process (another tillbox, a getty or a terminal program?)`, { cause: err });
      }
      throw new TillboxError('TBX_PORT_OPEN_FAILED', `${this.name} port ${this.path} cannot be opened: ${msg}`, { cause: err });
    }
  }

  /** Whether the device can be opened now (and, for a USB side, where it is). */
  private present(): boolean {
    const dev = this.opts.device;
    const p = dev?.resolvePath !== undefined ? dev.resolvePath() : this.opts.path;
    if (p === undefined) return false;
    this.path = p;
    this.stat.address = p;
    return existsSync(p) && (dev?.ready?.() ?? true);
  }

  private startWaiting(): void {
    if (this.stat.up || this.reopenTimer !== undefined) return;
    this.stat.lastError = 'device not present yet';
    this.log.warn({ path: this.path }, 'device not present yet; waiting for it (printer off, POS not connected? tillbox doctor says more)');
    this.scheduleReopen();
  }

  /**
   * Writes a chunk to this side. Returns 'down' when the side is not open (nothing written),
   * 'full' when written but the port's buffer is above its high-water mark (pause the source
   * until onDrain), 'ok' otherwise.
   */
  write(chunk: Buffer): 'ok' | 'full' | 'down' {
    const port = this.port;
    if (port === undefined || !this.stat.up) return 'down';
    return port.write(chunk) ? 'ok' : 'full';
  }

  pause(): void {
    this.port?.pause();
  }

  resume(): void {
    this.port?.resume();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    clearInterval(this.watchTimer);
    const port = this.port;
    this.port = undefined;
    this.stat.up = false;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private open(): Promise<void> {
    const { line } = this.opts;
    const path = this.path;
    const port = this.opts.device !== undefined ? this.opts.device.openPort(path) : new SerialPort({
      path,
      baudRate: line.baudRate,
      dataBits: line.dataBits,
      parity: line.parity,
      stopBits: line.stopBits,
      rtscts: line.flowControl === 'rtscts',
      // xonxoff: never IXON, so XON/XOFF bytes from the device are relayed unaltered and the far end
      // obeys them; IXOFF only lets the kernel send XOFF to this device if our input ever backs up.
      xon: false,
      xoff: line.flowControl === 'xonxoff',
      lock: true,
      hupcl: false,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.open((err) => {
        if (err !== null) {
          reject(err);
          return;
        }
        this.attach(port);
        resolve();
      });
    });
  }

  private attach(port: SerialPortStream): void {
    this.port = port;
    this.stat.up = true;
    this.delayMs = this.opts.reopenMinMs;
    port.on('data', (chunk: Buffer) => {
      this.stat.bytesIn += chunk.length;
      this.stat.chunksIn++;
      this.onChunk(chunk);
    });
    port.on('drain', () => this.onDrain());
    port.on('error', (err: Error) => this.lost(port, err.message));
    port.on('close', (err: Error | null) => this.lost(port, err?.message ?? 'closed'));
    stat(this.path, (err, st) => {
      if (err === null) this.deviceId = `${st.rdev}:${st.ino}`;
    });
    this.watchTimer = setInterval(() => this.watch(port), this.opts.watchMs ?? 250);
    const dev = this.opts.device;
    if (dev === undefined) this.log.info({ baudRate: this.opts.line.baudRate, flowControl: this.opts.line.flowControl }, 'port open');
    else this.log.info({ path: this.path, ...(dev.describe?.(this.path) ?? {}) }, 'port open');
  }

  /**
   * A hung-up tty (USB adapter unplugged, pty master gone) reads as end-of-file, which serialport
   * retries silently instead of reporting, so loss is only seen on the next write. Checking that the
   * device node still exists and is the same device catches it within one watch period.
   */
  private watch(port: SerialPortStream): void {
    stat(this.path, (err, st) => {
      if (port !== this.port) return;
      if (err !== null) this.lost(port, `device node gone (${err.code ?? err.message})`);
      else if (this.deviceId !== undefined && `${st.rdev}:${st.ino}` !== this.deviceId) this.lost(port, 'device node replaced');
      // The gadget's node stays while the POS unplugs its cable; the UDC state says it went.
      else if (this.opts.device?.ready?.() === false) this.lost(port, 'USB host disconnected');
    });
  }

  private lost(port: SerialPortStream, reason: string): void {
    if (port !== this.port || this.stopped) return;
    this.port = undefined;
    this.deviceId = undefined;
    clearInterval(this.watchTimer);
    this.stat.up = false;
    this.stat.losses++;
    this.stat.lastError = reason;
    this.log.warn({ reason }, 'port lost; the other side stays open, reopening with back-off');
    port.removeAllListeners('data');
    port.on('error', () => {});
    if (port.isOpen) port.close(() => {});
    this.onState(false);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      if (this.stopped) return;
      this.delayMs = Math.min(this.delayMs * 2, this.opts.reopenMaxMs);
      const retry = (reason: string): void => {
        this.stat.lastError = reason;
        this.log.debug({ reason, nextInMs: this.delayMs }, 'reopen failed');
        this.scheduleReopen();
      };
      if (!this.present()) {
        retry('device node missing');
      } else {
        this.open().then(
          () => {
            if (this.stopped) {
              void this.stop();
              return;
            }
            this.log.info('port back');
            this.onState(true);
          },
          (err: unknown) => retry((err as Error).message),
        );
      }
    }, this.delayMs);
  }
}
