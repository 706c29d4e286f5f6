import { describe, expect, it } from 'vitest';
import { encodeReceiptText, renderText, StreamDecoder } from '../../src/escpos/index.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { Pipeline, type JournalRange, type PipelineChunk, type Position } from '../../src/pipeline/pipeline.js';

/** A journal in memory: the real journal is tested in tests/tap; here the pipeline's bookkeeping is. */
function chunked(streams: { bytes: Uint8Array; wallTime: number }[], sizes: number[]): PipelineChunk[] {
  const out: PipelineChunk[] = [];
  let seq = 1;
  let k = 0;
  for (const s of streams) {
    for (let i = 0; i < s.bytes.length; ) {
      const n = sizes[k++ % sizes.length] ?? 7;
      out.push({ seq: seq++, dir: 'pos>printer', wallTime: s.wallTime, monoUs: s.wallTime * 1000, bootId: 'boot-1', bytes: s.bytes.subarray(i, i + n) });
      // Printer status replies are interleaved in the journal and must be skipped.
      if (k % 5 === 0) out.push({ seq: seq++, dir: 'printer>pos', wallTime: s.wallTime, monoUs: s.wallTime * 1000, bootId: 'boot-1', bytes: Uint8Array.of(0x12) });
      i += n;
    }
  }
  return out;
}

function run(chunks: PipelineChunk[], start: Position, stopAfterChunks = Infinity, idleGapMs = 0) {
  const docs: { text: string; range: JournalRange }[] = [];
  let saved: Position = start;
  let served = 0;
  const p = new Pipeline(
    {
      read: (after, max) => {
        const rows = chunks.filter((c) => c.seq > after).slice(0, Math.min(max, stopAfterChunks - served));
        served += rows.length;
        return rows;
      },
      makeDecoder: () => new StreamDecoder({ encoding: 'gb18030' }),
      onDocument: (doc: DecodedDocument, range) => docs.push({ text: renderText(doc), range }),
      savePosition: (pos) => {
        saved = pos;
      },
      idleGapMs,
      batchSize: 10,
    },
    start,
  );
  while (p.step() > 0);
  return { docs, saved, pipeline: p };
}

const receipts = ['光明酸奶 5.80', '全麦面包 12.50', '鸡蛋 13.90'].map((l, i) => encodeReceiptText([`单号: ${i + 1}`, l, `合计: ${l.split(' ')[1]}`], { encoding: 'gb18030' }));

describe('pipeline: journal chunks to documents', () => {
  it('hands over every receipt once, with the journal range it came from, whatever the chunking', () => {
    for (const sizes of [[1], [3, 17, 2], [4096]]) {
      const chunks = chunked(receipts.map((bytes) => ({ bytes, wallTime: 0 })), sizes);
      const { docs } = run(chunks, { seq: 1, offset: 0 });
      expect(docs.map((d) => d.text.match(/单号: (\d)/)?.[1])).toEqual(['1', '2', '3']);
      for (const d of docs) {
        const first = chunks.find((c) => c.seq === d.range.fromSeq);
        expect(first?.dir).toBe('pos>printer');
        expect(d.range.toSeq).toBeGreaterThanOrEqual(d.range.fromSeq);
      }
    }
  });

  it('resumes from its saved position after a stop mid-receipt without losing or re-reading finished receipts', () => {
    const chunks = chunked(receipts.map((bytes) => ({ bytes, wallTime: 0 })), [5, 9]);
    const total = chunks.length;
    for (const stopAt of [3, Math.floor(total / 2), total - 2]) {
      const first = run(chunks, { seq: 1, offset: 0 }, stopAt);
      const second = run(chunks, first.saved);
      const numbers = [...first.docs, ...second.docs].map((d) => d.text.match(/单号: (\d)/)?.[1]);
      expect(numbers).toEqual(['1', '2', '3']);
    }
  });

  it('closes a document after an idle gap when the printer has no cutter', () => {
    const bare = [encodeReceiptText(['第一张 1.00'], { encoding: 'gb18030', cut: false }), encodeReceiptText(['第二张 2.00'], { encoding: 'gb18030', cut: false })];
    const chunks = chunked([{ bytes: bare[0]!, wallTime: 1000 }, { bytes: bare[1]!, wallTime: 9000 }], [6]);
    const { docs } = run(chunks, { seq: 1, offset: 0 }, Infinity, 3000);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.text).toContain('第一张');
  });
});

