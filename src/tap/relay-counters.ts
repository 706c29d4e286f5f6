import type { JournalDirection } from '../journal/types.js';
import { monoUs, type Recorder, type TapStats } from './types.js';

/**
 * The accounting both taps do after forwarding a chunk: count it as delivered or as dropped
 * because the other side was down, then hand it to the journal. Called only after the write, so
 * it never delays the byte path.
 */
export class RelayCounters {
  private bytesPosToPrinter = 0;
  private bytesPrinterToPos = 0;
  private readonly droppedWhilePrinterDown = { chunks: 0, bytes: 0 };
  private readonly droppedWhilePosDown = { chunks: 0, bytes: 0 };
  sessions = 0;

  constructor(private readonly record: Recorder) {}

  forwarded(dir: JournalDirection, chunk: Buffer, delivered: boolean): void {
    // The box's own bytes (a footer block) are journaled, marked, but are no POS traffic.
    if (dir === 'box>printer') return this.record(dir, chunk, delivered, Date.now(), monoUs());
    const toPrinter = dir === 'pos>printer';
    if (delivered) {
      if (toPrinter) this.bytesPosToPrinter += chunk.length;
      else this.bytesPrinterToPos += chunk.length;
    } else {
      const dropped = toPrinter ? this.droppedWhilePrinterDown : this.droppedWhilePosDown;
      dropped.chunks++;
      dropped.bytes += chunk.length;
    }
    this.record(dir, chunk, delivered, Date.now(), monoUs());
  }

  snapshot(): Omit<TapStats, 'pos' | 'printer'> {
    return {
      bytesPosToPrinter: this.bytesPosToPrinter,
      bytesPrinterToPos: this.bytesPrinterToPos,
      droppedWhilePrinterDown: { ...this.droppedWhilePrinterDown },
      droppedWhilePosDown: { ...this.droppedWhilePosDown },
      sessions: this.sessions,
    };
  }
}
