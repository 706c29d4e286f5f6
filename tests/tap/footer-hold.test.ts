import { describe, expect, it } from 'vitest';
import { CutScanner } from '../../src/tap/cut-scanner.js';
import { FooterHold, type FooterAnswer, type HoldOutcome, type Timers } from '../../src/tap/footer-hold.js';
import { rng as prng } from '../escpos/synthetic.js';

/** A manual clock: timers fire only when the test advances time (no wall-clock in these tests). */
class ManualTimers implements Timers {
  private t = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.due.delete(h as number);
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.due) if (e[1].at <= until && (next === undefined || e[1].at < next[1].at)) next = e;
      if (next === undefined) break;
      this.due.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = until;
  }
}

interface Ask {
  doc: Buffer;
  answer: (a: FooterAnswer) => void;
}

function rig(maxHoldMs = 150, mode: 'hold' | 'observe' = 'hold', noCutter?: { feeds: number; quietMs: number }) {
  const timers = new ManualTimers();
  const out: Buffer[] = [];
  const records: { dir: string; bytes: Buffer; delivered: boolean }[] = [];
  const printer = { down: false };
  const asks: Ask[] = [];
  const outcomes: HoldOutcome[] = [];
  const hold = new FooterHold({
    maxHoldMs,
    mode,
    timers,
    write: (b) => {
      if (printer.down) return 'down';
      out.push(Buffer.from(b));
      return 'ok';
    },
    record: (dir, bytes, delivered) => records.push({ dir, bytes: Buffer.from(bytes), delivered }),
    ask: (doc, answer) => {
      asks.push({ doc: doc ?? Buffer.alloc(0), answer });
      return () => undefined;
    },
    onOutcome: (o) => outcomes.push(o),
    ...(noCutter !== undefined ? { noCutter } : {}),
  });
  return { timers, hold, asks, outcomes, records, printer, out: () => Buffer.concat(out) };
}

const B = (s: string | number[]): Buffer => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s));
const CUT = [0x1d, 0x56, 0x42, 0x03];
const BLOCK = B('\x1ba\x01THANKS\n\x1ba\x00');

describe('FooterHold without a cutter (footer.noCutter)', () => {
  const NC = { feeds: 4, quietMs: 50 };
  const doc = B('SHOP\nTOTAL 1.00\n\n\n');
  it('holds only the feed that completes the tear-off run; the block goes before it once the POS is quiet', () => {
    const r = rig(150, 'hold', NC);
    r.hold.push(Buffer.concat([doc, B('\n\n')]));
    // "TOTAL 1.00\n" + 2 blank lines = 3 feeds gone out; the 4th waits, and the 5th behind it.
    expect(r.out().equals(doc)).toBe(true);
    expect(r.asks).toHaveLength(1);
    expect(r.asks[0]!.doc.equals(Buffer.concat([doc, B('\n')]))).toBe(true);
    r.timers.advance(10);
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    expect(r.out().equals(doc)).toBe(true); // not quiet for 50 ms yet
    r.timers.advance(40);
    expect(r.out().equals(Buffer.concat([doc, BLOCK, B('\n\n')]))).toBe(true);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['printed']);
  });

  it('anything but feeds after the run releases it unchanged at once: it was not the end, or the next receipt began', () => {
    const r = rig(150, 'hold', NC);
    const input = Buffer.concat([doc, B('\n'), B('Thank you\n')]);
    r.hold.push(input.subarray(0, doc.length + 1));
    r.hold.push(input.subarray(doc.length + 1));
    expect(r.out().equals(input)).toBe(true);
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    r.timers.advance(200);
    expect(r.out().equals(input)).toBe(true);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['declined']);
  });

  it('a tear-off whose chunk already carries the next receipt is not held at all', () => {
    const r = rig(150, 'hold', NC);
    const input = Buffer.concat([doc, B('\n\x1b@NEXT SHOP\n')]);
    r.hold.push(input);
    expect(r.out().equals(input)).toBe(true);
    expect(r.hold.holding).toBe(false);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['declined']);
  });

  it('text arriving after the answer, while it waits for quiet, also leaves the stream unchanged; a late quiet is late', () => {
    const r = rig(150, 'hold', NC);
    r.hold.push(Buffer.concat([doc, B('\n')]));
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    r.timers.advance(20);
    r.hold.push(B('\n'));
    r.timers.advance(20);
    r.hold.push(B('NEXT'));
    r.timers.advance(200);
    expect(r.out().equals(Buffer.concat([doc, B('\n\nNEXT')]))).toBe(true);
    // Feeds only, but never 50 ms quiet before maxHoldMs: released unchanged, late.
    const q = rig(150, 'hold', NC);
    q.hold.push(Buffer.concat([doc, B('\n')]));
    q.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    for (let t = 0; t < 200; t += 30) {
      q.timers.advance(30);
      q.hold.push(B('\n'));
    }
    expect(q.out().includes(BLOCK)).toBe(false);
    expect(q.outcomes.map((o) => o.kind)).toEqual(['late']);
  });
});

