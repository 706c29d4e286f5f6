/** A document's journal range ends exclusive: its last chunk is the one before (toSeq, offset 0). */
import { describe, expect, it } from 'vitest';
import { lastSeqOf } from '../../src/pipeline/pipeline.js';

describe('lastSeqOf', () => {
  it('is the chunk before the end when the document ends at a chunk boundary', () => {
    expect(lastSeqOf({ fromSeq: 10, fromOffset: 0, toSeq: 14, toOffset: 0 })).toBe(13);
  });
  it('is the end chunk when the document ends inside it', () => {
    expect(lastSeqOf({ fromSeq: 10, fromOffset: 0, toSeq: 14, toOffset: 7 })).toBe(14);
  });
  it('never goes before the first chunk', () => {
    expect(lastSeqOf({ fromSeq: 10, fromOffset: 3, toSeq: 10, toOffset: 0 })).toBe(10);
  });
});
