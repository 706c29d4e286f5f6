import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DateOrder } from '../receipt/text/dates.js';
import { noVotes, orderFromVotes, type DateOrderVotes } from '../receipt/text/date-order.js';

/**
 * Votes per order stop growing here: the file then only changes when the till changes its format,
 * and a till that does (new POS software) is re-learned within a few dozen receipts.
 */
export const DATE_VOTES_CAP = 50;
/** Tills remembered in one file (a box serves one till; a shared journal a few). */
export const DATE_TILLS_MAX = 64;

interface TillState {
  votes: DateOrderVotes;
  updatedAt: string;
}

/**
 * The date order each till prints, learned from its unambiguous dates and kept in a small JSON
 * file of its own next to the pipeline position (written atomically: write, then rename), so it
 * survives restarts and stays out of other stages' state. The parser stays pure: the caller asks
 * `order(till)` and passes it in, then hands the receipt's votes to `observe`.
 *
 * `save()` is the caller's, right after it saves the pipeline position: the file then always
 * holds the votes of exactly the documents before that position, so documents handed over again
 * after a crash are read with the same order as the first time and keep their ids (a receipt's
 * id includes its date).
 */
export class TillDateOrders {
  private readonly file: string | null;
  private readonly persist: boolean;
  private readonly tills = new Map<string, TillState>();
  private dirty = false;

  /**
   * `file` null: in memory only (`tillbox parse` over one capture). `persist: false` starts from
   * the file and never writes it (`tillbox reparse`, `doctor --detect`).
   */
  constructor(file: string | null, opts: { persist?: boolean } = {}) {
    this.file = file;
    this.persist = file !== null && opts.persist !== false;
    if (file !== null) this.load(file);
  }

  order(till: string): DateOrder | null {
    const s = this.tills.get(till);
    return s === undefined ? null : orderFromVotes(s.votes);
  }

  votes(till: string): DateOrderVotes {
    return { ...(this.tills.get(till)?.votes ?? noVotes()) };
  }

  /** Adds one receipt's unambiguous dates (in memory; `save` writes them). `now` labels the file only. */
  observe(till: string, v: DateOrderVotes, now: Date = new Date()): void {
    if (v.DMY + v.MDY + v.YMD === 0) return;
    const s = this.tills.get(till) ?? { votes: noVotes(), updatedAt: now.toISOString() };
    const before = JSON.stringify(s.votes);
    // One receipt counts once per order, however many dates it prints.
    for (const k of ['DMY', 'MDY', 'YMD'] as const) if (v[k] > 0) s.votes[k] += 1;
    const top = Math.max(s.votes.DMY, s.votes.MDY, s.votes.YMD);
    if (top > DATE_VOTES_CAP) for (const k of ['DMY', 'MDY', 'YMD'] as const) s.votes[k] = Math.floor(s.votes[k] / 2);
    if (JSON.stringify(s.votes) === before && this.tills.has(till)) return;
    s.updatedAt = now.toISOString();
    this.tills.delete(till);
    this.tills.set(till, s);
    while (this.tills.size > DATE_TILLS_MAX) this.tills.delete(this.tills.keys().next().value as string);
    this.dirty = true;
  }

  private load(file: string): void {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return; // first start, or a torn file: learn again (the parser falls back to the receipt's own signs)
    }
    if (typeof saved !== 'object' || saved === null) return;
    for (const [till, s] of Object.entries(saved as Record<string, Partial<TillState>>)) {
      const v = s.votes;
      if (v === undefined || ![v.DMY, v.MDY, v.YMD].every((n) => Number.isInteger(n) && n >= 0)) continue;
      this.tills.set(till, { votes: { DMY: v.DMY, MDY: v.MDY, YMD: v.YMD }, updatedAt: String(s.updatedAt ?? '') });
    }
  }

  /** Writes the votes when they changed since the last save. */
  save(): void {
    if (!this.persist || !this.dirty || this.file === null) return;
    this.dirty = false;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(Object.fromEntries(this.tills)));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

/** File in dataDir that keeps the learned date order per till. */
export const DATE_ORDERS_FILE = 'till-date-orders.json';

/** The key a box's own till is learned under: its POS line (serial path, or TCP listen address). */
export function tillKey(config: { pos: { path: string; listen?: string } }): string {
  return config.pos.listen ?? config.pos.path;
}
