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
export type AskFooter = (doc: Buffer | null, answer: (a: FooterAnswer) => void, opts: { dryRun: boolean }) => (() => void) | false;

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
