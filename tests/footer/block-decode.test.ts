import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/index.js';
import { EscPosBuilder } from '../../src/escpos/builder.js';
import type { DecoderOptions } from '../../src/escpos/types.js';
import { renderBlock, type FooterContent } from '../../src/footer/block.js';
import { PrinterStateTracker } from '../../src/footer/printer-state.js';
import { CutScanner } from '../../src/tap/cut-scanner.js';

const CUT = Buffer.from([0x1d, 0x56, 0x42, 0x03]);

/**
 * The footer is judged by the project's own decoder: the receipt with the block decodes to the
 * receipt's lines plus the footer's, and whatever the POS prints next decodes exactly as it would
 * have without the block (same text, spans, styles, alignment): the state was left as found.
 */
function check(receipt: Buffer, tail: Buffer, content: FooterContent, opts: DecoderOptions & { encoding: 'gb18030' | 'gbk' }, expectFooter: string[]) {
  const tracker = new PrinterStateTracker(opts);
  tracker.feed(Buffer.concat([receipt, CUT]));
  expect(tracker.doubt()).toBeNull();
  const block = renderBlock(content, { ...tracker.state, lineOpen: tracker.lineOpenAtCut }, { encoding: opts.encoding, columns: opts.columns ?? 48 });
  expect(block).not.toBeNull();
  const b = block as Buffer;
  // Never init, drawer kick (ESC p / DLE DC4), buzzer (ESC ( A, ESC B) or a cut inside the block.
  for (const bad of [[0x1b, 0x40], [0x1b, 0x70], [0x10, 0x14], [0x1b, 0x28, 0x41], [0x1b, 0x42]]) expect(b.includes(Buffer.from(bad)), `block contains ${bad}`).toBe(false);
  expect(new CutScanner().feed(b).filter((m) => m.kind === 'cut')).toHaveLength(0);

  const plain = decodeAll(Buffer.concat([receipt, CUT, tail, CUT]), opts);
  const withFooter = decodeAll(Buffer.concat([receipt, b, CUT, tail, CUT]), opts);
  expect(withFooter).toHaveLength(2);
  const texts = (d: (typeof plain)[number]) => d.lines.map((l) => l.text.trim());
  const added = texts(withFooter[0]!).slice(texts(plain[0]!).length);
  expect(texts(withFooter[0]!).slice(0, texts(plain[0]!).length)).toEqual(texts(plain[0]!));
  expect(added.filter((t) => t !== '')).toEqual(expectFooter);
  expect(withFooter[0]!.warnings).toEqual(plain[0]!.warnings);
  // The next receipt is untouched: lines, spans, styles, alignment.
  expect(withFooter[1]!.lines).toEqual(plain[1]!.lines);
  return { footerDoc: withFooter[0]!, plainDoc: plain[0]! };
}

