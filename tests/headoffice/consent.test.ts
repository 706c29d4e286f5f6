/**
 * The consent contract's pure parts: the sign-up form check, the config/consent message's shape
 * (exactly one of member and basket), the box's answers and webpush key, and the page's language.
 */
import { describe, expect, it } from 'vitest';
import { checkSignUp, consentMessage, parseConsentResponse, parseSubscription, parseWebPushKey } from '../../src/headoffice/consent.js';
import { pickLang } from '../../src/headoffice/web/i18n.js';
import { VAPID } from './fixtures/rig.js';

const AUTH = Buffer.alloc(16, 1).toString('base64url');
const SUB = { endpoint: 'https://push.example.net/x', keys: { p256dh: VAPID, auth: AUTH } };

describe('consent contract', () => {
  it('checks a sign-up and names every problem at once', () => {
    expect(checkSignUp({ email: 'a@example.org', kinds: ['expiry'], consent: 'yes' })).toEqual({ ok: true, signUp: { email: 'a@example.org', webpush: null, kinds: ['expiry'] } });
    expect(checkSignUp({ email: 'a@example.org', kinds: 'monthly', consent: 'on' })).toMatchObject({ ok: true, signUp: { kinds: ['monthly'] } });
    expect(checkSignUp({ email: '', kinds: [], consent: '' })).toEqual({ ok: false, problems: ['consent', 'channel', 'kinds'] });
    expect(checkSignUp({ email: 'a@b', kinds: ['spam'], consent: 'yes' })).toEqual({ ok: false, problems: ['email', 'kinds'] });
    expect(checkSignUp({ webpush: { endpoint: 'http://insecure/', keys: SUB.keys }, kinds: ['offers'], consent: 'yes' })).toEqual({ ok: false, problems: ['webpush'] });
    expect(checkSignUp({ webpush: JSON.stringify(SUB), kinds: ['offers', 'offers'], consent: true })).toMatchObject({ ok: true, signUp: { webpush: SUB, kinds: ['offers'] } });
  });

  it('a web-push subscription needs an https endpoint, a 65-byte p256dh and a 16-byte auth', () => {
    expect(parseSubscription(SUB)).toEqual(SUB);
    expect(parseSubscription({ ...SUB, keys: { p256dh: AUTH, auth: AUTH } })).toBeNull();
    expect(parseSubscription({ ...SUB, keys: { p256dh: VAPID, auth: VAPID } })).toBeNull();
    expect(parseSubscription('not json')).toBeNull();
  });

  it('builds the message keyed by pseudonym, else by basket id, never both', () => {
    const now = new Date('2026-11-25T04:00:00Z');
    const s = { email: 'a@example.org', webpush: SUB, kinds: ['expiry' as const] };
    const m = consentMessage(s, { member: `v1:${'a'.repeat(64)}`, basket: 'b'.repeat(32) }, 'w-1', now);
    expect(m).toMatchObject({ schema: 1, time: '2026-11-25T04:00:00.000Z', source: 'qr', wording: 'w-1', member: `v1:${'a'.repeat(64)}`, withdraw: false, channels: { email: { address: 'a@example.org', kinds: ['expiry'] }, webpush: { subscription: SUB, kinds: ['expiry'] } } });
    expect(m).not.toHaveProperty('basket');
    expect(m.id.length).toBeLessThanOrEqual(64);
    const anon = consentMessage(s, { member: null, basket: 'b'.repeat(32) }, 'w-1', now);
    expect(anon.basket).toBe('b'.repeat(32));
    expect(anon).not.toHaveProperty('member');
    expect(consentMessage(s, { member: null, basket: 'c'.repeat(32) }, 'w-1', now).id).not.toBe(anon.id);
  });

  it('reads the box\'s answers and its VAPID key, refusing malformed ones', () => {
    expect(parseConsentResponse('{"id":"ho-1","ok":true}')).toEqual({ id: 'ho-1', ok: true, error: null, message: null });
    expect(parseConsentResponse('{"id":"ho-1","ok":false,"error":"TBX_X","message":"m"}')).toEqual({ id: 'ho-1', ok: false, error: 'TBX_X', message: 'm' });
    expect(parseConsentResponse('{"id":"ho-1"}')).toBeNull();
    expect(parseConsentResponse(`{"id":"${'x'.repeat(65)}","ok":true}`)).toBeNull();
    expect(parseWebPushKey(JSON.stringify({ schema: 1, publicKey: VAPID }))).toBe(VAPID);
    expect(parseWebPushKey('')).toBeNull();
    expect(parseWebPushKey(JSON.stringify({ schema: 2, publicKey: VAPID }))).toBeUndefined();
    expect(parseWebPushKey(JSON.stringify({ schema: 1, publicKey: Buffer.alloc(65, 5).toString('base64url') }))).toBeUndefined();
  });

  it('picks the language: ?lang, then Accept-Language by q, then zh', () => {
    expect(pickLang('en', 'zh-CN')).toBe('en');
    expect(pickLang(undefined, 'en-US,en;q=0.9,zh;q=0.8')).toBe('en');
    expect(pickLang(undefined, 'en;q=0.5,zh-TW;q=0.8')).toBe('zh');
    expect(pickLang(undefined, 'fr-FR,de;q=0.9')).toBe('zh');
    expect(pickLang('xx', undefined)).toBe('zh');
  });
});
