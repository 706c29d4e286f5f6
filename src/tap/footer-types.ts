/** Types shared by the footer hold (footer-hold.ts) and its IPC end (footer-link.ts). */

/** What a write to the printer side did: accepted, accepted but the side is full, or side down. */
export type WriteResult = 'ok' | 'full' | 'down';

/** Why a held cut went out without a block. */
export type SkipReason = 'late' | 'declined' | 'unsent' | 'split' | 'overflow' | 'closed';

/** The analytics side's answer: a block to insert before the cut, or none (and why, for counters). */
export interface FooterAnswer {
  block: Buffer | null;
  reason: string;
}

/**
 * Sends one document (the bytes since the previous cut, through this cut) to the analytics side.
 * Returns a cancel function, or false when it could not be sent (the cut is released at once).
 * `answer` may be called at most once, and not after cancel.
 */
export type AskFooter = (doc: Buffer | null, answer: (a: FooterAnswer) => void, opts: { dryRun: boolean; feedEnd: boolean }) => (() => void) | false;

export interface HoldOutcome {
  /** 'printed': block inserted; otherwise the cut went out unchanged. */
  kind: 'printed' | SkipReason;
  reason: string;
  /** Cut received (complete) to block written or cut released, ms (monotonic). */
  holdMs: number;
  blockBytes: number;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  /** Monotonic ms. */
  now(): number;
}

export const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => performance.now(),
};

/** POS bytes queued behind a held cut beyond this ask the POS side to pause (back-pressure) ... */
export const MAX_QUEUED_BYTES = 64 * 1024;
/** ... and beyond this (a sender that does not pause) release the cut early, counted late. */
export const HARD_QUEUED_BYTES = 1024 * 1024;
/** A document longer than this goes to the analytics side without its bytes (it declines). */
export const MAX_DOC_BYTES = 256 * 1024;

export interface FooterHoldOptions {
  maxHoldMs: number;
  /** 'hold': insert blocks; 'observe' (dry run): ask at each cut, never hold, never insert. */
  mode: 'hold' | 'observe';
  write: (bytes: Buffer) => WriteResult;
  /**
   * Called after every write with what was written and whether the printer side took it: the
   * journal's record. 'pos>printer' pieces are the POS's bytes (a chunk that went out in parts is
   * recorded in parts, each with its own write's result: bytes queued behind a held cut and then
   * lost with the printer are journaled undelivered); 'box>printer' is an inserted block.
   */
  record?: (dir: 'pos>printer' | 'box>printer', bytes: Buffer, delivered: boolean) => void;
  ask: AskFooter;
  onOutcome?: (o: HoldOutcome) => void;
  /** Called once the queue has gone out after push() answered 'full' (resume the POS side). */
  resume?: () => void;
  timers?: Timers;
  /**
   * A printer without a cutter (footer.noCutter): a run of `feeds` line feeds also ends a receipt.
   * The feed that completes the run is held like a cut, but the block goes in only if nothing but
   * feeds follows it and the POS has then been quiet `quietMs`; any other byte releases it
   * unchanged at once (the run was inside a receipt, or the next one began).
   */
  noCutter?: { feeds: number; quietMs: number };
}
/** With footer.noCutter, how long the POS must be quiet after the tear-off feeds (at most half of maxHoldMs). */
export const NO_CUTTER_QUIET_MS = 50;

/** A cut (or tear-off) found in the stream, with its document. Internal to footer-hold.ts. */
export interface PendingCut {
  start: number;
  end: number;
  doc: Buffer | null;
  /** A tear-off feed run (noCutter), not a cut. */
  feedEnd: boolean;
}

/** The cut being held. Internal to footer-hold.ts. */
export interface Held {
  cut: PendingCut;
  t0: number;
  timer: unknown;
  cancel: () => void;
  /** noCutter: the answer waits for the POS to go quiet. */
  quietTimer?: unknown;
}

/** Only line feeds and carriage returns (what may follow a tear-off run without doubt). */
export const onlyFeeds = (b: Buffer): boolean => b.every((x) => x === 0x0a || x === 0x0d);
