import { StreamDecoder } from '../escpos/index.js';
import { decide as decideText } from '../escpos/detect.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';
import type { FooterOutcomeMessage, FooterReplyMessage, FooterRequestMessage } from '../daemon/messages.js';
import type { Ledger } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { documentToReceipt } from '../pipeline/parse-document.js';
import type { ParseOptions } from '../receipt/index.js';
import type { Receipt, ReceiptItem } from '../receipt/types.js';
import { barcodeFits, renderBlock, textMode } from './block.js';
import { composeLines, qrUrl, receiptToken } from './content.js';
import { footerFacts, recordFooter, type CouponIssue } from './facts.js';
import { PrinterStateTracker, type PrinterState } from './printer-state.js';
import type { StoreRule } from './rules.js';

export interface FooterSettings {
  enabled: boolean;
  dryRun: boolean;
  minConfidence: number;
  member: boolean;
  expiring: boolean;
  buyAgain: boolean;
  qr: { url?: string; key?: string; size: number };
  /** The first coupon code as a CODE128 barcode (footer.barcode). */
  barcode: { enabled: boolean; height: number; width: number };
  storeId: string;
  language: 'zh' | 'en';
  daysBefore: number;
  columns: number;
}

export interface FooterServiceDeps {
  settings: FooterSettings;
  rules: readonly StoreRule[];
  ledger: Ledger;
  decoderOptions: DecoderOptions;
  parseOptions: () => ParseOptions;
  categoryOf: (item: ReceiptItem) => string;
  send: (msg: FooterReplyMessage) => void;
  logger: Logger;
  now?: () => Date;
}

/** A footer as computed for one receipt (the page and `tillbox footer --preview` show `text`). */
export interface FooterRender {
  receiptId: string;
  text: string;
  bytes: Buffer;
  coupons: CouponIssue[];
}

export type DeclineReason = 'disabled' | 'not-a-sale' | 'unsure' | 'state-unknown' | 'overflow' | 'nothing-to-say' | 'error';

/** Dry-run and printed footers kept for the page. */
const RECENT_KEPT = 20;
/** Answers not yet confirmed by an outcome; the oldest are dropped beyond this. */
const PENDING_KEPT = 64;
/** Below this detection confidence a footer prints no double-byte text (auto-detected encodings). */
const DETECTED_ENCODING_MIN_CONFIDENCE = 0.9;

interface Stream {
  seq: number;
  decoder: StreamDecoder;
  state: PrinterStateTracker;
}

/**
 * The analytics side of at-till footers: follows each POS stream's documents (in `seq` order) with
 * its own decoder and printer-state tracker, decides whether this document is a confident sale,
 * and renders the block for the state the printer is in. Synchronous from request to reply.
 */
export class FooterService {
  readonly counts = { requests: 0, answered: 0, printed: 0, dryRun: 0, coupons: 0, declined: {} as Record<DeclineReason, number>, outcomes: {} as Record<string, number> };
  readonly recent: { at: string; mode: 'printed' | 'dry-run'; receiptId: string; text: string }[] = [];
  private readonly deps: FooterServiceDeps;
  private readonly streams = new Map<string, Stream>();
  private readonly pending = new Map<number, FooterRender>();
  private readonly log: Logger;
  private unrecorded: Parameters<typeof recordFooter>[1][] = [];

