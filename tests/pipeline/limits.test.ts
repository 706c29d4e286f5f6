/**
 * Issue 17 items 1 and 2 over the pipeline: the position never stays behind the bytes read by
 * more than the decoder's cap, whatever the stream; and a document the process dies on is
 * skipped after two tries (src/pipeline/poison.ts). The real daemon version of the poison test is
 * tests/e2e/poison.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { encodeReceiptText, renderText, StreamDecoder } from '../../src/escpos/index.js';
import { MAX_HELD_BYTES } from '../../src/escpos/limits.js';
import { Pipeline, type JournalRange, type PipelineChunk, type Position } from '../../src/pipeline/pipeline.js';
import { POISON_AFTER_CRASHES, StartupGuard } from '../../src/pipeline/poison.js';
import type { SavedPosition } from '../../src/pipeline/position.js';
import { rng } from '../escpos/synthetic.js';

const BAD_HEADERS = ['1c7101ffffffff', '1d384cffffff7f', '1d763000ffffffff', '1b2a21ffff', '1d2affff'].map((h) => Buffer.from(h, 'hex'));

function toChunks(stream: Buffer, next: () => number, maxChunk: number): PipelineChunk[] {
  const out: PipelineChunk[] = [];
  let seq = 1;
  for (let i = 0; i < stream.length; ) {
    const n = 1 + Math.floor(next() * maxChunk);
    out.push({ seq: seq++, dir: 'pos>printer', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: stream.subarray(i, i + n) });
    if (next() < 0.1) out.push({ seq: seq++, dir: 'printer>pos', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: Uint8Array.of(0x12) });
    i += n;
  }
  return out;
}

/** Stream offset of a pipeline position in these chunks. */
function streamOffset(chunks: PipelineChunk[], pos: Position): number {
  let n = 0;
  for (const c of chunks) {
    if (c.seq >= pos.seq) break;
    if (c.dir === 'pos>printer') n += c.bytes.length;
  }
  return n + pos.offset;
}

/**
 * Hostile streams without a single cut or ESC @: uncut receipt lines, oversized image headers
 * followed by random bytes, and long runs of text: nothing but the decoder's own limits can
 * close a document here.
 */
function hostile(next: () => number, size: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  while (n < size) {
    const k = next();
    let part: Buffer;
    if (k < 0.3) part = BAD_HEADERS[Math.floor(next() * BAD_HEADERS.length)] as Buffer;
    else if (k < 0.6) {
      part = Buffer.from(Array.from({ length: Math.floor(next() * 70_000) }, () => Math.floor(next() * 256)));
      for (let i = 0; i + 1 < part.length; i++) if (part[i] === 0x1b || part[i] === 0x1d) part[i] = 0x1a; // no ESC @, no cut
    } else if (k < 0.9) part = Buffer.from(`item ${Math.floor(next() * 1e6)}      1     2.50\n`.repeat(1 + Math.floor(next() * 3000)));
    else part = Buffer.alloc(Math.floor(next() * 400_000), 0x41);
    parts.push(part);
    n += part.length;
  }
  return Buffer.concat(parts);
}