describe('footer block in the printer state', () => {
  it('GBK double-byte receipt (emphasised): Chinese footer decodes, the next receipt keeps double-byte and emphasis', () => {
    const opts = { encoding: 'gbk' as const, columns: 48 };
    const receipt = new EscPosBuilder('gbk').init().doubleByte(true).raw([0x1b, 0x21, 0x08]).line('光明酸奶  2  11.60').line('合计 11.60').toBuffer();
    const tail = new EscPosBuilder('gbk').line('下一张 小票 谢谢').toBuffer();
    const { footerDoc } = check(receipt, tail, { lines: [{ text: '本月已消费 ¥356.20（12 次）', bold: true }, { text: '提醒：光明酸奶 明天到期' }] }, opts, ['-'.repeat(48), '本月已消费 ￥356.20（12 次）', '提醒：光明酸奶 明天到期']);
    const line = footerDoc.lines.find((l) => l.text.includes('本月'))!;
    expect(line.align).toBe('center');
    expect(line.spans.every((s) => s.style.bold && s.style.width === 1 && s.style.height === 1)).toBe(true);
    const reminder = footerDoc.lines.find((l) => l.text.includes('提醒'))!;
    expect(reminder.spans.every((s) => !s.style.bold)).toBe(true);
  });

  it('CP858 receipt: an ASCII footer, the code page stays (é, €, ü still decode after it)', () => {
    const opts = { encoding: 'gb18030' as const, columns: 42 };
    const receipt = Buffer.concat([Buffer.from([0x1b, 0x40, 0x1b, 0x74, 19]), Buffer.from('Caf\x82 au lait   1.50 \xd5\n', 'latin1')]);
    const tail = Buffer.from('Tsch\x81ss \xd5 \x82t\x82\n', 'latin1');
    const plain = decodeAll(Buffer.concat([receipt, CUT, tail, CUT]), opts);
    expect(plain[1]!.lines[0]!.text).toContain('Tschüss € été');
    check(receipt, tail, { lines: [{ text: 'This month: CNY 356.20 (12 visits)', bold: true }, { text: 'Reminder: Yoghurt use by tomorrow' }] }, opts, [
      '-'.repeat(42), 'This month: CNY 356.20 (12 visits)', 'Reminder: Yoghurt use by tomorrow',
    ]);
  });

  it('centred double-height text with custom line spacing and an open line: footer on its own lines, plain size, then state back', () => {
    const opts = { encoding: 'gb18030' as const, columns: 32 };
    const receipt = Buffer.concat([Buffer.from([0x1b, 0x40, 0x1b, 0x61, 0x01, 0x1d, 0x21, 0x01, 0x1b, 0x33, 40]), Buffer.from('BIG TITLE\nNO NEWLINE AT END', 'latin1')]);
    const tail = Buffer.from('STILL BIG AND CENTRED\n', 'latin1');
    const { footerDoc } = check(receipt, tail, { lines: [{ text: 'Thanks for shopping' }] }, opts, ['-'.repeat(32), 'Thanks for shopping']);
    expect(footerDoc.lines.find((l) => l.text.includes('NO NEWLINE'))!.spans[0]!.style.height).toBe(2);
    const f = footerDoc.lines.find((l) => l.text.includes('Thanks'))!;
    expect([f.align, f.spans[0]!.style.height]).toEqual(['center', 1]);
    // Decoding the tail on its own after the same state shows what "as before" means here.
    const tailDoc = decodeAll(Buffer.concat([receipt, CUT, tail, CUT]), opts)[1]!;
    expect([tailDoc.lines[0]!.align, tailDoc.lines[0]!.spans[0]!.style.height]).toEqual(['center', 2]);
  });

  it('QR code: GS ( k decodes to the URL, and the QR settings the POS made are restored', () => {
    const opts = { encoding: 'gb18030' as const, columns: 48 };
    const qrSize = [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x08];
    const receipt = Buffer.concat([Buffer.from([0x1b, 0x40, ...qrSize]), Buffer.from('ITEM 1.00\n', 'latin1')]);
    const url = 'https://crm.example/r/store-001/AbCdEfGh12345678';
    const tracker = new PrinterStateTracker(opts);
    tracker.feed(Buffer.concat([receipt, CUT]));
    expect(tracker.state.qrSize).toBe(8);
    const block = renderBlock({ lines: [{ text: 'Scan for your e-receipt' }], qr: { data: url, size: 4 } }, tracker.state, { encoding: 'gb18030', columns: 48 })!;
    const doc = decodeAll(Buffer.concat([receipt, block, CUT]), opts)[0]!;
    expect(doc.barcodes.map((b) => [b.kind, b.data])).toEqual([['qr', url]]);
    const after = new PrinterStateTracker(opts);
    after.feed(Buffer.concat([receipt, block]));
    expect(after.state).toEqual({ ...tracker.state, lineOpen: false });
  });

  it('no footer when the state is not known or not safe', () => {
    const noInit = new PrinterStateTracker();
    noInit.feed(Buffer.from('text without ESC @\n'));
    expect(noInit.doubt()).toBe('no-init-seen');
    const page = new PrinterStateTracker();
    page.feed(Buffer.from([0x1b, 0x40, 0x1b, 0x4c]));
    expect(page.doubt()).toBe('page-mode');
    const jis = new PrinterStateTracker();
    jis.feed(Buffer.from([0x1b, 0x40, 0x1c, 0x43, 0x00, 0x1c, 0x26]));
    expect(renderBlock({ lines: [{ text: 'x' }] }, jis.state, { encoding: 'shift_jis', columns: 48 })).toBeNull();
  });

  it('a CODE128 coupon barcode: decodes to the code; GS h / GS w / GS H put back to what the POS set; omitted when they are not known', () => {
    const opts = { encoding: 'gb18030' as const, columns: 48 };
    const content: FooterContent = { lines: [{ text: '5 off dairy next visit DAIRY5-1A2B3C' }], barcode: { data: 'DAIRY5-1A2B3C', height: 60, width: 2 } };
    // The POS set its own barcode settings (height 100, width 3, HRI above) and prints its own code after the footer.
    const receipt = new EscPosBuilder('gb18030').init().raw([0x1d, 0x68, 100, 0x1d, 0x77, 3, 0x1d, 0x48, 1]).line('Milk 1 5.80').line('TOTAL 5.80').toBuffer();
    const tail = Buffer.concat([new EscPosBuilder('gb18030').line('NEXT').toBuffer(), Buffer.from([0x1d, 0x6b, 73, 6, 0x7b, 0x42, 0x31, 0x32, 0x33, 0x34])]);
    const { footerDoc } = check(receipt, tail, content, opts, ['-'.repeat(48), '5 off dairy next visit DAIRY5-1A2B3C']);
    // The decoder reports CODE128 data as sent, code-set selector ({B) included.
    expect(footerDoc.barcodes.map((b) => [b.symbology, b.data])).toEqual([['CODE128', '{BDAIRY5-1A2B3C']]);
    // The state after the block is the state before it (the tracker agrees, setting by setting).
    const before = new PrinterStateTracker(opts);
    before.feed(Buffer.concat([receipt, CUT]));
    const block = renderBlock(content, { ...before.state, lineOpen: before.lineOpenAtCut }, { encoding: 'gb18030', columns: 48 })!;
    const after = new PrinterStateTracker(opts);
    after.feed(Buffer.concat([receipt, block, CUT]));
    expect(after.state).toEqual(before.state);
    expect([after.state.barcodeHeight, after.state.barcodeWidth, after.state.hriPosition]).toEqual([100, 3, 1]);

    // Settings never sent since ESC @ (the model's defaults, not known): no barcode, and no GS h/w/H at all.
    const plain = new EscPosBuilder('gb18030').init().line('TOTAL 5.80').toBuffer();
    const t = new PrinterStateTracker(opts);
    t.feed(Buffer.concat([plain, CUT]));
    const b = renderBlock(content, { ...t.state, lineOpen: t.lineOpenAtCut }, { encoding: 'gb18030', columns: 48 })!;
    for (const cmd of [[0x1d, 0x6b], [0x1d, 0x68], [0x1d, 0x77], [0x1d, 0x48]]) expect(b.includes(Buffer.from(cmd))).toBe(false);
    // Too wide for 32 columns at width 6: omitted too.
    const narrow = renderBlock({ ...content, barcode: { data: 'DAIRY5-1A2B3C', height: 60, width: 6 } }, { ...before.state, lineOpen: false }, { encoding: 'gb18030', columns: 32 })!;
    expect(narrow.includes(Buffer.from([0x1d, 0x6b]))).toBe(false);
  });
});