  constructor(deps: FooterServiceDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ module: 'footer' });
  }

  onRequest(msg: FooterRequestMessage): void {
    this.counts.requests++;
    const t0 = performance.now();
    let reply: { block: Buffer | null; reason: string };
    try {
      reply = this.decide(msg);
    } catch (err) {
      this.log.error({ err }, 'footer computation failed; the cut goes out unchanged');
      this.streams.delete(msg.stream);
      reply = this.decline('error');
    }
    if (!msg.dryRun) {
      this.counts.answered++;
      this.deps.send({ type: 'footer-reply', id: msg.id, block: reply.block === null ? null : reply.block.toString('base64'), reason: reply.reason });
    }
    this.log.debug({ id: msg.id, reason: reply.reason, computeMs: Math.round((performance.now() - t0) * 1000) / 1000 }, 'footer answered');
  }

  onOutcome(msg: FooterOutcomeMessage): void {
    this.counts.outcomes[msg.kind] = (this.counts.outcomes[msg.kind] ?? 0) + 1;
    const render = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (render === undefined || msg.kind !== 'printed') return;
    this.counts.printed++;
    this.counts.coupons += render.coupons.length;
    this.keep('printed', render, msg.holdMs);
  }

  /**
   * The printer's state on a stream after the last document the tap sent (a test print), the
   * encoding its text may use, and why the state cannot be trusted (null: it can).
   */
  streamState(stream: string): { state: PrinterState; doubt: string | null; encoding: string } | undefined {
    const s = this.streams.get(stream);
    if (s === undefined) return undefined;
    return { state: { ...s.state.state }, doubt: s.state.doubt(), encoding: streamEncoding(this.deps.decoderOptions, s.decoder) };
  }

  /** The footer this receipt would get with the printer in `state` (preview; nothing recorded). `noCoupons`: leave out rules that issue one (a test print must not print a code it does not issue). */
  render(receipt: Receipt, state: PrinterState, opts: { alreadyFiled?: boolean; encoding?: string; noCoupons?: boolean } = {}): FooterRender | null {
    const s = this.deps.settings;
    const encoding = opts.encoding ?? configuredEncoding(this.deps.decoderOptions) ?? 'gb18030';
    const mode = textMode(state, encoding);
    if (mode === null) return null;
    const ascii = mode === 'ascii';
    const language = ascii ? 'en' : s.language;
    const today = this.deps.ledger.zone.parts((this.deps.now ?? (() => new Date()))().getTime()).day;
    const { facts, coupons } = footerFacts(this.deps.ledger, receipt, {
      today, language, daysBefore: s.daysBefore, member: s.member, expiring: s.expiring, buyAgain: s.buyAgain, rules: opts.noCoupons === true ? this.deps.rules.filter((r) => r.coupon === undefined) : this.deps.rules, categoryOf: this.deps.categoryOf,
      unfiled: this.unfiledCoupons(),
      ...(opts.alreadyFiled === true ? { alreadyFiled: true } : {}),
    });
    const lines = composeLines(facts, language, ascii);
    const qr = s.qr.url !== undefined && s.qr.key !== undefined ? { data: qrUrl(s.qr.url, s.storeId, receiptToken(s.storeId, receipt.id, s.qr.key)), size: s.qr.size } : undefined;
    if (lines.length === 0 && qr === undefined) return null;
    const first = coupons[0];
    const wanted = s.barcode.enabled && first !== undefined ? { data: first.code, height: s.barcode.height, width: s.barcode.width } : undefined;
    const barcode = wanted !== undefined && barcodeFits(state, wanted, s.columns) ? wanted : undefined;
    const bytes = renderBlock({ lines, ...(barcode !== undefined ? { barcode } : {}), ...(qr !== undefined ? { qr } : {}) }, state, { encoding, columns: s.columns });
    if (bytes === null) return null;
    const text = [...lines.map((l) => l.text), ...(barcode !== undefined ? [`[CODE128] ${barcode.data}`] : []), ...(qr !== undefined ? [`[QR] ${qr.data}`] : [])].join('\n');
    return { receiptId: receipt.id, text, bytes, coupons };
  }

  /**
   * Files printed footers and issued coupons in the ledger. Called from the pipeline's poll (and at
   * stop), not per footer: a commit is an fsync, and a footer request must not wait behind one.
   * Coupon limits stay exact all the same: the check counts filed coupons plus the ones this
   * service has promised and not filed yet (unfiledCoupons), and the check and the promise happen
   * in one synchronous step (decide(), no await), so no other request can come between them. This
   * process is the only one that issues coupons.
   */
  flush(): void {
    const batch = this.unrecorded;
    this.unrecorded = [];
    if (batch.length === 0) return;
    // One commit for the batch; each record is its own savepoint, so a bad one fails alone.
    this.deps.ledger.db.transaction(() => {
      for (const rec of batch) {
        try {
          recordFooter(this.deps.ledger, rec);
        } catch (err) {
          this.log.error({ err, receipt: rec.receiptId }, 'footer record failed');
        }
      }
    })();
  }

  /** Coupons on blocks awaiting their outcome, and on printed footers not filed yet. */
  private unfiledCoupons(): CouponIssue[] {
    const out: CouponIssue[] = [];
    for (const r of this.pending.values()) out.push(...r.coupons);
    for (const rec of this.unrecorded) if (rec.outcome === 'printed') out.push(...rec.coupons);
    return out;
  }

  private decide(msg: FooterRequestMessage): { block: Buffer | null; reason: string } {
    const s = this.deps.settings;
    let stream = this.streams.get(msg.stream);
    if (stream === undefined || msg.seq !== stream.seq + 1) {
      // First document seen, or some were missed: start over; the state is unknown until ESC @.
      stream = { seq: msg.seq, decoder: new StreamDecoder(this.deps.decoderOptions), state: new PrinterStateTracker(this.deps.decoderOptions) };
      this.streams.set(msg.stream, stream);
    }
    stream.seq = msg.seq;
    if (msg.doc === null) {
      this.streams.delete(msg.stream);
      return this.decline('overflow');
    }
    const bytes = Buffer.from(msg.doc, 'base64');
    stream.state.feed(bytes);
    // A tear-off (no cutter) ends the document where the tap saw it: close it as an idle gap would.
    const feedEnd = msg.end === 'feed';
    const docs = stream.decoder.push(bytes);
    if (feedEnd) docs.push(...stream.decoder.idle());
    const doc = docs.filter((d: DecodedDocument) => d.endedBy === 'cut' || (feedEnd && d.endedBy === 'idle')).at(-1);
    if (!s.enabled && !s.dryRun) return this.decline('disabled');
    if (doc === undefined) return this.decline('not-a-sale');
    const receipt = documentToReceipt(doc, this.deps.parseOptions());
    if (receipt === null) return this.decline('not-a-sale');
    if (receipt instanceof Error) return this.decline('unsure');
    if (receipt.kind !== 'sale') return this.decline('not-a-sale');
    if (!receipt.check.itemsMatchTotal || receipt.check.confidence < s.minConfidence) return this.decline('unsure');
    if (stream.state.doubt() !== null) return this.decline('state-unknown');
    const render = this.render(receipt, { ...stream.state.state, lineOpen: feedEnd ? false : stream.state.lineOpenAtCut }, { encoding: streamEncoding(this.deps.decoderOptions, stream.decoder) });
    if (render === null) return this.decline('nothing-to-say');
    if (msg.dryRun) {
      this.counts.dryRun++;
      this.keep('dry-run', render, null);
      this.log.info({ receipt: render.receiptId, text: render.text, bytes: render.bytes.length }, 'footer dry run: would print');
      return { block: null, reason: 'dry-run' };
    }
    this.pending.set(msg.id, render);
    if (this.pending.size > PENDING_KEPT) this.pending.delete(this.pending.keys().next().value as number);
    return { block: render.bytes, reason: 'sale' };
  }

  private decline(reason: DeclineReason): { block: null; reason: string } {
    this.counts.declined[reason] = (this.counts.declined[reason] ?? 0) + 1;
    return { block: null, reason };
  }

  private keep(mode: 'printed' | 'dry-run', r: FooterRender, holdMs: number | null): void {
    const at = new Date().toISOString();
    this.unrecorded.push({ receiptId: r.receiptId, at, outcome: mode, holdMs, text: r.text, bytes: r.bytes, coupons: r.coupons });
    this.recent.unshift({ at, mode, receiptId: r.receiptId, text: r.text });
    this.recent.length = Math.min(this.recent.length, RECENT_KEPT);
  }
}

/** The double-byte encoding the config names, or undefined when it is left to detection. */
function configuredEncoding(opts: DecoderOptions): string | undefined {
  return opts.encoding === undefined || opts.encoding === 'auto' ? undefined : opts.encoding;
}

/**
 * The encoding a footer may print CJK text in: the configured one, else the decoder's detection
 * when it is sure. 'unknown' otherwise: textMode then refuses double-byte text, and a printer in
 * single-byte mode gets plain ASCII (the byte path's rule: on any doubt, print nothing unusual).
 */
function streamEncoding(opts: DecoderOptions, decoder: StreamDecoder): string {
  const configured = configuredEncoding(opts);
  if (configured !== undefined) return configured;
  const prior = decoder.textPrior;
  if (prior === undefined) return 'gb18030';
  const d = decideText(prior);
  return d.confidence >= DETECTED_ENCODING_MIN_CONFIDENCE ? d.encoding : 'unknown';
}
