import type { JournalDirection } from '../journal/types.js';

export type SideName = 'pos' | 'printer';

/** Receives a copy of every chunk after it has been forwarded (the journal writer's `record`). */
export type Recorder = (dir: JournalDirection, bytes: Uint8Array, delivered: boolean, wallTime: number, monoUs: number) => void;

export interface SideStats {
  kind: 'serial' | 'usb' | 'tcp';
  /** serial: the device path; tcp: the listen address (pos) or the printer address (printer). */
  address: string;
  up: boolean;
  /** Bytes and chunks received from this side. */
  bytesIn: number;
  chunksIn: number;
  /** Times the side was lost after start-up (serial) or printer connections that failed (tcp). */
  losses: number;
  lastError: string | null;
}

export interface TapStats {
  pos: SideStats;
  printer: SideStats;
  /** POS→printer bytes actually handed to the printer side. */
  bytesPosToPrinter: number;
  /** printer→POS bytes actually handed to the POS side. */
  bytesPrinterToPos: number;
  /** POS chunks that arrived while the printer side was down: journaled undelivered, never replayed. */
  droppedWhilePrinterDown: { chunks: number; bytes: number };
  /** Printer chunks that arrived while the POS side was down. */
  droppedWhilePosDown: { chunks: number; bytes: number };
  /** TCP mode: POS connections accepted so far (serial: 0). */
  sessions: number;
}

/** The passthrough, serial or TCP. */
export interface Tap {
  /** Opens both sides; throws TBX_PORT_NOT_FOUND / TBX_PORT_BUSY / TBX_PORT_OPEN_FAILED. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): TapStats;
  /** Times the POS side was lost (stats().pos.losses without building the stats; read per chunk). */
  posLosses(): number;
}

export function directionFrom(side: SideName): JournalDirection {
  return side === 'pos' ? 'pos>printer' : 'printer>pos';
}

/** CLOCK_MONOTONIC in µs, the clock the journal's mono_us column holds. */
export function monoUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