describe('FooterHold', () => {
  it('records every write as it happens: queued bytes with the result of their own write, the block as the box\'s', () => {
    const r = rig();
    r.hold.push(Buffer.concat([B('TOTAL 1.00\n'), B(CUT), B('NEXT')]));
    r.hold.push(B([0x10, 0x04, 0x01]));
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    // Consecutive writes of the same kind and result, joined (a release writes the cut, then the queue).
    const runs = (from: number) => {
      const out: [string, string, boolean][] = [];
      for (const x of r.records.slice(from)) {
        const last = out.at(-1);
        if (last !== undefined && last[0] === x.dir && last[2] === x.delivered) last[1] += x.bytes.toString('latin1');
        else out.push([x.dir, x.bytes.toString('latin1'), x.delivered]);
      }
      return out;
    };
    const cut = B(CUT).toString('latin1');
    expect(runs(0)).toEqual([
      ['pos>printer', 'TOTAL 1.00\n\x10\x04\x01', true],
      ['box>printer', BLOCK.toString('latin1'), true],
      ['pos>printer', `${cut}NEXT`, true],
    ]);
    // The printer goes away while the next cut is held: what waited behind it is recorded undelivered.
    const n = r.records.length;
    r.hold.push(Buffer.concat([B('B\n'), B(CUT), B('AFTER')]));
    r.printer.down = true;
    r.hold.push(B('MORE'));
    r.timers.advance(150);
    expect(runs(n)).toEqual([
      ['pos>printer', 'B\n', true],
      ['pos>printer', `${cut}AFTERMORE`, false],
    ]);
  });

  it('sends everything before the cut at once, holds only the cut, inserts the block before it', () => {
    const r = rig();
    r.hold.push(B('HELLO\n'));
    r.hold.push(Buffer.concat([B('TOTAL 1.00\n'), B(CUT), B('NEXT')]));
    expect(r.out().toString('latin1')).toBe('HELLO\nTOTAL 1.00\n');
    expect(r.hold.holding).toBe(true);
    expect(r.asks).toHaveLength(1);
    expect(r.asks[0]!.doc.equals(Buffer.concat([B('HELLO\nTOTAL 1.00\n'), B(CUT)]))).toBe(true);
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    expect(r.out().equals(Buffer.concat([B('HELLO\nTOTAL 1.00\n'), BLOCK, B(CUT), B('NEXT')]))).toBe(true);
    expect(r.outcomes).toEqual([{ kind: 'printed', reason: 'sale', holdMs: 0, blockBytes: BLOCK.length }]);
  });

  it('releases the cut unchanged after maxHoldMs and ignores a late answer', () => {
    const r = rig(150);
    r.hold.push(Buffer.concat([B('A\n'), B([0x1b, 0x69]), B('B\n')]));
    r.timers.advance(149);
    expect(r.out().toString('latin1')).toBe('A\n');
    r.timers.advance(1);
    expect(r.out().equals(Buffer.concat([B('A\n'), B([0x1b, 0x69]), B('B\n')]))).toBe(true);
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    expect(r.out().includes(BLOCK)).toBe(false);
    expect(r.outcomes.map((o) => [o.kind, o.holdMs])).toEqual([['late', 150]]);
  });

  it('passes status queries behind a held cut at once, and the next receipt after the cut in order', () => {
    const r = rig();
    r.hold.push(Buffer.concat([B('R1\n'), B(CUT)]));
    r.hold.push(B([0x10, 0x04, 0x01])); // DLE EOT 1
    r.hold.push(B('R2 line\n'));
    r.hold.push(B([0x1d, 0x72, 0x01])); // GS r 1
    expect(r.out().equals(Buffer.concat([B('R1\n'), B([0x10, 0x04, 0x01]), B([0x1d, 0x72, 0x01])]))).toBe(true);
    r.hold.push(Buffer.concat([B('R2 end\n'), B(CUT)]));
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    // R1's block and cut, then R2 up to its own cut, which is now held in turn.
    expect(r.out().equals(Buffer.concat([B('R1\n'), B([0x10, 0x04, 0x01, 0x1d, 0x72, 0x01]), BLOCK, B(CUT), B('R2 line\nR2 end\n')]))).toBe(true);
    expect(r.hold.holding).toBe(true);
    // The document the analytics side sees is exactly what the POS sent, queries included.
    expect(r.asks[1]!.doc.equals(Buffer.concat([B([0x10, 0x04, 0x01]), B('R2 line\n'), B([0x1d, 0x72, 0x01]), B('R2 end\n'), B(CUT)]))).toBe(true);
    r.asks[1]!.answer({ block: null, reason: 'not a sale' });
    expect(r.out().subarray(-4).equals(B(CUT))).toBe(true);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['printed', 'declined']);
  });

  it('recognises a cut split across chunks (one byte at a time, as a slow serial line delivers it)', () => {
    const r = rig();
    const input = Buffer.concat([B('X\n'), B(CUT), B('Y')]);
    for (const byte of input) r.hold.push(B([byte]));
    expect(r.out().toString('latin1')).toBe('X\n');
    r.asks[0]!.answer({ block: BLOCK, reason: 'sale' });
    expect(r.out().equals(Buffer.concat([B('X\n'), BLOCK, B(CUT), B('Y')]))).toBe(true);
  });

  it('a lone ESC at the end of a chunk waits at most maxHoldMs, then goes out', () => {
    const r = rig(100);
    r.hold.push(B('Z\x1b'));
    expect(r.out().toString('latin1')).toBe('Z');
    r.timers.advance(100);
    expect(r.out().toString('latin1')).toBe('Z\x1b');
    r.hold.push(B('!\x00'));
    expect(r.out().toString('latin1')).toBe('Z\x1b!\x00');
  });

  it('never sees a cut inside image data or a QR payload', () => {
    const r = rig();
    const raster = B([0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x1d, 0x56, 0x1b, 0x69]);
    const qr = B([0x1d, 0x28, 0x6b, 0x07, 0x00, 0x31, 0x50, 0x30, 0x1d, 0x56, 0x41, 0x00]);
    r.hold.push(Buffer.concat([raster, qr, B('ok\n')]));
    expect(r.asks).toHaveLength(0);
    expect(r.out().equals(Buffer.concat([raster, qr, B('ok\n')]))).toBe(true);
  });

  it('dry run asks at every cut but never holds or inserts', () => {
    const r = rig(150, 'observe');
    const input = Buffer.concat([B('S\n'), B(CUT), B('T\n'), B([0x1b, 0x6d])]);
    r.hold.push(input);
    expect(r.out().equals(input)).toBe(true);
    expect(r.asks).toHaveLength(2);
    expect(r.hold.holding).toBe(false);
  });

  it('a long queue behind a held cut pauses the POS side (back-pressure), resumed once it has gone out', () => {
    let resumed = 0;
    const timers = new ManualTimers();
    const out: Buffer[] = [];
    let answer: ((a: FooterAnswer) => void) | undefined;
    const hold = new FooterHold({
      maxHoldMs: 150, mode: 'hold', timers, write: (b) => (out.push(Buffer.from(b)), 'ok'),
      ask: (_doc, a) => ((answer = a), () => undefined), resume: () => resumed++,
    });
    hold.push(Buffer.concat([B('R1\n'), B(CUT)]));
    const big = Buffer.alloc(40 * 1024, 0x41);
    expect(hold.push(big)).toBe('ok');
    expect(hold.push(big)).toBe('full');
    expect(resumed).toBe(0);
    answer!({ block: BLOCK, reason: 'sale' });
    expect(resumed).toBe(1);
    expect(Buffer.concat(out).equals(Buffer.concat([B('R1\n'), BLOCK, B(CUT), big, big]))).toBe(true);
    // A sender that does not pause: past the hard limit the cut goes out unchanged, counted late.
    const r = rig();
    r.hold.push(Buffer.concat([B('R2\n'), B(CUT)]));
    for (let i = 0; i < 30; i++) r.hold.push(big);
    expect(r.hold.holding).toBe(false);
    expect(r.outcomes.map((o) => [o.kind, o.reason])).toEqual([['late', 'queue full']]);
    expect(r.out().equals(Buffer.concat([B('R2\n'), B(CUT), ...Array.from({ length: 30 }, () => big)]))).toBe(true);
  });

  it('dry run holds nothing, not even a split cut, and still reports its document', () => {
    const r = rig(150, 'observe');
    const input = Buffer.concat([B('X\n'), B(CUT), B('Y')]);
    let sent = 0;
    for (const byte of input) {
      r.hold.push(B([byte]));
      sent++;
      expect(r.out().length).toBe(sent);
    }
    expect(r.asks.map((a) => a.doc.toString('hex'))).toEqual([Buffer.concat([B('X\n'), B(CUT)]).toString('hex')]);
  });

  it('close() releases a held cut unchanged and calls whenIdle waiters', () => {
    const r = rig();
    let idle = false;
    r.hold.push(Buffer.concat([B('Q\n'), B(CUT)]));
    r.hold.whenIdle(() => (idle = true));
    expect(idle).toBe(false);
    r.hold.close();
    expect(idle).toBe(true);
    expect(r.out().equals(Buffer.concat([B('Q\n'), B(CUT)]))).toBe(true);
  });
});

