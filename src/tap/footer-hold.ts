import { ByteQueue, DocBytes } from './byte-queue.js';
import { CutScanner, type StreamMark } from './cut-scanner.js';

import type { FooterAnswer, FooterHoldOptions, Held, HoldOutcome, PendingCut, Timers, WriteResult } from './footer-types.js';
import { HARD_QUEUED_BYTES, MAX_DOC_BYTES, MAX_QUEUED_BYTES, onlyFeeds, REAL_TIMERS } from './footer-types.js';

export type { AskFooter, FooterAnswer, FooterHoldOptions, HoldOutcome, SkipReason, Timers, WriteResult } from './footer-types.js';
export { HARD_QUEUED_BYTES, MAX_DOC_BYTES, MAX_QUEUED_BYTES, REAL_TIMERS } from './footer-types.js';

/**
 * The one place the box adds bytes to the POS→printer stream. Every byte before a cut goes to the
 * printer as it arrives; the cut itself (and whatever follows it) waits for the analytics side's
 * block at most `maxHoldMs`, then the block (if any), the cut and the queue go out in order.
 * Status queries behind a held cut go out at once. Anything unexpected releases the cut unchanged.
 * One instance per POS stream (serial: one; TCP: one per connection).
 */
export class FooterHold {
  private readonly opts: FooterHoldOptions;
  private readonly timers: Timers;
  private readonly scanner: CutScanner;
  /** POS bytes not yet written. */
  private readonly q = new ByteQueue();
  private readonly cuts: PendingCut[] = [];
  private readonly queries: StreamMark[] = [];
  /** Query ranges already written ahead of a held cut; skipped when the queue goes out. */
  private readonly sentAhead: StreamMark[] = [];
  private tailFrom = -1;
  private tailTimer: unknown;
  private held: Held | undefined;
  /** Document bytes since the last cut. */
  private readonly doc = new DocBytes(MAX_DOC_BYTES);
  private last: WriteResult = 'ok';
  private idleWaiters: (() => void)[] = [];
  private paused = false;
  private closed = false;
  /** Monotonic time of the last POS chunk (-Infinity before the first). */
  private lastPushAt = -Infinity;

  constructor(opts: FooterHoldOptions) {
    this.opts = opts;
    this.timers = opts.timers ?? REAL_TIMERS;
    this.scanner = new CutScanner(opts.noCutter?.feeds ?? 0);
  }

  /** True while a cut waits for its block. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Bytes received but not yet written. */
  get queued(): number {
    return this.q.length;
  }

  /** Document bytes since the last cut (not yet sent to the analytics side). */
  get pendingDocBytes(): number {
    return this.doc.length;
  }

  /**
   * For a print of the box's own (`tillbox footer --print`): when the POS last sent a byte
   * (monotonic ms), or null while anything is held or queued, a cut may be arriving, or the
   * stream is closed. With `bytesSinceCut`, the POS's bytes since its last cut (null: too many).
   */
  quietSince(): { at: number; bytesSinceCut: Buffer | null } | null {
    if (this.closed || this.held !== undefined || this.cuts.length > 0 || this.q.length > 0 || this.tailFrom >= 0) return null;
    return { at: this.lastPushAt, bytesSinceCut: this.doc.peek() };
  }

  /**
   * Writes a block of the box's own between two POS chunks, recorded as 'box>printer', if the
   * stream is still as quiet as `quietSince()` said at `since` (no POS byte after it). Synchronous,
   * so no POS byte can come between the check and the write; false (nothing written) otherwise.
   */
  writeOwn(block: Buffer, since: number): WriteResult | false {
    const q = this.quietSince();
    if (q === null || q.at > since) return false;
    const r = this.opts.write(block);
    this.opts.record?.('box>printer', block, r !== 'down');
    return r;
  }

