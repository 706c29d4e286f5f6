/**
 * The soak's verdicts, computed from the parts themselves after the run: what the printer got
 * against what the till sent (byte alignment), what the journal, the ledger and head office hold,
 * and latency per chunk from the till's write to the printer's read.
 */
import Database from 'better-sqlite3';
import { basketId } from '../../src/sync/basket.js';
import type { FaultWindow } from './faults.js';
import type { Link } from './rig.js';
import type { SentChunk, SentReceipt } from './till.js';

/** A run of printer bytes equal to sent bytes: printer[p, p+len) == sent[s, s+len). */
export interface Run {
  p: number;
  s: number;
  len: number;
}

const PROBE = 16;

/**
 * Places the printer stream on the sent stream, in order, allowing only gaps in the sent stream
 * (bytes that never arrived). A printer byte that cannot be placed is an altered byte.
 */
export function align(sent: Buffer, printed: Buffer): { runs: Run[]; altered: number } {
  const runs: Run[] = [];
  let altered = 0;
  let p = 0;
  let s = 0;
  while (p < printed.length) {
    const probe = printed.subarray(p, Math.min(printed.length, p + PROBE));
    const q = sent.indexOf(probe, s);
    if (q < 0) {
      altered++;
      p++;
      continue;
    }
    let len = probe.length;
    while (p + len < printed.length && q + len < sent.length && printed[p + len] === sent[q + len]) len++;
    runs.push({ p, s: q, len });
    p += len;
    s = q + len;
  }
  return { runs, altered };
}

/**
 * Which receipts are whole, in order, in `stream` (what reached the printer, or the journal). The
 * stream holds the till's bytes in order with gaps, so between two receipts it cannot hold more
 * bytes than the till sent between them: a match further on is a different copy and is refused.
 * (A plain search from the last match jumped ahead when a receipt that occurs again later was
 * missing — the demo prints some reprints twice, byte for byte, 200 receipts apart: every receipt
 * in between counted as missing, 478 of 1,000 "whole in the journal" in one soak.)
 */
export function wholeInOrder(stream: Buffer, receipts: { start: number; end: number; bytes: Buffer }[]): boolean[] {
  let at = 0;
  let sentAt = 0;
  return receipts.map((r) => {
    const found = stream.indexOf(r.bytes, at);
    if (found < 0 || found + r.bytes.length > at + (r.end - sentAt)) return false;
    at = found + r.bytes.length;
    sentAt = r.end;
    return true;
  });
}

export interface LatencyStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function stats(values: number[]): LatencyStats {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? NaN;
  return { count: v.length, p50: at(0.5), p99: at(0.99), max: v[v.length - 1] ?? NaN };
}

/** Latency of each sent chunk's last byte (ms), or undefined where it never arrived. */
export function chunkLatencies(chunks: SentChunk[], runs: Run[], link: Link): (number | undefined)[] {
  const arrivalEnds: number[] = [];
  let total = 0;
  for (const a of link.arrivals) arrivalEnds.push((total += a.bytes.length));
  return chunks.map((c) => {
    const last = c.end - 1;
    const run = findRun(runs, last);
    if (run === undefined) return undefined;
    const p = run.p + (last - run.s);
    const i = lowerBound(arrivalEnds, p + 1);
    const arrival = link.arrivals[i];
    return arrival === undefined ? undefined : arrival.t - c.t;
  });
}

function findRun(runs: Run[], s: number): Run | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid] as Run;
    if (s < r.s) hi = mid - 1;
    else if (s >= r.s + r.len) lo = mid + 1;
    else return r;
  }
  return undefined;
}

function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The phase a moment belongs to: the fault active then, "after <fault>" for 15 s after the latest one that ended, else steady. */
export function phaseAt(t: number, windows: FaultWindow[]): string {
  for (const w of windows) if (t >= w.start && t <= w.end) return w.kind;
  let after: FaultWindow | undefined;
  for (const w of windows) if (t > w.end && t <= w.end + 15_000 && (after === undefined || w.end > after.end)) after = w;
  return after === undefined ? 'steady' : `after ${after.kind}`;
}

export interface LedgerVerdict {
  journaledReceipts: number;
  expectedCounted: number;
  inLedger: number;
  lost: string[];
  countedTwice: string[];
  undeliveredBytes: number;
  journalBytes: number;
  /** counted sales and refunds in the ledger (the baskets head office must have) */
  expectedBaskets: Set<string>;
  /** ledger rows without a receipt number: parts of receipts a fault cut (head lost, or split) */
  partial: number;
}

/** Receipts whose bytes reached the journal must be in the ledger, once; sales and refunds counted once. */
export function checkLedger(journalPath: string, ledgerPath: string, receipts: SentReceipt[], storeId: string): LedgerVerdict {
  const journal = new Database(journalPath, { readonly: true });
  const rows = journal.prepare("SELECT bytes, delivered FROM chunks WHERE dir = 'pos>printer' ORDER BY seq").all() as { bytes: Buffer; delivered: number }[];
  journal.close();
  const stream = Buffer.concat(rows.map((r) => r.bytes));
  const undeliveredBytes = rows.filter((r) => r.delivered === 0).reduce((n, r) => n + r.bytes.length, 0);
  const ledger = new Database(ledgerPath, { readonly: true });
  const byNo = new Map<string, { kind: string; counted: number; id: string }[]>();
  // Head office must get a basket for every counted sale and refund the ledger holds, including
  // the ones cut short by a fault (their head lost while the box was down), and nothing else.
  const expectedBaskets = new Set<string>();
  let partial = 0;
  for (const r of ledger.prepare('SELECT receipt_no AS no, kind, counted, id FROM receipts').all() as { no: string | null; kind: string; counted: number; id: string }[]) {
    if (r.counted === 1 && (r.kind === 'sale' || r.kind === 'refund')) expectedBaskets.add(basketId(storeId, r.id));
    if (r.no === null) {
      partial++;
      continue;
    }
    byNo.set(r.no, [...(byNo.get(r.no) ?? []), r]);
  }
  ledger.close();
  const whole = wholeInOrder(stream, receipts);
  let journaled = 0;
  let expectedCounted = 0;
  let inLedger = 0;
  const lost: string[] = [];
  for (const [i, r] of receipts.entries()) {
    if (whole[i] !== true) continue; // not whole in the journal (sent while the box was down): not expected anywhere
    journaled++;
    const rows = byNo.get(r.receiptNo) ?? [];
    if (r.kind === 'sale' || r.kind === 'refund') {
      expectedCounted++;
      const counted = rows.filter((x) => x.counted === 1);
      if (counted.length === 0) lost.push(r.receiptNo);
      else inLedger++;
    }
  }
  const countedTwice = [...byNo.entries()].filter(([, rs]) => rs.filter((x) => x.counted === 1).length > 1).map(([no]) => no);
  return { journaledReceipts: journaled, expectedCounted, inLedger, lost, countedTwice, undeliveredBytes, journalBytes: stream.length, expectedBaskets, partial };
}

export function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
