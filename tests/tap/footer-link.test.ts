import { describe, expect, it } from 'vitest';
import type { FooterRequestMessage, FooterTestRequestMessage, FooterToChild } from '../../src/daemon/messages.js';
import { configFromObject } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { FooterLink } from '../../src/tap/footer-link.js';
import { footerLinkFor } from '../../src/tap/footer-setup.js';

const CUT = [0x1d, 0x56, 0x00];
const logger = createLogger({ level: 'fatal' });

function link(sendOk = true) {
  const sent: FooterToChild[] = [];
  const l = new FooterLink({ mode: 'on', maxHoldMs: 100, logger, send: (m) => (sent.push(m), sendOk) });
  const out: Buffer[] = [];
  const hold = l.holdFor('serial', (b) => (out.push(Buffer.from(b)), 'ok'), () => undefined);
  return { l, hold, sent, out: () => Buffer.concat(out) };
}

describe('FooterLink (tap side of the IPC)', () => {
  it('requests carry the document and a gap-free seq; a reply inserts its block; the outcome goes back', () => {
    const r = link();
    r.hold.push(Buffer.from([...Buffer.from('A\n'), ...CUT]));
    const req = r.sent[0] as FooterRequestMessage;
    expect(req).toMatchObject({ type: 'footer-request', stream: 'serial', seq: 1, dryRun: false });
    expect(Buffer.from(req.doc!, 'base64').toString('latin1')).toBe('A\n\x1dV\x00');
    r.l.onMessage({ type: 'footer-reply', id: req.id, block: Buffer.from('BLOCK\n').toString('base64'), reason: 'sale' });
    expect(r.out().toString('latin1')).toBe('A\nBLOCK\n\x1dV\x00');
    expect(r.sent[1]).toMatchObject({ type: 'footer-outcome', id: req.id, kind: 'printed' });
    const s = r.l.stats();
    expect([s.printed, s.holdCount]).toEqual([1, 1]);
    r.hold.push(Buffer.from([...Buffer.from('B\n'), ...CUT]));
    expect((r.sent[2] as FooterRequestMessage).seq).toBe(2);
  });

  it('ignores malformed, unknown and oversized replies (the cut then goes out unchanged)', () => {
    const r = link();
    r.hold.push(Buffer.from([...Buffer.from('A\n'), ...CUT]));
    const req = r.sent[0] as FooterRequestMessage;
    for (const junk of [null, 'x', { type: 'footer-reply' }, { type: 'footer-reply', id: 999, block: 'QQ==', reason: 'sale' }]) r.l.onMessage(junk);
    expect(r.hold.holding).toBe(true);
    r.l.onMessage({ type: 'footer-reply', id: req.id, block: Buffer.alloc(5000).toString('base64'), reason: 'sale' });
    expect(r.out().toString('latin1')).toBe('A\n\x1dV\x00');
    expect(r.l.stats().skipped.declined).toBe(1);
  });

  it('a request that cannot be sent releases the cut at once and leaves a seq gap', () => {
    const r = link(false);
    r.hold.push(Buffer.from([...Buffer.from('A\n'), ...CUT]));
    expect(r.hold.holding).toBe(false);
    expect(r.out().toString('latin1')).toBe('A\n\x1dV\x00');
    expect(r.l.stats().skipped.unsent).toBe(1);
  });

  it('a test print goes out only if no POS byte came while the block was computed; never into a held cut', async () => {
    const r = link();
    const ask = (id: number) => r.sent.find((m): m is FooterTestRequestMessage => m.type === 'footer-test-request' && m.id === id);
    const lastTest = () => r.sent.filter((m): m is FooterTestRequestMessage => m.type === 'footer-test-request').at(-1)!;
    r.hold.push(Buffer.from([...Buffer.from('A\n'), ...CUT]));
    // A cut is held: refused at once, nothing asked.
    expect(await r.l.testPrint('serial', null, 0)).toMatchObject({ ok: false, reason: expect.stringMatching(/POS is printing/) });
    r.l.onMessage({ type: 'footer-reply', id: (r.sent[0] as FooterRequestMessage).id, block: null, reason: 'not-a-sale' });
    const block = Buffer.from('\x1ba\x01TEST\n\x1ba\x00', 'latin1');
    // The POS starts again while the child computes: refused, nothing written.
    const racing = r.l.testPrint('serial', null, 0);
    const req = lastTest();
    expect(req.tail).toBe('');
    r.hold.push(Buffer.from('B'));
    r.l.onMessage({ type: 'footer-test-reply', id: req.id, block: block.toString('base64'), text: 'TEST', reason: 'test' });
    expect(await racing).toMatchObject({ ok: false, reason: expect.stringMatching(/started printing meanwhile/) });
    expect(r.out().toString('latin1')).toBe('A\n\x1dV\x00B');
    // Quiet: the block goes out after what the POS sent; bytes since the cut travel as the tail.
    const ok = r.l.testPrint('serial', null, 0);
    const req2 = lastTest();
    expect(ask(req2.id)?.tail).toBe(Buffer.from('B').toString('base64'));
    r.l.onMessage({ type: 'footer-test-reply', id: req2.id, block: block.toString('base64'), text: 'TEST', reason: 'test' });
    expect(await ok).toEqual({ ok: true, bytes: block.length, text: 'TEST' });
    expect(r.out().equals(Buffer.concat([Buffer.from('A\n\x1dV\x00B', 'latin1'), block]))).toBe(true);
    // A stream the link has no hold for (TCP between jobs): refused.
    expect(await r.l.testPrint('tcp', null, 0)).toMatchObject({ ok: false, reason: expect.stringMatching(/serial printer/) });
  });

  it('is absent when footers are off (the tap path is untouched), present for dry run', () => {
    const send = () => true;
    expect(footerLinkFor(configFromObject({}), send, logger)).toBeUndefined();
    expect(footerLinkFor(configFromObject({ footer: { dryRun: true } }), send, logger)?.stats().mode).toBe('dry-run');
    expect(() => configFromObject({ footer: { enabled: true, qr: { url: 'https://x.example/{store}' } } })).toThrow(/footer\.qr\.key: required.*footer\.qr\.url: expected a \{token\}/s);
  });
});
