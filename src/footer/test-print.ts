import type { FooterTestReplyMessage, FooterTestRequestMessage } from '../daemon/messages.js';
import type { DecoderOptions } from '../escpos/types.js';
import type { Ledger } from '../ledger/types.js';
import { statusQueries } from '../ledger/queries-status.js';
import { renderBlock, textMode } from './block.js';
import { PrinterStateTracker, type PrinterState } from './printer-state.js';
import type { FooterService } from './service.js';

export interface TestPrintDeps {
  /** undefined: footers are off in this process. */
  service: FooterService | undefined;
  ledger: Ledger;
  decoderOptions: DecoderOptions;
  columns: number;
  language: 'zh' | 'en';
  now?: () => Date;
}

/**
 * The child's answer to `tillbox footer --print`: a block for the printer as the POS left it. The
 * state is the one after the stream's last document, or, when the POS sent bytes after its last
 * cut, the state those bytes set up from an ESC @ of their own; anything else is a doubt and
 * nothing prints. A receipt's footer prints without coupon rules (a test must not hand out a code
 * the ledger never issued).
 */
export function testPrintReply(d: TestPrintDeps, msg: FooterTestRequestMessage): FooterTestReplyMessage {
  const no = (reason: string): FooterTestReplyMessage => ({ type: 'footer-test-reply', id: msg.id, block: null, text: '', reason });
  if (d.service === undefined) return no('footers are off (footer.enabled and footer.dryRun are both false)');
  if (msg.tail === null) return no('the till is in the middle of a long document');
  const tail = Buffer.from(msg.tail, 'base64');
  const known = d.service.streamState(msg.stream);
  let state: PrinterState;
  const encoding = known?.encoding ?? configured(d.decoderOptions) ?? 'unknown';
  // Line feeds alone (the rest of a tear-off run, footer.noCutter) change no state.
  if (!tail.every((b) => b === 0x0a || b === 0x0d)) {
    const t = new PrinterStateTracker(d.decoderOptions);
    t.feed(tail);
    if (t.doubt() !== null) return no('the till sent bytes after its last cut that leave the printer state unknown; try again after its next receipt');
    state = { ...t.state };
  } else if (known === undefined) {
    return no('no receipt seen since the box started, so the printer state is unknown: print one receipt at the till first');
  } else if (known.doubt !== null) {
    return no(`the printer state is unknown (${known.doubt}): print one receipt at the till first`);
  } else {
    state = known.state;
  }
  if (msg.receipt !== null) {
    const stored = statusQueries(d.ledger).receipt(msg.receipt);
    if (stored === null) return no(`no receipt '${msg.receipt}' in the ledger`);
    const r = d.service.render(stored.receipt, state, { alreadyFiled: true, encoding, noCoupons: true });
    if (r === null) return no('nothing to print for this receipt with the footer settings (or no safe text encoding for the printer state)');
    return { type: 'footer-test-reply', id: msg.id, block: r.bytes.toString('base64'), text: r.text, reason: 'test' };
  }
  const mode = textMode(state, encoding);
  if (mode === null) return no('no safe text encoding for the printer state');
  const when = (d.now ?? (() => new Date()))().toISOString().slice(0, 16).replace('T', ' ');
  const zh = d.language === 'zh' && mode !== 'ascii';
  const lines = [{ text: zh ? 'tillbox 测试打印' : 'tillbox test print', bold: true }, { text: `${when} UTC` }];
  const block = renderBlock({ lines }, state, { encoding, columns: d.columns });
  if (block === null) return no('no safe text encoding for the printer state');
  return { type: 'footer-test-reply', id: msg.id, block: block.toString('base64'), text: lines.map((l) => l.text).join('\n'), reason: 'test' };
}

function configured(opts: DecoderOptions): string | undefined {
  return opts.encoding === undefined || opts.encoding === 'auto' ? undefined : opts.encoding;
}