// ---- fuzz ------------------------------------------------------------------------------------


/** Random ESC/POS: text, style commands, every cut form, images and symbols full of cut-like bytes. */
function randomStream(rnd: () => number, pieces: number, feeds = false): Buffer {
  const parts: Buffer[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const cuts = [[0x1d, 0x56, 0x00], [0x1d, 0x56, 0x31], [0x1d, 0x56, 0x41, 0x05], [0x1d, 0x56, 0x68, 0x00], [0x1b, 0x69], [0x1b, 0x6d]];
  const nasty = (n: number): number[] => Array.from({ length: n }, () => pick([0x1d, 0x56, 0x1b, 0x69, 0x6d, 0x10, 0x04, 0x0a, Math.floor(rnd() * 256)]));
  for (let i = 0; i < pieces; i++) {
    // Tear-off runs for a printer without a cutter: 1-6 line feeds, sometimes ESC d n.
    if (feeds && rnd() < 0.25) {
      parts.push(rnd() < 0.8 ? B('\n'.repeat(1 + Math.floor(rnd() * 6))) : B([0x1b, 0x64, Math.floor(rnd() * 6)]));
      continue;
    }
    const k = rnd();
    if (k < 0.35) parts.push(B(`line ${i} ${'x'.repeat(Math.floor(rnd() * 30))}\n`));
    else if (k < 0.5) parts.push(B(pick([[0x1b, 0x21, 0x38], [0x1b, 0x61, 0x01], [0x1d, 0x21, 0x11], [0x1c, 0x26], [0x1b, 0x74, 0x13], [0x1b, 0x40]])));
    else if (k < 0.62) parts.push(B(pick(cuts)));
    else if (k < 0.75) {
      const w = 1 + Math.floor(rnd() * 4);
      const h = 1 + Math.floor(rnd() * 8);
      parts.push(B([0x1d, 0x76, 0x30, 0x00, w, 0x00, h, 0x00, ...nasty(w * h)]));
    } else if (k < 0.85) {
      const data = nasty(Math.floor(rnd() * 40));
      const n = data.length + 3;
      parts.push(B([0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30, ...data]));
    } else if (k < 0.92) parts.push(B([0x1b, 0x2a, 0x00, 3, 0x00, ...nasty(3)]));
    else parts.push(B(nasty(1 + Math.floor(rnd() * 3)).filter((b) => b >= 0x20 && b !== 0x56 && b !== 0x69 && b !== 0x6d)));
  }
  return Buffer.concat(parts);
}

describe('FooterHold fuzz', () => {
  it('passes random streams through with only whole blocks inserted before real cuts', () => fuzz(false));
  it('without a cutter: only whole blocks, only before real cuts or the feed that completes a tear-off run', () => fuzz(true));

  function fuzz(noCutter: boolean): void {
    let printedTotal = 0;
    let atTearOffs = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = prng(seed * 7919);
      const input = randomStream(rnd, 20 + Math.floor(rnd() * 60), noCutter);
      // Reference: the cuts (and tear-offs) one tokenizer pass over the whole input finds.
      const ref = new CutScanner(noCutter ? 4 : 0).feed(input).filter((m) => m.kind !== 'query');
      const r = rig(50, 'hold', noCutter ? { feeds: 4, quietMs: 10 } : undefined);
      const pending: { ask: Ask; at: number; block: Buffer }[] = [];
      let asked = 0;
      let i = 0;
      while (i < input.length) {
        const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 4 : 64));
        r.hold.push(input.subarray(i, i + n));
        i += n;
        for (; asked < r.asks.length; asked++) {
          const ask = r.asks[asked]!;
          const block = B(`<<F${seed}.${asked}>>\n`);
          const mode = rnd();
          if (mode < 0.3) ask.answer({ block, reason: 'sale' });
          else if (mode < 0.85) pending.push({ ask, at: r.timers.now() + Math.floor(rnd() * 80), block });
          else if (mode < 0.95) pending.push({ ask, at: r.timers.now() + Math.floor(rnd() * 10), block: B([]) });
          // else: never answered (a stalled analytics child)
        }
        r.timers.advance(Math.floor(rnd() * 20));
        for (const p of pending.splice(0)) {
          if (p.at <= r.timers.now()) p.ask.answer({ block: p.block.length > 0 ? p.block : null, reason: 'x' });
          else pending.push(p);
        }
      }
      r.timers.advance(1000);
      for (const p of pending) p.ask.answer({ block: p.block, reason: 'too late' });
      // Expected: the input with each printed block inserted at the start of the cut it was asked for.
      const docEnds = ref.map((m) => m.end);
      let k = 0;
      const insertAt = new Map<number, Buffer>();
      const heldOutcomes = r.outcomes.filter((o) => o.kind !== 'split');
      expect(heldOutcomes).toHaveLength(r.asks.length);
      r.asks.forEach((ask, j) => {
        while (k < ref.length && !input.subarray(k === 0 ? 0 : (docEnds[k - 1] as number), docEnds[k]).equals(ask.doc)) k++;
        expect(k, `seed ${seed}: ask ${j} matches a real cut`).toBeLessThan(ref.length);
        const o = heldOutcomes[j]!;
        if (o.kind === 'printed') insertAt.set(ref[k]!.start, B(`<<F${seed}.${j}>>\n`));
        if (o.kind === 'printed' && ref[k]!.kind === 'end') atTearOffs++;
        k++;
      });
      const expected: Buffer[] = [];
      let from = 0;
      for (const [at, block] of [...insertAt].sort((a, b) => a[0] - b[0])) {
        expected.push(input.subarray(from, at), block);
        from = at;
      }
      expected.push(input.subarray(from));
      expect(r.out().equals(Buffer.concat(expected)), `seed ${seed}`).toBe(true);
      expect(r.hold.holding).toBe(false);
      printedTotal += insertAt.size;
    }
    expect(printedTotal).toBeGreaterThan(100);
    if (noCutter) expect(atTearOffs).toBeGreaterThan(20);
    else expect(atTearOffs).toBe(0);
  }
});
