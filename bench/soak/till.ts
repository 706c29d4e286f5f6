/**
 * The soak's till: the demo's receipt generator (members, GBK, refunds, reprints, torn receipts,
 * weight items), handed to the line process (bench/soak/line.ts), which prints them at line speed
 * into the tap's POS end and the two baseline links at the same moments, and pauses while the
 * till's cable is pulled. At the end it brings back what was written and what every printer read.
 */
import { demoReceipts, type DemoReceipt } from '../../src/demo/receipts.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { waitFor } from '../../tests/support/tmp.js';
import type { LineClient } from './line-client.js';
import type { Link } from './rig.js';

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

/** Receipts handed to the line process ahead of the one being printed. */
const AHEAD = 20;

export class Till {
  readonly receipts: SentReceipt[] = [];
  chunks: SentChunk[] = [];
  writeErrors = 0;
  private sent = Buffer.alloc(0);

  constructor(
    private readonly line: LineClient,
    private readonly links: Link[],
  ) {}

  /** Prints `count` receipts; `onReceipt` runs after each (the fault scheduler watches it). */
  async print(count: number, seed: number, onReceipt: (n: number) => void, stop?: AbortSignal): Promise<void> {
    let clock = Date.UTC(2026, 10, 2, 8, 0, 0);
    const gen = demoReceipts(seed, () => new Date((clock += 47_000)));
    const made: { receiptNo: string; kind: DemoReceipt['kind']; bytes: Buffer }[] = [];
    let printed = 0;
    const feed = (): void => {
      while (made.length < count && made.length < printed + AHEAD && stop?.aborted !== true) {
        const r = gen.next().value as DemoReceipt;
        const bytes = encodeReceiptText(r.lines, { encoding: 'gb18030' });
        made.push({ receiptNo: r.receiptNo, kind: r.kind, bytes });
        this.line.receipt(bytes);
      }
    };
    this.line.onPrinted = (n) => {
      printed = n;
      onReceipt(n);
      feed();
    };
    feed();
    // Stopped early (SIGTERM): the receipt being printed is finished, the rest dropped, and reported.
    await waitFor(() => made.length === count || stop?.aborted === true, 7 * 24 * 3600_000, 100);
    const res = await this.line.end(stop?.aborted === true);
    const local = (hr: number): number => this.line.local(hr);
    made.forEach((m, i) => {
      const w = res.receipts[i];
      if (w !== undefined) this.receipts.push({ index: i, ...m, start: w.start, end: w.end, writeStart: local(w.writeStart), writeEnd: local(w.writeEnd) });
    });
    this.chunks = res.chunks.map((c) => ({ t: local(c.t), start: c.start, end: c.end }));
    this.sent = Buffer.from(res.sent);
    this.writeErrors = res.writeErrors;
    for (const link of this.links) {
      const a = res.arrivals[link.name];
      if (a === undefined) continue;
      const all = Buffer.from(a.bytes);
      link.arrivals = a.t.map((t, i) => ({ t: local(t), bytes: all.subarray(i === 0 ? 0 : (a.ends[i - 1] as number), a.ends[i]) }));
    }
  }

  sentStream(): Buffer {
    return this.sent;
  }
}
