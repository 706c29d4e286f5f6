import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JournalReader } from '../journal/reader.js';
import type { TextPrior } from '../escpos/detect.js';
import type { Position } from './pipeline.js';

/** The journal cursor the pipeline holds: retention keeps every chunk after it. */
export const PIPELINE_CURSOR = 'pipeline';

export interface SavedPosition extends Position {
  /**
   * Starts that began re-reading the journal at this position and did not get through (the
   * process died first): the poison-document count (docs/notes/h1-decoder-limits.md). 0 when
   * the last run got past it or stopped cleanly.
   */
  attempts: number;
}

/**
 * Where the pipeline resumes: the first byte of the document still open. The chunk seq goes to
 * the journal cursor (so retention keeps that chunk); the byte offset inside it, which the
 * journal's cursors cannot hold, goes to a small file written atomically (write, then rename),
 * with the attempt counter when it is not 0.
 */
export function loadPosition(file: string, reader: JournalReader): SavedPosition {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedPosition>;
    if (typeof saved.seq === 'number' && typeof saved.offset === 'number') {
      const attempts = typeof saved.attempts === 'number' && Number.isInteger(saved.attempts) && saved.attempts > 0 ? saved.attempts : 0;
      const pos: SavedPosition = { seq: saved.seq, offset: saved.offset, attempts };
      if (isPrior(saved.text)) pos.text = saved.text;
      return pos;
    }
  } catch {
    // No file yet (first start) or a torn one: fall back to the journal cursor, offset 0.
  }
  return { seq: reader.getCursor(PIPELINE_CURSOR) + 1, offset: 0, attempts: 0 };
}

/** A saved text prior from an older or damaged file is dropped (detection starts over), never trusted blindly. */
function isPrior(x: unknown): x is TextPrior {
  const p = x as Partial<TextPrior> | undefined;
  return typeof p === 'object' && p !== null && typeof p.mode === 'object' && typeof p.encoding === 'object' && typeof p.documents === 'number' && typeof p.evidenceDocuments === 'number';
}

export function savePosition(file: string, reader: JournalReader, pos: Position, attempts = 0): void {
  const saved = { seq: pos.seq, offset: pos.offset, ...(pos.text === undefined ? {} : { text: pos.text }), ...(attempts > 0 ? { attempts } : {}) };
  writeFileSync(`${file}.tmp`, JSON.stringify(saved));
  renameSync(`${file}.tmp`, file);
  reader.setCursor(PIPELINE_CURSOR, pos.seq - 1);
}
