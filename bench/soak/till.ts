/**
 * The soak's till: the demo's receipt generator (members, GBK, refunds, reprints, torn receipts,
 * weight items) printed at line speed, in chunks of 20 ms of line time, into the tap's POS end and
 * the two baseline links at the same moments. It pauses while the till's cable is pulled.
 */
import type { SerialPort } from 'serialport';
import { demoReceipts, type DemoReceipt } from '../../src/demo/receipts.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import type { Link } from './rig.js';
import { sleep } from './rig.js';

export interface SentReceipt {
  index: number;
  receiptNo: string;
  kind: DemoReceipt['kind'];
  /** Offsets of this receipt in everything written to the tap's POS end. */
  start: number;
  end: number;
  bytes: Buffer;
  writeStart: number;
  writeEnd: number;
}

export interface SentChunk {
  t: number;
  /** [start, end) in the stream written (the same offsets on the tap link and the baselines). */
  start: number;
  end: number;
}

export class Till {
  readonly receipts: SentReceipt[] = [];
  readonly chunks: SentChunk[] = [];
  readonly sent: Buffer[] = [];
  sentBytes = 0;
  writeErrors = 0;
  private stopped = false;
  private readonly bytesPerSecond: number;

  constructor(
    private readonly tap: Link,
    private readonly baselines: Link[],
    baud: number,
    private readonly gapMs: number,
  ) {
    this.bytesPerSecond = baud / 10;
  }

  /** Prints `count` receipts; `onReceipt` runs after each (the fault scheduler watches it). */
  async print(count: number, seed: number, onReceipt: (n: number) => void): Promise<void> {
    let clock = Date.UTC(2026, 10, 2, 8, 0, 0);
    const gen = demoReceipts(seed, () => new Date((clock += 47_000)));
    for (let n = 0; n < count && !this.stopped; n++) {
      const r = gen.next().value as DemoReceipt;
      const bytes = encodeReceiptText(r.lines, { encoding: 'gb18030' });
      const start = this.sentBytes;
      const writeStart = performance.now();
      await this.write(bytes);
      this.receipts.push({ index: n, receiptNo: r.receiptNo, kind: r.kind, start, end: this.sentBytes, bytes, writeStart, writeEnd: performance.now() });
      onReceipt(n + 1);
      if (this.gapMs > 0) await sleep(this.gapMs);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  sentStream(): Buffer {
    return Buffer.concat(this.sent);
  }

  private async write(bytes: Buffer): Promise<void> {
    const step = Math.max(1, Math.round(this.bytesPerSecond / 50));
    for (let i = 0; i < bytes.length; i += step) {
      const piece = bytes.subarray(i, i + step);
      // The till cannot print while its cable is out: wait for it (the chunk is not lost, it is late).
      while (this.tap.pos === undefined) await sleep(20);
      const t = performance.now();
      for (const b of this.baselines) if (b.pos !== undefined) void writeTo(b.pos, piece);
      const ok = await writeTo(this.tap.pos, piece);
      if (!ok) {
        this.writeErrors++;
        // The port went away under the write. The baselines got the piece; the tap link may have got
        // part of it. Count it as sent (so the alignment can place what did arrive) and go on.
      }
      this.sent.push(piece);
      this.chunks.push({ t, start: this.sentBytes, end: this.sentBytes + piece.length });
      this.sentBytes += piece.length;
      await sleep((piece.length / this.bytesPerSecond) * 1000);
    }
  }
}

function writeTo(port: SerialPort, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve(false);
    port.write(bytes, (err) => {
      if (err) return resolve(false);
      port.drain((e) => resolve(e === null || e === undefined));
    });
  });
}
