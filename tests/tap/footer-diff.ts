import { demoReceipts, type DemoReceipt } from '../../src/demo/receipts.js';
import { Tokenizer } from '../../src/escpos/tokenizer.js';
import { CutScanner, type StreamMark } from '../../src/tap/cut-scanner.js';

/** The stream without its status queries (which may pass a held cut), and the queries' bytes. */
function stripQueries(b: Buffer): { bytes: Buffer; queries: string[] } {
  const marks = new CutScanner().feed(b).filter((m) => m.kind === 'query');
  const parts: Buffer[] = [];
  let from = 0;
  for (const m of marks) {
    parts.push(b.subarray(from, m.start));
    from = m.end;
  }
  parts.push(b.subarray(from));
  return { bytes: Buffer.concat(parts), queries: marks.map((m) => b.subarray(m.start, m.end).toString('hex')) };
}

export interface Insertion {
  /** Index of the cut (in input order) the block went before. */
  cut: number;
  block: Buffer;
}

/**
 * Checks that `output` is `input` with whole blocks inserted just before some of its real cuts
 * (found by one tokenizer pass over the input) and nothing else changed, status queries aside
 * (they may overtake a held cut; the same queries must arrive). Throws a readable error otherwise.
 */
export function insertionsOf(input: Buffer, output: Buffer): Insertion[] {
  const I = stripQueries(input);
  const O = stripQueries(output);
  if (I.queries.join() !== O.queries.join()) throw new Error(`status queries differ: sent ${I.queries.length}, printer got ${O.queries.length}`);
  const cuts: StreamMark[] = new CutScanner().feed(I.bytes).filter((m) => m.kind === 'cut');
  const out: Insertion[] = [];
  let i = 0;
  let o = 0;
  const same = (from: number, to: number, at: number, what: string): void => {
    const want = I.bytes.subarray(from, to);
    const got = O.bytes.subarray(at, at + want.length);
    if (!want.equals(got)) {
      let k = 0;
      while (k < want.length && want[k] === got[k]) k++;
      throw new Error(`${what}: input byte ${from + k} differs at output byte ${at + k}: want ${want.subarray(k, k + 16).toString('hex')} got ${got.subarray(k, k + 16).toString('hex')}`);
    }
  };
  cuts.forEach((cut, n) => {
    same(i, cut.start, o, `before cut ${n}`);
    o += cut.start - i;
    const cutBytes = I.bytes.subarray(cut.start, cut.end);
    if (!O.bytes.subarray(o, o + cutBytes.length).equals(cutBytes)) {
      const k = O.bytes.indexOf(cutBytes, o);
      if (k < 0) throw new Error(`cut ${n} (${cutBytes.toString('hex')}) missing from the output`);
      const block = O.bytes.subarray(o, k);
      const t = new Tokenizer();
      const sink = { cuts: 0, text: () => undefined, warning: () => undefined, command: (d: { effect: string }) => void (d.effect === 'cut' && sink.cuts++) };
      t.feed(block, sink);
      if (t.inCommand || sink.cuts > 0) throw new Error(`block before cut ${n} is not whole (${block.toString('hex').slice(0, 64)}…)`);
      out.push({ cut: n, block: Buffer.from(block) });
      o = k;
    }
    o += cutBytes.length;
    i = cut.end;
  });
  same(i, I.bytes.length, o, 'after the last cut');
  if (O.bytes.length - o !== I.bytes.length - i) throw new Error(`output has ${O.bytes.length - o - (I.bytes.length - i)} extra bytes at the end`);
  return out;
}

/** A reproducible run of demo receipts, 7 minutes apart from 08:00 on 2026-11-23. */
export function demoDay(n: number): DemoReceipt[] {
  let t = Date.UTC(2026, 10, 23, 8, 0, 0);
  const gen = demoReceipts(7, () => new Date((t += 7 * 60_000)));
  return Array.from({ length: n }, () => gen.next().value as DemoReceipt);
}

