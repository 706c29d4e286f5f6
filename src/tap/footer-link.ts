import type { FooterOutcomeMessage, FooterReplyMessage, FooterRequestMessage, FooterTapStats } from '../daemon/messages.js';
import { HOLD_BUCKETS_MS } from '../daemon/messages.js';
import type { Logger } from '../log.js';
import { FooterHold, type FooterAnswer, type FooterHoldOptions, type HoldOutcome, type Timers, type WriteResult } from './footer-hold.js';

export interface FooterLinkOptions {
  mode: 'dry-run' | 'on';
  maxHoldMs: number;
  /** Best-effort send to the analytics child; false when it was not sent. */
  send: (msg: FooterRequestMessage | FooterOutcomeMessage) => boolean;
  logger: Logger;
  timers?: Timers;
}

const BAD_BLOCK_MAX = 4096;

/**
 * The tap's end of the footer IPC: one FooterHold per POS stream, request ids, the answers from
 * the child, and the counters. A POS stream is a printer's state history, so TCP sessions share
 * one (`seq` runs on across connections; a connection that ends mid-document leaves a gap).
 */
export class FooterLink {
  private readonly opts: FooterLinkOptions;
  private readonly log: Logger;
  private nextId = 0;
  private readonly pending = new Map<number, (a: FooterAnswer) => void>();
  private readonly seqs = new Map<string, number>();
  private readonly stat: FooterTapStats;

  constructor(opts: FooterLinkOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ module: 'footer' });
    this.stat = {
      mode: opts.mode,
      printed: 0,
      skipped: { late: 0, declined: 0, unsent: 0, split: 0, overflow: 0, closed: 0 },
      holdBuckets: new Array<number>(HOLD_BUCKETS_MS.length + 1).fill(0),
      holdCount: 0,
      holdSumMs: 0,
    };
  }

  /**
   * A hold for one POS stream writing to the printer through `write`; `record` journals what each
   * write carried (see FooterHoldOptions.record), so the tap records POS bytes through it.
   */
  holdFor(stream: string, write: (b: Buffer) => WriteResult, record: NonNullable<FooterHoldOptions['record']>, resume?: () => void): FooterHold {
    const asked: number[] = [];
    const hold: FooterHold = new FooterHold({
      maxHoldMs: this.opts.maxHoldMs,
      mode: this.opts.mode === 'on' ? 'hold' : 'observe',
      write,
      record,
      ...(resume !== undefined ? { resume } : {}),
      ...(this.opts.timers !== undefined ? { timers: this.opts.timers } : {}),
      ask: (doc, answer, { dryRun }) => {
        const id = ++this.nextId;
        const seq = this.bumpSeq(stream);
        const sent = this.opts.send({ type: 'footer-request', id, stream, seq, doc: doc === null ? null : doc.toString('base64'), dryRun });
        if (!sent || dryRun) return sent ? () => undefined : false;
        asked.push(id);
        this.pending.set(id, answer);
        return () => this.pending.delete(id);
      },
      onOutcome: (o) => this.outcome(stream, o, o.kind === 'split' || o.kind === 'overflow' || o.kind === 'unsent' || o.kind === 'closed' ? undefined : asked.shift()),
    });
    return hold;
  }

  /** A stream lost bytes the child did not see (a connection ended mid-document): mark the gap. */
  gap(stream: string): void {
    this.bumpSeq(stream);
  }

  /** Messages from the child; anything that is not a well-formed reply is ignored. */
  onMessage(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null || (msg as { type?: unknown }).type !== 'footer-reply') return;
    const m = msg as FooterReplyMessage;
    const answer = this.pending.get(m.id);
    if (answer === undefined) return; // late: the cut went out already
    this.pending.delete(m.id);
    let block: Buffer | null = null;
    if (typeof m.block === 'string') {
      block = Buffer.from(m.block, 'base64');
      if (block.length === 0 || block.length > BAD_BLOCK_MAX) {
        this.log.warn({ bytes: block.length }, 'footer block of unexpected size; cut released unchanged');
        block = null;
      }
    }
    answer({ block, reason: typeof m.reason === 'string' ? m.reason : 'unknown' });
  }

  stats(): FooterTapStats {
    return { ...this.stat, skipped: { ...this.stat.skipped }, holdBuckets: [...this.stat.holdBuckets] };
  }

  private bumpSeq(stream: string): number {
    const seq = (this.seqs.get(stream) ?? 0) + 1;
    this.seqs.set(stream, seq);
    return seq;
  }

  private outcome(stream: string, o: HoldOutcome, id: number | undefined): void {
    if (o.kind === 'overflow' || o.kind === 'split' || o.kind === 'closed') this.bumpSeq(stream); // its bytes never reached the child
    if (o.kind === 'printed') this.stat.printed++;
    else this.stat.skipped[o.kind]++;
    if (id !== undefined) {
      let b = HOLD_BUCKETS_MS.findIndex((ub) => o.holdMs <= ub);
      if (b < 0) b = HOLD_BUCKETS_MS.length;
      this.stat.holdBuckets[b] = (this.stat.holdBuckets[b] ?? 0) + 1;
      this.stat.holdCount++;
      this.stat.holdSumMs += o.holdMs;
      this.opts.send({ type: 'footer-outcome', id, kind: o.kind, holdMs: o.holdMs });
    }
    if (o.kind === 'late') this.log.warn({ reason: o.reason, holdMs: Math.round(o.holdMs) }, 'footer skipped: late; cut released unchanged');
    else this.log.debug({ kind: o.kind, reason: o.reason, holdMs: o.holdMs, blockBytes: o.blockBytes }, 'footer outcome');
  }
}