describe('pipeline: idle gaps on the monotonic clock (issue 17 item 5)', () => {
  const bare = [encodeReceiptText(['第一张 1.00'], { encoding: 'gb18030', cut: false }), encodeReceiptText(['第二张 2.00'], { encoding: 'gb18030', cut: false })];
  const two = (a: Partial<PipelineChunk>, b: Partial<PipelineChunk>): PipelineChunk[] => [
    { seq: 1, dir: 'pos>printer', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: bare[0]!, ...a },
    { seq: 2, dir: 'pos>printer', wallTime: 0, monoUs: 0, bootId: 'boot-1', bytes: bare[1]!, ...a, ...b },
  ];
  const texts = (chunks: PipelineChunk[]) => run(chunks, { seq: 1, offset: 0 }, Infinity, 3000).docs.map((d) => d.text.trim());

  /** One chunk in a journal read as the daemon polls it, with a 3 s idle gap. */
  const chunksOf = (bytes: Uint8Array): PipelineChunk[] => [{ seq: 1, dir: 'pos>printer', wallTime: 0, monoUs: 1_000_000, bootId: 'b', bytes }];
  const polled = (chunks: PipelineChunk[], moreComing?: () => boolean): { docs: string[]; p: Pipeline } => {
    const docs: string[] = [];
    const p = new Pipeline(
      {
        read: (after) => chunks.filter((c) => c.seq > after),
        makeDecoder: () => new StreamDecoder({ encoding: 'gb18030' }),
        onDocument: (doc) => docs.push(renderText(doc)),
        savePosition: () => undefined,
        idleGapMs: 3000,
        ...(moreComing === undefined ? {} : { moreComing }),
      },
      { seq: 1, offset: 0 },
    );
    return { docs, p };
  };

  it('does not split when the wall clock jumps a day but the monotonic clock moved 40 ms', () => {
    expect(texts(two({ wallTime: 1000, monoUs: 1_000_000 }, { wallTime: 1000 + 86_400_000, monoUs: 1_040_000 }))).toEqual([]);
  });

  it('splits after real silence even when the wall clock went back an hour', () => {
    const docs = texts(two({ wallTime: 10_000_000, monoUs: 1_000_000 }, { wallTime: 10_000_000 - 3_600_000, monoUs: 6_000_000 }));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toContain('第一张');
  });

  it('treats another boot, or a monotonic reading going backwards, as a boundary', () => {
    expect(texts(two({ monoUs: 9_000_000 }, { monoUs: 9_000_100, bootId: 'boot-2' }))).toHaveLength(1);
    expect(texts(two({ monoUs: 9_000_000, bootId: 'unknown' }, { monoUs: 100 }))).toHaveLength(1);
  });

  it('closes the open document when "now" on the monotonic clock is past the gap, not on wall time', () => {
    const { docs, p } = polled(chunksOf(bare[0]!));
    p.step({ monoUs: 1_500_000, bootId: 'b' });
    p.step({ monoUs: 3_900_000, bootId: 'b' });
    expect(docs).toEqual([]);
    p.step({ monoUs: 4_000_000, bootId: 'b' });
    expect(docs).toHaveLength(1);
  });

  it('is no idle gap while the tap says its journal writer is behind: the rest of the receipt is still coming', () => {
    let behind = true;
    const chunks = chunksOf(bare[0]!);
    const { docs, p } = polled(chunks, () => behind);
    p.step({ monoUs: 1_500_000, bootId: 'b' });
    p.step({ monoUs: 9_000_000, bootId: 'b' }); // 8 s of silence in the journal, but the writer lags
    expect(docs).toEqual([]);
    // The late tail arrives: one document, not two halves.
    chunks.push({ seq: 2, dir: 'pos>printer', wallTime: 0, monoUs: 1_100_000, bootId: 'b', bytes: bare[1]! });
    p.step({ monoUs: 9_100_000, bootId: 'b' });
    behind = false;
    p.step({ monoUs: 9_200_000, bootId: 'b' });
    p.step({ monoUs: 9_300_000, bootId: 'b' });
    expect(docs).toHaveLength(1);
    expect(docs[0]).toContain('第一张');
    expect(docs[0]).toContain('第二张');
  });
});
