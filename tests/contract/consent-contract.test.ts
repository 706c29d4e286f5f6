/**
 * The `config/consent` contract between head office (src/headoffice/consent.ts, which builds the
 * messages its shopper page publishes) and the box (src/shopper/consent/message.ts, which parses
 * them). The two ends were written apart; this checks each message head office can produce is one
 * the box accepts as meant, and that the box's reply shapes are ones head office can read.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignUp, consentMessage, parseConsentResponse } from '../../src/headoffice/consent.js';
import { parseConsentMessage } from '../../src/shopper/consent/message.js';

const NOW = new Date('2026-12-04T10:00:00Z');
const PSEUDONYM = `v1:${'ab'.repeat(32)}`;
const BASKET = 'c0ffee'.padEnd(32, '0');

function subscription(): { endpoint: string; keys: { p256dh: string; auth: string } } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  return { endpoint: 'https://push.example/send/abc', keys: { p256dh: point.toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

function signUp(body: Record<string, unknown>) {
  const r = checkSignUp(body);
  if (!r.ok) throw new Error(`sign-up refused: ${r.problems.join(', ')}`);
  return r.signUp;
}

describe('config/consent between head office and the box', () => {
  it('an e-mail sign-up keyed by pseudonym parses on the box with the same address and kinds', () => {
    const msg = consentMessage(signUp({ consent: 'yes', email: 'li@example.cn', kinds: ['expiry', 'monthly'] }), { member: PSEUDONYM, basket: BASKET }, 'ho-qr-2026-12', NOW);
    const parsed = parseConsentMessage(Buffer.from(JSON.stringify(msg)));
    expect(parsed.id).toBe(msg.id);
    expect(parsed.withdraw).toBe(false);
    expect(JSON.stringify(parsed)).toContain(PSEUDONYM);
    expect(parsed.channels?.email).toEqual({ address: 'li@example.cn', kinds: ['expiry', 'monthly'] });
  });

  it('a web push sign-up keyed by basket id (no pseudonym) parses with its subscription', () => {
    const sub = subscription();
    const msg = consentMessage(signUp({ consent: 'on', webpush: JSON.stringify(sub), kinds: ['offers'] }), { member: null, basket: BASKET }, 'ho-qr-2026-12', NOW);
    const parsed = parseConsentMessage(Buffer.from(JSON.stringify(msg)));
    expect(JSON.stringify(parsed)).toContain(BASKET);
    expect(parsed.channels?.webpush?.subscription).toEqual(sub);
    expect(parsed.channels?.webpush?.kinds).toEqual(['offers']);
  });

  it("head office's withdrawal (no address kept: empty channels) is accepted as withdrawing everything", () => {
    const none = { email: null, webpush: null, kinds: [] };
    const msg = consentMessage(none, { member: PSEUDONYM, basket: BASKET }, 'ho-qr-2026-12', NOW, true);
    const parsed = parseConsentMessage(Buffer.from(JSON.stringify(msg)));
    expect(parsed.withdraw).toBe(true);
    expect(parsed.channels?.email).toBeUndefined();
    expect(parsed.channels?.webpush).toBeUndefined();
  });

  it('both reply shapes the box sends are read by head office', () => {
    expect(parseConsentResponse(JSON.stringify({ id: 'ho-1', ok: true }))).toEqual({ id: 'ho-1', ok: true, error: null, message: null });
    expect(parseConsentResponse(JSON.stringify({ id: 'ho-2', ok: false, error: 'TBX_CONSENT_MEMBER_UNKNOWN', message: 'no member' }))).toMatchObject({ ok: false, error: 'TBX_CONSENT_MEMBER_UNKNOWN' });
  });
});