  /** One chunk from the POS. Returns the last write's result (for back-pressure). */
  push(chunk: Buffer): WriteResult {
    this.lastPushAt = this.timers.now();
    const base = this.scanner.offset;
    const marks = this.scanner.feed(chunk);
    // Dry run never holds anything, not even the 1-3 bytes of a cut split across chunks.
    const tail = this.closed || this.opts.mode === 'observe' ? -1 : this.scanner.pendingCutStart(chunk);
    // Fast path: nothing held or queued, no cut or doubt in this chunk: straight through.
    if (marks.length === 0 && tail < 0 && this.held === undefined && this.q.length === 0 && this.tailFrom < 0) {
      this.doc.add(chunk, 0, chunk.length);
      this.q.start = base + chunk.length;
      const r = this.opts.write(chunk);
      this.opts.record?.('pos>printer', chunk, r !== 'down');
      return r;
    }
    this.last = 'ok';
    let docFrom = 0;
    for (const m of marks) {
      if (m.kind === 'query') {
        this.queries.push(m);
        continue;
      }
      const upto = Math.max(0, m.end - base);
      this.doc.add(chunk, docFrom, upto);
      docFrom = upto;
      this.cuts.push({ start: m.start, end: m.end, doc: this.doc.take(), feedEnd: m.kind === 'end' });
    }
    this.doc.add(chunk, docFrom, chunk.length);
    this.q.push(chunk);
    this.setTail(tail);
    if (this.held?.cut.feedEnd === true && !onlyFeeds(chunk)) this.release(null, 'declined', 'more than feeds followed the tear-off: not sure the receipt ended');
    this.pump();
    if (this.held !== undefined && this.q.length > HARD_QUEUED_BYTES) this.release(null, 'late', 'queue full');
    if (this.held !== undefined && this.q.length > MAX_QUEUED_BYTES) {
      this.paused = true;
      return 'full';
    }
    return this.last;
  }

  /** Calls `fn` once nothing is held or queued (at once if so already): end a TCP job after its cut. */
  whenIdle(fn: () => void): void {
    if (this.held === undefined && this.q.length === 0) fn();
    else this.idleWaiters.push(fn);
  }

  /** Releases everything unchanged, now (stop, lost connection). No more holds afterwards. */
  close(): void {
    this.closed = true;
    this.setTail(-1);
    if (this.held !== undefined) this.release(null, 'late', 'closed');
    this.pump();
  }

  private setTail(from: number): void {
    if (this.tailTimer !== undefined) this.timers.clear(this.tailTimer);
    this.tailTimer = undefined;
    this.tailFrom = from;
    // A lone ESC/GS that nothing follows still goes out, after at most maxHoldMs.
    if (from >= 0) this.tailTimer = this.timers.set(() => {
      this.tailTimer = undefined;
      this.tailFrom = -1;
      this.pump();
    }, this.opts.maxHoldMs);
  }

  /** Writes what may go now; starts a hold when the next cut is at the head of the queue. */
  private pump(): void {
    for (;;) {
      if (this.held !== undefined) {
        this.sendQueriesAhead();
        return;
      }
      const cut = this.cuts[0];
      const limit = cut !== undefined ? cut.start : this.tailFrom >= 0 ? this.tailFrom : this.q.end;
      this.writeInOrder(Math.max(limit, this.q.start));
      if (cut === undefined) break;
      if (cut.start < this.q.start && this.opts.mode === 'hold') {
        // Part of the cut went out before it could be recognised (a chunk ended inside it and the
        // tail wait expired): nothing can go before it any more.
        this.cuts.shift();
        this.writeInOrder(cut.end);
        this.outcome('split', 'cut split across chunks', 0, 0);
        continue;
      }
      this.startHold(cut);
    }
    if (this.q.length === 0 && this.held === undefined) for (const fn of this.idleWaiters.splice(0)) fn();
  }

