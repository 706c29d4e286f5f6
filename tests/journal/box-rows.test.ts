/**
 * The journal's marked rows (schema 2): bytes the box inserted (footer blocks) are stored beside
 * the POS's, read back as 'box>printer', and never decoded as part of a receipt.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import { StreamDecoder } from '../../src/escpos/index.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { openJournalReader } from '../../src/journal/reader.js';
import { JOURNAL_SCHEMA_VERSION, openJournalForWrite } from '../../src/journal/schema.js';
import { JournalStore } from '../../src/journal/store.js';
import type { JournalDirection } from '../../src/journal/types.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig, profilesFromConfig } from '../../src/pipeline/options.js';
import { documentToReceipt } from '../../src/pipeline/parse-document.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { CutScanner } from '../../src/tap/cut-scanner.js';
import { tempDir } from '../support/tmp.js';
import { demoDay } from '../tap/footer-diff.js';

const config = configFromObject({});

/** A footer block whose text would read as an item and change the total if it were parsed. */
const BLOCK = Buffer.from('\x1ba\x00Yoghurt 2 x 5.80        11.60\nTOTAL 11.60\nThank you 谢谢\n', 'latin1');

/** Journal rows for `docs`, each sale's block (when `block`) just before its cut, as `blockDir`. */
function rowsFor(docs: Buffer[], block: Buffer | null, blockDir: JournalDirection): { dir: JournalDirection; bytes: Buffer }[] {
  const rows: { dir: JournalDirection; bytes: Buffer }[] = [];
  for (const d of docs) {
    const cut = new CutScanner().feed(d).find((m) => m.kind === 'cut');
    if (block === null || cut === undefined) {
      rows.push({ dir: 'pos>printer', bytes: d });
      continue;
    }
    rows.push({ dir: 'pos>printer', bytes: d.subarray(0, cut.start) }, { dir: blockDir, bytes: block }, { dir: 'pos>printer', bytes: d.subarray(cut.start) });
  }
  return rows;
}

function writeJournal(path: string, rows: { dir: JournalDirection; bytes: Buffer }[]): void {
  const store = new JournalStore(path);
  let mono = 1_000_000;
  store.append(rows.map((r) => ({ ...r, wallTime: 1_764_000_000_000, mono: (mono += 1000), delivered: true })), 'boot', true);
  store.close();
}

/** What reparse files from a journal: each receipt's id, kind, total and items, and the document's text. */
function reparse(path: string): unknown[] {
  const reader = openJournalReader(path);
  const parseOptions = parseOptionsFromConfig(config, profilesFromConfig(config));
  const out: unknown[] = [];
  try {
    const p = new Pipeline(
      {
        read: (after, max) => reader.readAfter(after, max),
        makeDecoder: () => new StreamDecoder(decoderOptionsFromConfig(config)),
        onDocument: (doc) => {
          const r = documentToReceipt(doc, parseOptions);
          if (r !== null && !(r instanceof Error)) out.push({ id: r.id, kind: r.kind, total: r.total, items: r.items.map((i) => [i.name, i.amount]), text: doc.lines.map((l) => l.text) });
        },
        savePosition: () => undefined,
        idleGapMs: config.decoder.idleGapMs,
      },
      { seq: 1, offset: 0 },
    );
    while (p.step() > 0);
  } finally {
    reader.close();
  }
  return out;
}

describe('journal: the box\'s own rows', () => {
  const docs = demoDay(12).map((d) => encodeReceiptText(d.lines));

  it('a reparse of a journal with footers files the same receipts as one without; the marked rows hold the exact block', () => {
    const t = tempDir('tbx-jbox-');
    try {
      const withFooters = join(t.dir, 'with.db');
      const without = join(t.dir, 'without.db');
      const asIfPos = join(t.dir, 'as-pos.db');
      writeJournal(withFooters, rowsFor(docs, BLOCK, 'box>printer'));
      writeJournal(without, rowsFor(docs, null, 'pos>printer'));
      writeJournal(asIfPos, rowsFor(docs, BLOCK, 'pos>printer'));
      const base = reparse(without);
      expect(base.length).toBeGreaterThan(5);
      expect(reparse(withFooters)).toEqual(base);
      // Control: the same block journaled as POS bytes would have become part of the documents.
      expect(reparse(asIfPos)).not.toEqual(base);

      const reader = openJournalReader(withFooters);
      const rows = reader.readAfter(0, 10_000);
      const box = rows.filter((c) => c.dir === 'box>printer');
      expect(box.length).toBe(docs.length);
      for (const b of box) expect(b.bytes.equals(BLOCK)).toBe(true);
      expect(Buffer.concat(rows.filter((c) => c.dir === 'pos>printer').map((c) => c.bytes)).equals(Buffer.concat(docs))).toBe(true);
      // A stage's backlog counts the POS's bytes only.
      expect(reader.bytesAfter(0, 'pos>printer')).toBe(Buffer.concat(docs).length);
      expect(reader.bytesAfter(0, 'box>printer')).toBe(BLOCK.length * docs.length);
      reader.close();
      // On disk: the direction the bytes travelled, and the mark.
      const db = new Database(withFooters, { readonly: true });
      expect(db.prepare(`SELECT DISTINCT dir FROM chunks WHERE box = 1`).pluck().all()).toEqual(['pos>printer']);
      db.close();
    } finally {
      t.cleanup();
    }
  });

  it('migration 2 marks nothing in an existing journal, and a reader copes with an unmigrated one', () => {
    const t = tempDir('tbx-jmig-');
    try {
      const path = join(t.dir, 'journal.db');
      // A version-1 journal as the previous tillbox wrote it.
      const v1 = new Database(path);
      v1.exec(`CREATE TABLE chunks (seq INTEGER PRIMARY KEY AUTOINCREMENT, dir TEXT NOT NULL CHECK (dir IN ('pos>printer', 'printer>pos')),
        wall_ms INTEGER NOT NULL, mono_us INTEGER NOT NULL, boot_id TEXT NOT NULL, clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        delivered INTEGER NOT NULL CHECK (delivered IN (0, 1)), bytes BLOB NOT NULL);
        CREATE INDEX chunks_wall ON chunks (wall_ms);
        CREATE TABLE cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
        PRAGMA user_version = 1;`);
      v1.prepare(`INSERT INTO chunks (dir, wall_ms, mono_us, boot_id, clock_synced, delivered, bytes) VALUES ('pos>printer', 1, 1, 'b', 1, 1, ?)`).run(docs[0]);
      v1.close();
      const unmigrated = openJournalReader(path);
      expect(unmigrated.readAfter(0, 10).map((c) => [c.dir, c.linkBreak])).toEqual([['pos>printer', false]]);
      unmigrated.close();

      openJournalForWrite(path).close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(JOURNAL_SCHEMA_VERSION);
      expect(JOURNAL_SCHEMA_VERSION).toBe(3);
      expect(db.prepare('SELECT box FROM chunks').pluck().all()).toEqual([0]);
      // Migration 3 marks no old row as a link break either.
      expect(db.prepare('SELECT brk FROM chunks').pluck().all()).toEqual([0]);
      db.close();
      const reader = openJournalReader(path);
      const [row] = reader.readAfter(0, 10);
      expect(row?.dir).toBe('pos>printer');
      expect(row?.bytes.equals(docs[0]!)).toBe(true);
      reader.close();
    } finally {
      t.cleanup();
    }
  });
});
