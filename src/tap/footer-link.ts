import type { FooterReplyMessage, FooterTapStats, FooterTestReplyMessage, FooterToChild } from '../daemon/messages.js';
import { HOLD_BUCKETS_MS } from '../daemon/messages.js';
import type { Logger } from '../log.js';
import { FooterHold, type FooterAnswer, type FooterHoldOptions, type HoldOutcome, type Timers, type WriteResult } from './footer-hold.js';

export interface FooterLinkOptions {
  mode: 'dry-run' | 'on';
  maxHoldMs: number;
  /** Best-effort send to the analytics child; false when it was not sent. */
  send: (msg: FooterToChild) => boolean;
  logger: Logger;
  timers?: Timers;
  /** footer.noCutter: tear-off feed runs end receipts too (FooterHoldOptions.noCutter). */
  noCutter?: { feeds: number; quietMs: number };
}

const BAD_BLOCK_MAX = 4096;
/** How long a test print waits for the child's block (not on the byte path: nothing is held). */
export const TEST_PRINT_ANSWER_MS = 5000;

/** What `tillbox footer --print` gets back. */
export type TestPrintResult = { ok: true; bytes: number; text: string } | { ok: false; reason: string };

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
  /** The latest hold per stream (a test print goes through it). */
  private readonly holds = new Map<string, FooterHold>();
  private readonly tests = new Map<number, (m: FooterTestReplyMessage) => void>();

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
      ...(this.opts.noCutter !== undefined ? { noCutter: this.opts.noCutter } : {}),
      ask: (doc, answer, { dryRun, feedEnd }) => {
        const id = ++this.nextId;
        const seq = this.bumpSeq(stream);
        const sent = this.opts.send({ type: 'footer-request', id, stream, seq, doc: doc === null ? null : doc.toString('base64'), dryRun, ...(feedEnd ? { end: 'feed' as const } : {}) });
        if (!sent || dryRun) return sent ? () => undefined : false;
        asked.push(id);
        this.pending.set(id, answer);
        return () => this.pending.delete(id);
      },
      onOutcome: (o) => this.outcome(stream, o, o.kind === 'split' || o.kind === 'overflow' || o.kind === 'unsent' || o.kind === 'closed' ? undefined : asked.shift()),
    });
    this.holds.set(stream, hold);
    return hold;
  }

  /** A stream lost bytes the child did not see (a connection ended mid-document): mark the gap. */
  gap(stream: string): void {
    this.bumpSeq(stream);
  }

  /**
   * `tillbox footer --print`: a block from the child for the printer as the POS left it, written
   * only while the POS is quiet: nothing held or queued and no POS byte for `idleMs`, both before
   * asking and when the block comes (any POS byte in between refuses it). Serial only: in TCP mode
   * the printer connection belongs to the POS's job and exists only while it lasts.
   */
  async testPrint(stream: string, receipt: string | null, idleMs: number): Promise<TestPrintResult> {
    if (stream !== 'serial') return { ok: false, reason: 'test prints need a serial printer (a network printer is only connected during a POS job)' };
    const hold = this.holds.get(stream);
    if (hold === undefined) return { ok: false, reason: 'no serial printer stream' };
    const now = this.opts.timers?.now() ?? performance.now();
    const q = hold.quietSince();
    if (q === null) return { ok: false, reason: 'the POS is printing (a job is in progress at the tap); try again when the till is idle' };
    if (now - q.at < idleMs) return { ok: false, reason: `the POS sent bytes ${Math.round(now - q.at)} ms ago (needs ${idleMs} ms of quiet); try again when the till is idle` };
    const id = ++this.nextId;
    const reply = new Promise<FooterTestReplyMessage | null>((resolve) => {
      const timer = setTimeout(() => {
        this.tests.delete(id);
        resolve(null);
      }, TEST_PRINT_ANSWER_MS);
      this.tests.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    const sent = this.opts.send({ type: 'footer-test-request', id, stream, receipt, tail: q.bytesSinceCut === null ? null : q.bytesSinceCut.toString('base64') });
    if (!sent) {
      this.tests.get(id)?.({ type: 'footer-test-reply', id, block: null, text: '', reason: 'the analytics process is not running' });
      this.tests.delete(id);
    }
    const m = await reply;
    if (m === null) return { ok: false, reason: `the analytics process did not answer within ${TEST_PRINT_ANSWER_MS} ms` };
    if (typeof m.block !== 'string') return { ok: false, reason: m.reason };
    const block = Buffer.from(m.block, 'base64');
    if (block.length === 0 || block.length > BAD_BLOCK_MAX) return { ok: false, reason: 'the test block has an unexpected size' };
    const r = hold.writeOwn(block, q.at);
    if (r === false) return { ok: false, reason: 'the POS started printing meanwhile; nothing was printed' };
    if (r === 'down') return { ok: false, reason: 'the printer side is down' };
    this.log.info({ bytes: block.length }, 'test print written between POS jobs');
    return { ok: true, bytes: block.length, text: m.text };
  }

  /** Messages from the child; anything that is not a well-formed reply is ignored. */
  onMessage(msg: unknown): void {
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'footer-test-reply') {
      const t = msg as FooterTestReplyMessage;
      const done = this.tests.get(t.id);
      this.tests.delete(t.id);
      done?.(t);
      return;
    }
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
