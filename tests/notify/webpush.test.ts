/**
 * Web Push to a push endpoint started here (HTTPS with a throw-away CA, as push services are
 * HTTPS only): the message decrypts (RFC 8291, aes128gcm, decrypted by the test's own code) with
 * the subscription's keys made here with node:crypto ECDH P-256, carries a VAPID token signed by
 * the box's key for the endpoint's origin, and a 410 removes the subscription.
 */
import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webPushChannel } from '../../src/shopper/channel-webpush.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { loadOrCreateVapidKeys } from '../../src/shopper/vapid.js';
import { toolAvailable } from '../support/corpus.js';
import { tempLedger } from '../ledger/helpers.js';
import { decryptPush, makeServerCert, OPENSSL, shoppers } from './support.js';

interface Got {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function browserKeys(): { ecdh: ReturnType<typeof createECDH>; auth: Buffer; keys: { p256dh: string; auth: string } } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
}

/** Checks the ES256 JWT of `authorization: vapid t=…, k=…` against the raw public key. */
function vapidClaims(header: string, publicKey: string): Record<string, unknown> {
  const t = /t=([^,\s]+)/.exec(header)?.[1] ?? '';
  const k = /k=([^,\s]+)/.exec(header)?.[1] ?? '';
  expect(k).toBe(publicKey);
  const [h, p, s] = t.split('.');
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s ?? '', 'base64url'))).toBe(true);
  return JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe.skipIf(!toolAvailable(OPENSSL))('Web Push channel against a local push endpoint', () => {
  let server: Server | undefined;
  let env: ReturnType<typeof tempLedger> | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
    env?.cleanup();
  });

  it('keeps the VAPID key pair in dataDir/vapid.json (0600); the message decrypts with the subscription keys; 410 drops the subscription', async () => {
    const pki = makeServerCert(mkdtempSync(join(tmpdir(), 'tillbox-pki-')));
    const got: Got[] = [];
    server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(req.url?.startsWith('/push/gone') === true ? 410 : 201).end();
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    env = tempLedger();
    const vapid = loadOrCreateVapidKeys(env.dir);
    expect(statSync(join(env.dir, 'vapid.json')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateVapidKeys(env.dir)).toEqual(vapid); // kept, not made again
    expect(Buffer.from(vapid.publicKey, 'base64url')).toHaveLength(65);

    shoppers(env.ledger, ['8800000001', '8800000002']);
    const alive = browserKeys();
    const dead = browserKeys();
    const channel = webPushChannel({ keys: vapid, subject: 'mailto:owner@example.cn', ttlSeconds: 3600, agent: new Agent({ ca: pki.ca }) });
    const outbox = createOutbox(env.ledger, [channel]);
    outbox.consent.signUp('8800000001', { source: 'headoffice', wording: 'v3', contacts: { webpush: { endpoint: `${origin}/push/abc123`, keys: alive.keys } }, grant: [{ channel: 'webpush', kinds: ['expiry'] }] });
    outbox.consent.signUp('8800000002', { source: 'headoffice', wording: 'v3', contacts: { webpush: { endpoint: `${origin}/push/gone`, keys: dead.keys } }, grant: [{ channel: 'webpush', kinds: ['expiry'] }] });
    queueDueReminders(env.ledger, outbox, { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' }, new Date('2026-11-22T01:30:00Z'));
    const d = await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(d).toMatchObject({ delivered: 1, gaveUp: 1 });

    const ok = got.find((g) => g.path === '/push/abc123');
    expect(ok?.headers['content-encoding']).toBe('aes128gcm');
    expect(ok?.headers['ttl']).toBe('3600');
    const claims = vapidClaims(String(ok?.headers['authorization']), vapid.publicKey);
    expect(claims).toMatchObject({ aud: origin, sub: 'mailto:owner@example.cn' });
    const msg = JSON.parse(decryptPush(ok?.body ?? Buffer.alloc(0), alive.ecdh, alive.auth)) as Record<string, unknown>;
    expect(msg).toMatchObject({ schema: 1, kind: 'expiry-reminder', language: 'zh', title: '明天到期: 全麦面包' });
    expect(JSON.stringify(msg)).not.toContain('8800000001');
    // The other browser's keys cannot read it.
    expect(() => decryptPush(ok?.body ?? Buffer.alloc(0), dead.ecdh, dead.auth)).toThrow();
    // 410 Gone: failed for good, the subscription deleted, nothing left pending.
    expect(outbox.consent.view('8800000002')?.contacts).toEqual({});
    expect(outbox.pendingCount()).toBe(0);
  });
});
