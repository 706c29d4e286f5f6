import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JournalReader } from '../journal/reader.js';
import type { TextPrior } from '../escpos/detect.js';
import type { Position } from './pipeline.js';

/** The journal cursor the pipeline holds: retention keeps every chunk after it. */
export const PIPELINE_CURSOR = 'pipeline';

/**
 * Where the pipeline resumes: the first byte of the document still open. The chunk seq goes to
 * the journal cursor (so retention keeps that chunk); the byte offset inside it, which the
 * journal's cursors cannot hold, goes to a small file written atomically (write, then rename).
 */
export function loadPosition(file: string, reader: JournalReader): Position {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Position>;
    if (typeof saved.seq === 'number' && typeof saved.offset === 'number') {
      const pos: Position = { seq: saved.seq, offset: saved.offset };
      if (isPrior(saved.text)) pos.text = saved.text;
      return pos;
    }
  } catch {
    // No file yet (first start) or a torn one: fall back to the journal cursor, offset 0.
  }
  return { seq: reader.getCursor(PIPELINE_CURSOR) + 1, offset: 0 };
}

/** A saved text prior from an older or damaged file is dropped (detection starts over), never trusted blindly. */
function isPrior(x: unknown): x is TextPrior {
  const p = x as Partial<TextPrior> | undefined;
  return typeof p === 'object' && p !== null && typeof p.mode === 'object' && typeof p.encoding === 'object' && typeof p.documents === 'number' && typeof p.evidenceDocuments === 'number';
}

export function savePosition(file: string, reader: JournalReader, pos: Position): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(pos));
  renameSync(`${file}.tmp`, file);
  reader.setCursor(PIPELINE_CURSOR, pos.seq - 1);
}
