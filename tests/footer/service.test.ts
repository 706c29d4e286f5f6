import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import type { FooterReplyMessage, FooterRequestMessage } from '../../src/daemon/messages.js';
import { decodeAll } from '../../src/escpos/index.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { basketToken, receiptToken } from '../../src/footer/content.js';
import { basketId } from '../../src/sync/basket.js';
import { parseRules } from '../../src/footer/rules.js';
import { testPrintReply } from '../../src/footer/test-print.js';
import { footerServiceFor } from '../../src/footer/setup.js';
import { categoryOfItem } from '../../src/ledger/catalogue.js';
import { openLedger } from '../../src/ledger/open.js';
import { createLogger } from '../../src/log.js';
import { documentToReceipt } from '../../src/pipeline/parse-document.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig } from '../../src/pipeline/options.js';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { demoDay } from '../tap/footer-diff.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const RULES = `rules:
  - id: dairy5
    if: { category: yoghurt }
    print: { zh: 下次购买酸奶立减5元, en: 5 off dairy next visit }
    coupon: { code: DAIRY5, perMember: 1, perDay: 10 }
  - id: big
    if: { spend: 500 }
    print: 满500送购物袋
`;

function setup(footer: Record<string, unknown> = {}, rules = RULES) {
  const t = tempDir('tbx-footer-svc-');
  const rulesFile = join(t.dir, 'rules.yaml');
  writeFileSync(rulesFile, rules);
  const config = configFromObject({ dataDir: t.dir, footer: { enabled: true, rulesFile, qr: { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' }, ...footer } });
  writeFileSync(join(t.dir, 'tillbox.yaml'), stringify({ dataDir: t.dir, footer: config.footer }));
  const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  cleanups.push(() => t.cleanup(), () => ledger.close());
  const replies: FooterReplyMessage[] = [];
  const decoderOptions = decoderOptionsFromConfig(config);
  const service = footerServiceFor(config, {
    ledger, decoderOptions, parseOptions: () => parseOptionsFromConfig(config, []), categoryOf: categoryOfItem(ledger.db), send: (m) => replies.push(m), logger: createLogger({ level: 'silent' as 'fatal' }),
  })!;
  let id = 0;
  let seq = 0;
  const ask = (doc: Buffer, o: { dryRun?: boolean; skipSeq?: boolean } = {}): FooterReplyMessage | undefined => {
    if (o.skipSeq === true) seq++;
    const msg: FooterRequestMessage = { type: 'footer-request', id: ++id, stream: 'serial', seq: ++seq, doc: doc.toString('base64'), dryRun: o.dryRun ?? false };
    service.onRequest(msg);
    return replies.find((r) => r.id === msg.id);
  };
  return { dir: t.dir, config, ledger, service, ask, decoderOptions };
}

describe('footer service (analytics side)', () => {
  it('a confident sale gets a block; refunds, reprints, torn receipts and blank documents do not', () => {
    const s = setup();
    const reasons = demoDay(40).map((d) => [d.kind, s.ask(encodeReceiptText(d.lines))!.reason] as const);
    for (const [kind, reason] of reasons) {
      if (kind === 'sale') expect(reason).toBe('sale');
      else if (kind === 'torn') expect(['unsure', 'not-a-sale']).toContain(reason);
      else expect(reason).toBe('not-a-sale');
    }
    expect(s.ask(Buffer.from([0x1b, 0x40, 0x0a, 0x0a, 0x1d, 0x56, 0x00]))!.reason).toBe('not-a-sale');
  });

  it('member month-to-date (this receipt included), the QR token, store rules; no member id in the block', () => {
    const s = setup();
    const day = demoDay(30).filter((d) => d.kind === 'sale' && d.member !== null);
    const d = day[0]!;
    const reply = s.ask(encodeReceiptText(d.lines))!;
    expect(reply.reason).toBe('sale');
    const block = Buffer.from(reply.block!, 'base64');
    const text = decodeAll(Buffer.concat([Buffer.from([0x1b, 0x40, 0x1c, 0x26]), block]), s.decoderOptions)[0]!.lines.map((l) => l.text.trim()).join('\n');
    const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    expect(text).toContain(`本月已消费 ¥${yuan(d.total)}（1 次）`);
    expect(text).not.toContain(d.member!);
    const receipt = documentToReceipt(decodeAll(encodeReceiptText(d.lines), s.decoderOptions)[0]!, parseOptionsFromConfig(s.config, []));
    const id = (receipt as { id: string }).id;
    const token = receiptToken('store-001', id, 'head-office-shared-key-0001');
    expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // head office, which sees only the basket id, computes the same token
    expect(basketToken(basketId('store-001', id), 'head-office-shared-key-0001')).toBe(token);
    expect(basketToken(basketId('store-002', id), 'head-office-shared-key-0001')).not.toBe(token);
    expect(decodeAll(block, s.decoderOptions)[0]!.barcodes[0]!.data).toBe(`https://crm.example/r/store-001/${token}`);
  });

  it('issues a coupon only when the footer was printed, at most perMember times', () => {
    const s = setup();
    const dairy = demoDay(60).filter((d) => d.kind === 'sale' && d.member !== null && d.lines.some((l) => /酸奶/.test(l)));
    expect(dairy.length).toBeGreaterThan(1);
    const member = dairy[0]!.member;
    const same = dairy.filter((d) => d.member === member);
    const first = s.ask(encodeReceiptText(same[0]!.lines))!;
    expect(Buffer.from(first.block!, 'base64').toString('latin1')).toContain('DAIRY5-');
    expect(s.ledger.db.prepare('SELECT count(*) FROM coupons').pluck().get()).toBe(0);
    s.service.onOutcome({ type: 'footer-outcome', id: first.id, kind: 'printed', holdMs: 3 });
    expect(s.ledger.db.prepare('SELECT count(*) FROM coupons').pluck().get()).toBe(0); // filed at the next poll
    s.service.flush();
    expect(s.ledger.db.prepare('SELECT count(*) FROM coupons').pluck().get()).toBe(1);
    expect(s.service.counts.coupons).toBe(1);
    if (same[1] !== undefined) {
      const second = s.ask(encodeReceiptText(same[1].lines))!;
      expect(Buffer.from(second.block ?? '', 'base64').toString('latin1')).not.toContain('DAIRY5-');
    }
  });

  it('a per-day limit holds exactly within a burst between two filings; a footer that did not print frees its coupon', () => {
    const s = setup({}, RULES.replace('perMember: 1, perDay: 10', 'perMember: 5, perDay: 2'));
    const dairy = demoDay(120).filter((d) => d.kind === 'sale' && d.lines.some((l) => /酸奶/.test(l)));
    expect(dairy.length).toBeGreaterThan(4);
    const withCoupon = (r: FooterReplyMessage) => Buffer.from(r.block ?? '', 'base64').toString('latin1').includes('DAIRY5-');
    // Two promised: the first awaits its outcome, the second printed but not filed yet.
    const a = s.ask(encodeReceiptText(dairy[0]!.lines))!;
    const b = s.ask(encodeReceiptText(dairy[1]!.lines))!;
    expect([withCoupon(a), withCoupon(b)]).toEqual([true, true]);
    s.service.onOutcome({ type: 'footer-outcome', id: b.id, kind: 'printed', holdMs: 2 });
    expect(withCoupon(s.ask(encodeReceiptText(dairy[2]!.lines))!)).toBe(false);
    // The first goes out late (without its block): its coupon was never issued, the next one gets it.
    s.service.onOutcome({ type: 'footer-outcome', id: a.id, kind: 'late', holdMs: 150 });
    const d = s.ask(encodeReceiptText(dairy[3]!.lines))!;
    expect(withCoupon(d)).toBe(true);
    s.service.onOutcome({ type: 'footer-outcome', id: d.id, kind: 'printed', holdMs: 2 });
    for (const x of dairy.slice(4)) {
      const r = s.ask(encodeReceiptText(x.lines))!;
      expect(withCoupon(r)).toBe(false);
      s.service.onOutcome({ type: 'footer-outcome', id: r.id, kind: 'printed', holdMs: 2 });
    }
    s.service.flush();
    expect(s.ledger.db.prepare(`SELECT count(*) FROM coupons WHERE rule_id = 'dairy5'`).pluck().get()).toBe(2);
  });

  it('test print (footer --print): only in a known printer state, coupon rules left out', () => {
    const s = setup();
    const deps = { service: s.service, ledger: s.ledger, decoderOptions: s.decoderOptions, columns: 32, language: 'en' as const };
    const req = (tail: Buffer | null, receipt: string | null = null) => testPrintReply(deps, { type: 'footer-test-request', id: 1, stream: 'serial', receipt, tail: tail === null ? null : tail.toString('base64') });
    expect(req(Buffer.alloc(0)).reason).toMatch(/no receipt seen/);
    const sale = demoDay(3).find((d) => d.kind === 'sale')!;
    s.ask(encodeReceiptText(sale.lines));
    const ok = req(Buffer.alloc(0));
    expect(ok.reason).toBe('test');
    const doc = decodeAll(Buffer.concat([encodeReceiptText(sale.lines), Buffer.from(ok.block!, 'base64')]), s.decoderOptions).at(-1)!;
    expect(doc.lines.map((l) => l.text.trim())).toContain('tillbox test print');
    // Bytes after the last cut without an ESC @ of their own: the state is not known.
    expect(req(Buffer.from('\x1b!\x30', 'latin1')).block).toBeNull();
    expect(req(Buffer.from('\x1b@', 'latin1')).reason).toBe('test');
    expect(req(Buffer.from('\n\n', 'latin1')).reason).toBe('test'); // the rest of a tear-off run
    expect(req(null).block).toBeNull();
    expect(req(Buffer.alloc(0), 'no-such-receipt').reason).toMatch(/no receipt 'no-such-receipt'/);
    expect(testPrintReply({ ...deps, service: undefined }, { type: 'footer-test-request', id: 2, stream: 'serial', receipt: null, tail: '' }).reason).toMatch(/footers are off/);
  });

  it('footer.barcode: the coupon code as CODE128 when the POS set its barcode settings, else none', () => {
    const s = setup({ barcode: { enabled: true } }, RULES.replace('perMember: 1,', 'perMember: 9,'));
    const dairy = demoDay(60).filter((d) => d.kind === 'sale' && d.lines.some((l) => /酸奶/.test(l)));
    const plain = encodeReceiptText(dairy[0]!.lines);
    const withSettings = Buffer.concat([plain.subarray(0, 2), Buffer.from([0x1d, 0x68, 80, 0x1d, 0x77, 2, 0x1d, 0x48, 0]), plain.subarray(2)]);
    const a = Buffer.from(s.ask(withSettings)!.block!, 'base64');
    const code = /DAIRY5-[0-9A-F]{6}/.exec(a.toString('latin1'))![0];
    expect(a.includes(Buffer.concat([Buffer.from([0x1d, 0x6b, 73, code.length + 2]), Buffer.from(`{B${code}`)]))).toBe(true);
    const b = Buffer.from(s.ask(encodeReceiptText(dairy[1]!.lines))!.block!, 'base64');
    expect(b.toString('latin1')).toMatch(/DAIRY5-/); // a coupon, but its barcode settings are not known
    expect(b.includes(Buffer.from([0x1d, 0x6b]))).toBe(false);
  });

  it('the state is unknown after a gap in the stream until the next ESC @', () => {
    const s = setup();
    const sale = demoDay(3).find((d) => d.kind === 'sale')!;
    const withoutInit = encodeReceiptText(sale.lines).subarray(2); // drop ESC @
    expect(s.ask(encodeReceiptText(sale.lines))!.reason).toBe('sale');
    expect(s.ask(withoutInit)!.reason).toBe('sale'); // continuous: the state carries over
    expect(s.ask(withoutInit, { skipSeq: true })!.reason).toBe('state-unknown');
    expect(s.ask(encodeReceiptText(sale.lines))!.reason).toBe('sale');
  });

  it('dry run: computes and keeps the text, sends no reply', () => {
    const s = setup({ dryRun: true });
    const sale = demoDay(3).find((d) => d.kind === 'sale')!;
    expect(s.ask(encodeReceiptText(sale.lines), { dryRun: true })).toBeUndefined();
    expect(s.service.recent[0]!.mode).toBe('dry-run');
    s.service.flush();
    expect(s.ledger.db.prepare(`SELECT count(*) FROM footer_prints WHERE outcome = 'dry-run'`).pluck().get()).toBe(1);
  });

  it('tillbox footer --preview renders a filed receipt as text', async () => {
    const s = setup();
    const sale = demoDay(5).find((d) => d.kind === 'sale' && d.member !== null)!;
    const receipt = documentToReceipt(decodeAll(encodeReceiptText(sale.lines), s.decoderOptions)[0]!, parseOptionsFromConfig(s.config, []));
    if (receipt === null || receipt instanceof Error) throw new Error('demo receipt did not parse');
    s.ledger.ingest(receipt, { journalFrom: 1, journalTo: 1 });
    const r = await tillbox(['footer', '--preview', receipt.id, '--config', join(s.dir, 'tillbox.yaml')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('本月已消费');
    expect(r.out).toContain('[QR: https://crm.example/r/store-001/');
    const en = await tillbox(['footer', '--preview', receipt.id, '--ascii', '--config', join(s.dir, 'tillbox.yaml')]);
    expect(en.out).toMatch(/This month: CNY \d+\.\d\d \(1 visit\)/);
    const missing = await tillbox(['footer', '--preview', 'nope', '--config', join(s.dir, 'tillbox.yaml')]);
    expect(missing.code).toBe(2);
  });
});

describe('store rules file', () => {
  it('reports every problem at once, naming the rule', () => {
    expect(() => parseRules('rules:\n  - id: "bad id"\n    if: {}\n  - id: ok\n    if: { spend: abc }\n    print: hi\n    coupon: { code: lower }\n', 'r.yaml')).toThrow(
      /r\.yaml: rules\[0\]\.id.*rules\[0\]\.if.*rules\[0\]\.print.*rules\[1\]\.if\.spend.*rules\[1\]\.coupon\.code/,
    );
  });
});