describe('property: random streams with oversized declared lengths never hold the position for more than the cap', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 10 MB without a cut, read in random chunks`, () => {
      const next = rng(seed * 7919);
      const stream = hostile(next, 10 * 1024 * 1024);
      const chunks = toChunks(stream, next, 64 * 1024);
      let served = 0;
      let docs = 0;
      let worst = 0;
      const p = new Pipeline(
        {
          read: (after, max) => {
            const rows = chunks.filter((c) => c.seq > after).slice(0, max);
            for (const r of rows) if (r.dir === 'pos>printer') served += r.bytes.length;
            return rows;
          },
          makeDecoder: () => new StreamDecoder(),
          onDocument: () => void docs++,
          savePosition: () => {},
          idleGapMs: 0,
          batchSize: 4,
        },
        { seq: 1, offset: 0 },
      );
      while (p.step() > 0) {
        const held = served - streamOffset(chunks, p.position);
        worst = Math.max(worst, held);
        expect(held).toBeLessThanOrEqual(MAX_HELD_BYTES);
      }
      expect(served).toBe(stream.length);
      expect(docs).toBeGreaterThan(2);
      // Without the limits one document (and the position) would hold everything after the first bad header.
      expect(worst).toBeLessThan(stream.length / 2);
    }, 60_000);
  }

  it('after a burst of damaged data the next receipts are handed over and the position moves past them', () => {
    const next = rng(42);
    const receipts = [1, 2, 3].map((n) => encodeReceiptText([`Receipt ${n}`, 'Milk   5.80', 'Total  5.80'], { encoding: 'gb18030' }));
    const stream = Buffer.concat([hostile(next, 300_000), ...receipts]);
    const chunks = toChunks(stream, next, 4096);
    const texts: string[] = [];
    const p = new Pipeline(
      {
        read: (after, max) => chunks.filter((c) => c.seq > after).slice(0, max),
        makeDecoder: () => new StreamDecoder(),
        onDocument: (doc) => void texts.push(renderText(doc)),
        savePosition: () => {},
        idleGapMs: 0,
      },
      { seq: 1, offset: 0 },
    );
    while (p.step() > 0);
    // Receipt 1 follows the uncut burst, so it ends the document the burst is in (no cut came
    // before it); the two after it are documents of their own.
    expect(texts.filter((t) => t.includes('Receipt 1\n'))).toHaveLength(1);
    for (const n of [2, 3]) expect(texts.filter((t) => t.startsWith(`Receipt ${n}\n`))).toHaveLength(1);
    expect(streamOffset(chunks, p.position)).toBe(stream.length);
  });
});

// ---- the poison document ------------------------------------------------------------------

interface Disk {
  saved: SavedPosition;
  records: { range: JournalRange; reason: string; text: string | null }[];
  filed: string[];
}

/**
 * One start of a simulated analytics process over `chunks`, the way startAnalytics runs it. The
 * process "dies" when `dies(doc)` (a handler crash) or when the decoder is pushed a chunk
 * containing `decoderDiesOn`: from then on nothing it does reaches the disk.
 */
function start(disk: Disk, chunks: PipelineChunk[], opts: { dies?: (text: string) => boolean; decoderDiesOn?: string }): 'died' | 'caught up' {
  let dead = false;
  const guard = new StartupGuard(disk.saved, {
    save: (pos, attempts) => {
      if (!dead) disk.saved = { ...pos, attempts };
    },
    record: (range, reason, doc) => {
      if (!dead) disk.records.push({ range, reason, text: doc === null ? null : renderText(doc) });
    },
    read: (after, max) => chunks.filter((c) => c.seq > after).slice(0, max),
  });
  const pipeline = new Pipeline(
    {
      read: (after, max) => chunks.filter((c) => c.seq > after).slice(0, max),
      makeDecoder: () => {
        const d = new StreamDecoder({ encoding: 'gb18030' });
        return {
          push: (bytes: Uint8Array) => {
            if (opts.decoderDiesOn !== undefined && Buffer.from(bytes).includes(opts.decoderDiesOn)) throw new Error('decoder died');
            return d.push(bytes);
          },
          idle: () => d.idle(),
          get documentStart() {
            return d.documentStart;
          },
        };
      },
      onDocument: (doc, range) =>
        guard.onDocument(doc, range, (d) => {
          if (dead) return;
          const text = renderText(d);
          if (opts.dies?.(text) === true) {
            dead = true; // the process is gone: the guard's catch below it never runs in reality
            throw new Error('killed');
          }
          disk.filed.push(text.split('\n')[0] ?? '');
        }),
      savePosition: (pos) => guard.savePosition(pos),
      idleGapMs: 0,
      batchSize: 3,
    },
    guard.start,
  );
  guard.begin();
  pipeline.saveEachDocument = true;
  try {
    while (pipeline.step() > 0) if (dead) return 'died';
  } catch {
    return 'died';
  }
  if (dead) return 'died';
  pipeline.saveEachDocument = false;
  guard.caughtUp(pipeline.position);
  return 'caught up';
}

const receipt = (name: string): Buffer => encodeReceiptText([name, 'Bread   12.50', 'Total   12.50'], { encoding: 'gb18030' });

/** The receipts in chunks of `chunkSize` bytes (0: one chunk per receipt). */
function journal(names: string[], chunkSize: number): PipelineChunk[] {
  const out: PipelineChunk[] = [];
  let seq = 1;
  if (chunkSize === 0) {
    for (const n of names) out.push({ seq: seq++, dir: 'pos>printer', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: receipt(n) });
    return out;
  }
  const stream = Buffer.concat(names.map(receipt));
  for (let i = 0; i < stream.length; i += chunkSize) out.push({ seq: seq++, dir: 'pos>printer', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: stream.subarray(i, i + chunkSize) });
  return out;
}

describe('a poison document is skipped after two crashes', () => {
  const names = ['R1', 'R2', 'POISON', 'R3', 'R4'];

  for (const chunkSize of [7, 64, 100_000]) {
    it(`a handler that kills the process on one document (chunks of ${chunkSize} bytes)`, () => {
      const chunks = journal(names, chunkSize);
      const disk: Disk = { saved: { seq: 1, offset: 0, attempts: 0 }, records: [], filed: [] };
      const outcomes: string[] = [];
      for (let k = 0; k < 6 && outcomes.at(-1) !== 'caught up'; k++) outcomes.push(start(disk, chunks, { dies: (t) => t.startsWith('POISON') }));
      expect(outcomes).toEqual([...Array<string>(POISON_AFTER_CRASHES).fill('died'), 'caught up']);
      expect(disk.records).toHaveLength(1);
      expect(disk.records[0]?.reason).toMatch(/analytics stopped 2 times on this document: skipped without parsing/);
      expect(disk.records[0]?.text).toMatch(/^POISON/);
      expect([...new Set(disk.filed)]).toEqual(['R1', 'R2', 'R3', 'R4']);
      expect(disk.saved.attempts).toBe(0);
    });
  }

  it('a decoder that dies on the bytes: the next start skips them undecoded, to the next job start', () => {
    const chunks = journal(names, 0);
    const disk: Disk = { saved: { seq: 1, offset: 0, attempts: 0 }, records: [], filed: [] };
    const outcomes: string[] = [];
    for (let k = 0; k < 8 && outcomes.at(-1) !== 'caught up'; k++) outcomes.push(start(disk, chunks, { decoderDiesOn: 'P' }));
    // Two crashes, one try with the document skipped (the decoder dies again), then the raw skip.
    expect(outcomes).toEqual(['died', 'died', 'died', 'caught up']);
    expect(disk.records).toHaveLength(1);
    expect(disk.records[0]?.reason).toMatch(/analytics stopped 3 times decoding the print data here: \d+ bytes skipped undecoded to the next job start/);
    expect(disk.records[0]?.text).toBeNull();
    expect([...new Set(disk.filed)]).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('a handler that throws does not stop the stream: the document is recorded and the next ones filed', () => {
    const chunks = journal(names, 64);
    const disk: Disk = { saved: { seq: 1, offset: 0, attempts: 0 }, records: [], filed: [] };
    let thrown = 0;
    const guard = new StartupGuard(disk.saved, { save: () => {}, record: (range, reason) => disk.records.push({ range, reason, text: null }), read: () => [] });
    const p = new Pipeline(
      {
        read: (after, max) => chunks.filter((c) => c.seq > after).slice(0, max),
        makeDecoder: () => new StreamDecoder(),
        onDocument: (doc, range) =>
          guard.onDocument(doc, range, (d) => {
            const text = renderText(d);
            if (text.startsWith('POISON')) {
              thrown++;
              throw new Error('parser bug');
            }
            disk.filed.push(text.split('\n')[0] ?? '');
          }),
        savePosition: () => {},
        idleGapMs: 0,
      },
      guard.start,
    );
    while (p.step() > 0);
    expect(thrown).toBe(1);
    expect(disk.records.map((r) => r.reason)).toEqual(['not filed: parser bug (raw bytes kept in the journal)']);
    expect(disk.filed).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('a clean start at the same position does not count', () => {
    const chunks = journal(['R1'], 64);
    const disk: Disk = { saved: { seq: 1, offset: 0, attempts: 0 }, records: [], filed: [] };
    for (let k = 0; k < 4; k++) expect(start(disk, chunks, {})).toBe('caught up');
    expect(disk.saved.attempts).toBe(0);
    expect(disk.records).toEqual([]);
  });
});
