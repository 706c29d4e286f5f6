/**
 * The signed webhook against a receiver started here that checks signatures with verifyWebhook:
 * a delivery is accepted and carries the mobile number of the member who consented to the
 * webhook (and no other contact); the same request replayed is refused, so is a tampered body and
 * a stale timestamp. A JSON template shapes the body for a WeCom group bot.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookChannel } from '../../src/shopper/channel-webhook.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { verifyWebhook, WEBHOOK_REPLAY_WINDOW_S } from '../../src/shopper/webhook-sign.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { tempLedger } from '../ledger/helpers.js';
import { shoppers } from './support.js';

const SECRET = 'webhook-secret-0123456789abcdef';
const NOW_S = Date.parse('2026-11-22T01:31:00Z') / 1000;
const cfg = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' as const };

interface Seen {
  headers: IncomingHttpHeaders;
  body: Buffer;
  verdict: ReturnType<typeof verifyWebhook>;
}

async function receiver(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const ids = new Map<string, number>();
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verdict = verifyWebhook(SECRET, req.headers, body, NOW_S, ids);
      seen.push({ headers: req.headers, body, verdict });
      res.writeHead(verdict.ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen, server };
}

async function resend(url: string, s: Seen, body: Buffer | string = s.body, headers: Record<string, string> = {}): Promise<number> {
  const h: Record<string, string> = {};
  for (const k of ['content-type', 'x-tillbox-signature', 'x-tillbox-timestamp', 'x-tillbox-delivery']) h[k] = String(s.headers[k]);
  return (await fetch(url, { method: 'POST', headers: { ...h, ...headers }, body })).status;
}

describe('signed webhook channel', () => {
  let env: ReturnType<typeof tempLedger> | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
    env?.cleanup();
  });

  it('signs with HMAC-SHA-256 + timestamp; a replay, a tampered body and a stale timestamp are refused; only the consented mobile is sent', async () => {
    const rx = await receiver();
    server = rx.server;
    env = tempLedger();
    shoppers(env.ledger, ['8800000001', '8800000002']);
    const channel = webhookChannel({ url: rx.url, secret: SECRET, pseudonymise: (m) => pseudonymFor(m, 'k'.repeat(20), 1), nowS: () => NOW_S });
    const outbox = createOutbox(env.ledger, [channel]);
    // A: webhook (with a mobile) and e-mail; B: webhook without a mobile.
    outbox.consent.signUp('8800000001', { source: 'till', wording: 'v3', contacts: { mobile: '+8613812345678', email: 'anna@example.cn' }, grant: [{ channel: 'webhook', kinds: ['expiry'] }, { channel: 'email', kinds: ['expiry'] }] });
    outbox.consent.signUp('8800000002', { source: 'till', wording: 'v3', grant: [{ channel: 'webhook', kinds: ['expiry'] }] });
    queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z'));
    const d = await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(d).toMatchObject({ delivered: 2, failed: 0 });
    expect(rx.seen.map((s) => s.verdict)).toEqual([{ ok: true }, { ok: true }]);

    const bodies = rx.seen.map((s) => JSON.parse(s.body.toString('utf8')) as Record<string, unknown>);
    const withMobile = bodies.filter((b) => b['contact'] !== null);
    expect(withMobile).toHaveLength(1);
    expect(withMobile[0]).toMatchObject({ schema: 1, kind: 'expiry-reminder', title: '明天到期: 全麦面包', contact: { mobile: '+8613812345678' }, member: expect.stringMatching(/^v1:[0-9a-f]{64}$/) });
    for (const s of rx.seen) {
      expect(s.body.toString('utf8')).not.toContain('anna@example.cn'); // not this channel's contact
      expect(s.body.toString('utf8')).not.toMatch(/880000000\d/);
    }

    const first = rx.seen[0] as Seen;
    expect(await resend(rx.url, first)).toBe(401);
    expect(rx.seen.at(-1)?.verdict).toEqual({ ok: false, reason: 'replay' });
    const tampered = first.body.toString('utf8').replace('全麦面包', '免费面包');
    expect(await resend(rx.url, first, tampered, { 'x-tillbox-delivery': 'other-id' })).toBe(401);
    expect(rx.seen.at(-1)?.verdict).toEqual({ ok: false, reason: 'signature' });
    expect(verifyWebhook(SECRET, first.headers, first.body, NOW_S + WEBHOOK_REPLAY_WINDOW_S + 1, new Map())).toEqual({ ok: false, reason: 'stale' });
  });

  it('shapes the body from a template (a WeCom group bot mentioning the mobile)', async () => {
    const rx = await receiver();
    server = rx.server;
    env = tempLedger();
    shoppers(env.ledger, ['8800000001']);
    const template = { msgtype: 'text', text: { content: '{{title}}\n{{body}}', mentioned_mobile_list: ['{{mobile}}'] } };
    const outbox = createOutbox(env.ledger, [webhookChannel({ url: rx.url, secret: SECRET, template, nowS: () => NOW_S })]);
    outbox.consent.signUp('8800000001', { source: 'till', wording: 'v3', contacts: { mobile: '13812345678' }, grant: [{ channel: 'webhook', kinds: ['expiry'] }] });
    queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z'));
    await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(rx.seen).toHaveLength(1);
    const body = JSON.parse(rx.seen[0]?.body.toString('utf8') ?? '{}') as { msgtype: string; text: { content: string; mentioned_mobile_list: string[] } };
    expect(body.msgtype).toBe('text');
    expect(body.text.content.startsWith('明天到期: 全麦面包\n明天到期: 全麦面包')).toBe(true);
    expect(body.text.mentioned_mobile_list).toEqual(['13812345678']);
    expect(rx.seen[0]?.verdict).toEqual({ ok: true });
  });
});