  /** false: the cut was released at once (dry run, closed, or the request could not be sent). */
  private startHold(cut: PendingCut): boolean {
    const dryRun = this.opts.mode === 'observe';
    if (this.closed) {
      this.cuts.shift();
      this.writeInOrder(cut.end);
      this.outcome('closed', 'stream closing', 0, 0);
      return false;
    }
    if (dryRun) {
      this.cuts.shift();
      this.writeInOrder(cut.end);
      this.opts.ask(cut.doc, () => undefined, { dryRun: true, feedEnd: cut.feedEnd });
      return false;
    }
    if (cut.doc === null) {
      this.cuts.shift();
      this.writeInOrder(cut.end);
      this.outcome('overflow', 'document too long', 0, 0);
      return false;
    }
    const t0 = this.timers.now();
    let settled = false;
    let early: FooterAnswer | undefined;
    const cancel = this.opts.ask(cut.doc, (a) => {
      if (settled) return;
      settled = true;
      if (this.held?.cut === cut) this.answered(cut, a);
      else early = a;
    }, { dryRun: false, feedEnd: cut.feedEnd });
    this.cuts.shift();
    // A tear-off already followed by more than feeds (in the same chunk): not sure it ended a receipt.
    const continued = cut.feedEnd && !onlyFeeds(this.q.slice(cut.end, this.q.end));
    if (cancel === false || early !== undefined || continued) {
      settled = true;
      if (continued && cancel !== false) cancel();
      // Not sent, answered before ask() returned, or in doubt: no hold. (A tear-off answered so
      // soon cannot have seen the POS go quiet: unchanged.)
      const block = cut.feedEnd ? null : (early?.block ?? null);
      if (block !== null && block.length > 0) this.write(block, 'box>printer');
      this.writeInOrder(cut.end);
      if (cancel === false) this.outcome('unsent', 'analytics unreachable', 0, 0);
      else if (continued) this.outcome('declined', 'more than feeds followed the tear-off: not sure the receipt ended', 0, 0);
      else this.outcome(block !== null && block.length > 0 ? 'printed' : 'declined', early?.reason ?? '', this.timers.now() - t0, block?.length ?? 0);
      return false;
    }
    const timer = this.timers.set(() => {
      settled = true;
      if (this.held?.cut === cut) this.release(null, 'late', `no answer within ${this.opts.maxHoldMs} ms`);
    }, this.opts.maxHoldMs);
    this.held = { cut, t0, timer, cancel };
    return true;
  }

  /** The child's answer for the held cut; a tear-off's block waits until the POS has been quiet. */
  private answered(cut: PendingCut, a: FooterAnswer): void {
    const held = this.held;
    if (held?.cut !== cut) return;
    if (cut.feedEnd && a.block !== null) {
      const wait = (this.opts.noCutter?.quietMs ?? 0) - (this.timers.now() - this.lastPushAt);
      if (wait > 0) {
        if (held.quietTimer !== undefined) this.timers.clear(held.quietTimer);
        held.quietTimer = this.timers.set(() => this.answered(cut, a), wait);
        return;
      }
    }
    this.release(a.block, a.block === null ? 'declined' : 'printed', a.reason);
  }

  private release(block: Buffer | null, kind: HoldOutcome['kind'], reason: string): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.timers.clear(held.timer);
    if (held.quietTimer !== undefined) this.timers.clear(held.quietTimer);
    held.cancel();
    const holdMs = this.timers.now() - held.t0;
    let blockBytes = 0;
    if (block !== null && block.length > 0 && kind === 'printed') {
      blockBytes = block.length;
      this.write(block, 'box>printer');
    }
    this.writeInOrder(held.cut.end);
    this.outcome(blockBytes > 0 ? 'printed' : kind === 'printed' ? 'declined' : kind, reason, holdMs, blockBytes);
    this.pump();
    if (this.paused && this.held === undefined) {
      this.paused = false;
      this.opts.resume?.();
    }
  }

  private outcome(kind: HoldOutcome['kind'], reason: string, holdMs: number, blockBytes: number): void {
    this.opts.onOutcome?.({ kind, reason, holdMs, blockBytes });
  }

  /** Queries queued behind the held cut go out now, ahead of it. */
  private sendQueriesAhead(): void {
    while (this.queries.length > 0) {
      const m = this.queries.shift() as StreamMark;
      if (m.start < this.q.start) continue; // already written in order
      this.write(this.q.slice(m.start, m.end));
      this.sentAhead.push(m);
    }
  }

  /** Writes queued bytes up to stream offset `to`, leaving out queries already sent ahead. */
  private writeInOrder(to: number): void {
    const end = Math.min(to, this.q.end);
    if (end <= this.q.start) return;
    let from = this.q.start;
    const parts: Buffer[] = [];
    while (this.sentAhead.length > 0 && (this.sentAhead[0] as StreamMark).start < end) {
      const m = this.sentAhead.shift() as StreamMark;
      if (m.start > from) parts.push(this.q.slice(from, m.start));
      from = Math.max(from, m.end);
    }
    if (end > from) parts.push(this.q.slice(from, end));
    while (this.queries.length > 0 && (this.queries[0] as StreamMark).start < end) this.queries.shift();
    this.q.drop(end);
    const out = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    if (out.length > 0) this.write(out);
  }

  private write(bytes: Buffer, dir: 'pos>printer' | 'box>printer' = 'pos>printer'): void {
    const r = this.opts.write(bytes);
    this.opts.record?.(dir, bytes, r !== 'down');
    if (r !== 'ok' || this.last === 'ok') this.last = r;
  }
}
