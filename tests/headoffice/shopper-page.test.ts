/**
 * The head-office shopper page over real HTTP, against real PostgreSQL and a real mosquitto:
 * baskets arrive over MQTT, their QR tokens open their e-receipts, and a sign-up becomes exactly
 * one consent message of the contract's shape on the basket's box topic. The box is played by the
 * test (a subscriber and a publisher on the broker): its real implementation is another part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basketToken } from '../../src/footer/content.js';
import { backfillTokens, insertBasket } from '../../src/headoffice/store.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO } from '../support/mosquitto.js';
import { waitFor } from '../support/tmp.js';
import { basketOf, BOX, csrfOf, NOW, pgAvailable, postHeaders, PSEUDONYM_KEY, QR_KEY, receipt, startRig, STORE, tokenOf, VAPID, type Rig } from './fixtures/rig.js';

const enabled = toolAvailable(MOSQUITTO) && (await pgAvailable());
const MEMBER = '8800123456';
const PSEUDONYM = pseudonymFor(MEMBER, PSEUDONYM_KEY, 1);
const CONSENT_TOPIC = `tillbox/${STORE}/${BOX}/config/consent`;

describe.skipIf(!enabled)('head-office shopper page (PostgreSQL, mosquitto, HTTP)', () => {
  let rig: Rig;
  const yoghurt = receipt(MEMBER, '2026-11-24T18:42:10+08:00', [{ name: '光明酸奶 200g', qty: 2, amount: 1160 }, { name: '全麦面包', amount: 850 }, { name: '纸巾 3包', amount: 1290 }]);
  const anon = receipt(null, '2026-11-24T09:05:00+08:00', [{ name: 'Whole milk 2L', amount: 1590 }]);

  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  async function page(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(`${rig.base}${path}`, { headers });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  it('a basket that arrives over MQTT opens by its QR token: zh by Accept-Language, en by ?lang, no cookie, no pseudonym', async () => {
    const b = basketOf(yoghurt);
    expect(b.member).toBe(PSEUDONYM);
    const token = await rig.publishBasket(b);
    const zh = await page(`/r/${STORE}/${token}`, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<html lang="zh-CN">');
    for (const s of ['光明酸奶 200g', '× 2', '¥11.60', '全麦面包', '¥8.50', '¥33.00', STORE, '2026-11-24 18:42', '微信支付', '合计']) expect(zh.text).toContain(s);
    // Head office learns nothing before sign-up: no cookie is set by viewing a receipt.
    expect(zh.headers.get('set-cookie')).toBeNull();
    expect(zh.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(zh.text).not.toContain(PSEUDONYM.slice(3));
    expect(zh.text).not.toContain(MEMBER);
    const en = await page(`/r/${STORE}/${token}?lang=en`, { 'accept-language': 'zh-CN' });
    expect(en.text).toContain('<html lang="en">');
    for (const s of ['Total', 'WeChat Pay', '¥33.00', 'Sign up', 'Expiry reminders']) expect(en.text).toContain(s);
    expect((await page(`/r/${STORE}/${token}`, { 'accept-language': 'en-GB,en;q=0.9' })).text).toContain('<html lang="en">');
  });

  it('a basket v1 from an older box renders the same amounts', async () => {
    const v2 = basketOf(receipt(MEMBER, '2026-10-02T09:00:00+08:00', [{ name: '苹果 1kg', amount: 1299 }, { name: '鸡蛋', amount: 1501 }]));
    const { items, discounts, totalMinor, payments, ...rest } = v2;
    const v1 = { ...rest, schema: 1, items: items.map(({ amountMinor, ...i }) => ({ ...i, amount: amountMinor })), discounts: [], total: totalMinor, payments: payments.map((p) => ({ method: p.method, amount: p.amountMinor })) };
    expect(discounts).toEqual([]);
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/basket`, JSON.stringify(v1), { qos: 1 });
    await waitFor(async () => (await rig.pool.query('SELECT schema FROM tillbox_baskets WHERE id = $1', [v2.id])).rows[0]?.schema === 1);
    const r = await page(`/r/${STORE}/${tokenOf(v2)}?lang=en`);
    for (const s of ['¥12.99', '¥15.01', '<span class="amt" id="total">¥28.00</span>']) expect(r.text).toContain(s);
  });

  it('an unknown, altered or misplaced token is a friendly 404', async () => {
    const b = basketOf(receipt(MEMBER, '2026-11-20T10:00:00+08:00', [{ name: '鸡蛋 10枚', amount: 1500 }]));
    const token = await rig.publishBasket(b);
    const altered = `${token.slice(0, 15)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [`/r/${STORE}/${altered}`, `/r/${STORE}/AAAAAAAAAAAAAAAA`, `/r/store-999/${token}`, `/r/${STORE}/${token}x`, `/r/${STORE}/short`]) {
      const r = await page(path, { 'accept-language': 'en' });
      expect(r.status, path).toBe(404);
      expect(r.text).toContain('Receipt not found');
    }
    expect((await page(`/r/${STORE}/${altered}`, { 'accept-language': 'zh-CN' })).text).toContain('没有找到这张小票');
  });

  it('refuses a sign-up without the consent box, without the form token or from another origin; then one sign-up is exactly one consent message, confirmed by the box; withdrawing is one more', async () => {
    const b = basketOf(yoghurt);
    const token = tokenOf(b);
    const path = `/r/${STORE}/${token}`;
    const csrf = csrfOf((await page(path)).text);
    const form = { csrf, email: 'shopper@example.org', kinds: ['expiry', 'monthly'], consent: 'yes' };
    const post = (body: unknown, headers = postHeaders(rig.base, { 'x-forwarded-for': '198.51.100.1' })) => fetch(`${rig.base}${path}/signup?lang=en`, { method: 'POST', headers, body: JSON.stringify(body) });

    const noConsent = await post({ ...form, consent: '' });
    expect(noConsent.status).toBe(400);
    expect(((await noConsent.json()) as { problems: string[] }).problems).toEqual(['consent']);
    expect((await post({ ...form, csrf: undefined })).status).toBe(403);
    expect((await post(form, postHeaders('https://evil.example', { 'x-forwarded-for': '198.51.100.1' }))).status).toBe(403);
    expect((await post({ ...form, email: 'not-an-address', kinds: ['sometimes'] })).status).toBe(400);

    const ok = await post(form);
    expect(ok.status).toBe(202);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tbx_shopper=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(((await ok.json()) as { state: string }).state).toBe('pending');

    const sent = await waitFor(() => rig.box.messages.find((m) => m.topic === CONSENT_TOPIC));
    // Publishes on one connection arrive in order: had a refused one been published, it would be first.
    expect(rig.box.messages.filter((m) => m.topic.endsWith('/config/consent'))).toHaveLength(1);
    expect(sent.retain).toBe(false);
    const msg = JSON.parse(sent.payload) as Record<string, unknown>;
    expect(Object.keys(msg).sort()).toEqual(['channels', 'id', 'member', 'schema', 'source', 'time', 'withdraw', 'wording']);
    expect(msg).toMatchObject({ schema: 1, source: 'qr', member: PSEUDONYM, withdraw: false, time: NOW.toISOString(), channels: { email: { address: 'shopper@example.org', kinds: ['expiry', 'monthly'] } } });
    expect(msg['id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(msg['wording']).toMatch(/^ho-qr-/);
    expect(Object.keys(msg['channels'] as object)).toEqual(['email']);

    const state = async (): Promise<string> => ((await (await fetch(`${rig.base}/api/signup?lang=en`, { headers: { cookie: cookie.split(';')[0] ?? '' } })).json()) as { state: string }).state;
    expect(await state()).toBe('pending');
    // The box answers on its response/consent topic; another box's answer with the same id changes nothing.
    await rig.box.client.publishAsync(`tillbox/${STORE}/box-99/response/consent`, JSON.stringify({ id: msg['id'], ok: false, error: 'TBX_X', message: 'not mine' }), { qos: 1 });
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/response/consent`, JSON.stringify({ id: msg['id'], ok: true }), { qos: 1 });
    await waitFor(async () => (await state()) === 'confirmed', 10_000, 50);
    const me = await page('/me?lang=en', { cookie: cookie.split(';')[0] ?? '' });
    expect(me.text).toContain('Confirmed by the store');
    expect(me.text).not.toContain(PSEUDONYM.slice(3));

    // Withdrawing is one action: withdraw:true for the same pseudonym, to the same box, no channels.
    const withdrawCsrf = csrfOf(me.text);
    const wd = await fetch(`${rig.base}/me/withdraw?lang=en`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: rig.base, cookie: cookie.split(';')[0] ?? '', 'x-forwarded-for': '198.51.100.1' }, body: new URLSearchParams({ csrf: withdrawCsrf }) });
    expect(wd.status).toBe(303);
    const wsent = await waitFor(() => rig.box.messages.filter((m) => m.topic === CONSENT_TOPIC)[1]);
    const wmsg = JSON.parse(wsent.payload) as Record<string, unknown>;
    expect(wmsg).toMatchObject({ schema: 1, source: 'qr', member: PSEUDONYM, withdraw: true, channels: {} });
    expect(wmsg['id']).not.toBe(msg['id']);
    expect((await page('/me?lang=en', { cookie: cookie.split(';')[0] ?? '' })).text).toContain('Withdrawal sent');
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/response/consent`, JSON.stringify({ id: wmsg['id'], ok: true }), { qos: 1 });
    await waitFor(async () => (await state()) === 'confirmed', 10_000, 50);
    const after = await page('/me?lang=en', { cookie: cookie.split(';')[0] ?? '' });
    expect(after.text).toContain('no more messages will be sent');
    expect(after.text).not.toContain('id="withdraw"');
    // and the receipt page offers the sign-up form again
    expect((await page(path, { cookie: cookie.split(';')[0] ?? '' })).text).toContain('id="signup"');
    // a withdrawal without the form token is refused
    expect((await fetch(`${rig.base}/me/withdraw`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: rig.base, cookie: cookie.split(';')[0] ?? '' }, body: '' })).status).toBe(403);

    // Head office did not keep the address: it is in no table.
    const dump = (await rig.pool.query(`SELECT string_agg(t::text, ' ') AS all FROM (SELECT * FROM tillbox_consent_requests) t`)).rows[0] as { all: string };
    expect(dump.all).toContain(String(msg['id']));
    expect(dump.all).not.toContain('shopper@example.org');
    // Nor logged it, nor the pseudonym; the log says a consent message went out, to which box.
    expect(rig.logs()).toContain('consent message published');
    expect(rig.logs()).not.toContain('shopper@example.org');
    expect(rig.logs()).not.toContain(PSEUDONYM.slice(3));
    const sessions = (await rig.pool.query('SELECT * FROM tillbox_shopper_sessions')).rows.map((r) => JSON.stringify(r)).join(' ');
    expect(sessions).not.toContain('shopper@example.org');
    expect(sessions).not.toContain((cookie.split(';')[0] ?? '').split('=')[1]);
  });

  it('the own-month view sums the member\'s baskets of this month in minor units and lists what expires soon', async () => {
    const others = [
      receipt(MEMBER, '2026-11-03T08:15:00+08:00', [{ name: '五花肉 500g', amount: 2390 }, { name: '可乐 330ml', amount: 350 }]),
      receipt(MEMBER, '2026-11-21T19:30:00+08:00', [{ name: '光明酸奶 200g', amount: -580 }], 'refund'),
      receipt(MEMBER, '2026-11-22T19:30:00+08:00', [{ name: '苹果 1kg', amount: 1299 }], 'reprint'),
      receipt(MEMBER, '2026-10-30T19:30:00+08:00', [{ name: '苹果 1kg', amount: 1299 }]),
      receipt('8800999999', '2026-11-23T10:00:00+08:00', [{ name: '牛肉', amount: 8800 }]),
    ];
    for (const r of others) await rig.publishBasket(basketOf(r));
    // Signed up from another of the member's receipts: the month is the member's, whichever receipt.
    const path = `/r/${STORE}/${tokenOf(basketOf(others[0]!))}`;
    const csrf = csrfOf((await page(path)).text);
    const res = await fetch(`${rig.base}${path}/signup`, { method: 'POST', headers: postHeaders(rig.base, { 'x-forwarded-for': '198.51.100.2' }), body: JSON.stringify({ csrf, email: 'a@example.org', kinds: ['monthly'], consent: 'yes' }) });
    expect(res.status).toBe(202);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await page('/me?lang=en', { cookie });
    // 3300 (24th) + 1500 (20th, the 404 test's) + 2740 (3rd) - 580 (refund); the reprint, October and the other member are not counted.
    expect(me.text).toContain('<strong id="spend">¥69.60</strong>');
    expect(me.text).toContain('<span id="receipt-count">3 receipts</span>');
    expect(me.text).toContain('My month: 2026-11');
    // by category: yoghurt 1160 - 580 = 580, bakery 850, household 1290, meat 2390, drinks 350, eggs 1500
    expect(me.text.match(/<li><span class="name">/g)?.length).toBe(6 + 1); // six categories, one expiring item
    for (const [name, amt] of [['Yoghurt', '¥5.80'], ['Bakery', '¥8.50'], ['Household', '¥12.90'], ['Fresh meat', '¥23.90'], ['Drinks', '¥3.50'], ['Eggs', '¥15.00']] as const) {
      expect(me.text).toMatch(new RegExp(`<span class="name">${name}</span><span class="pct">\\d+%</span><span class="amt">${amt.replace('.', '\\.')}</span>`));
    }
    // bread bought on the 24th, shelf life 3 days: use within 2 days; yoghurt (7 days) is not yet due
    expect(me.text).toMatch(/<span class="name">全麦面包<\/span><span class="when when-2">use within 2 days<\/span>/);
    expect(me.text).not.toMatch(/<span class="name">光明酸奶 200g<\/span><span class="when/);
    expect(me.text).not.toContain(PSEUDONYM.slice(3));
    const zh = await page('/me', { cookie, 'accept-language': 'zh-CN' });
    expect(zh.text).toContain('我的 2026 年 11 月');
    expect(zh.text).toContain('钱花在哪儿了');
  });

  it('a basket without a pseudonym: the sign-up goes to the box keyed by basket id (form post without script), and the page says why there is no month', async () => {
    const b = basketOf(anon, 'none');
    expect(b.member).toBeUndefined();
    const token = await rig.publishBasket(b);
    const path = `/r/${STORE}/${token}`;
    const csrf = csrfOf((await page(path)).text);
    const before = rig.box.messages.length;
    const body = new URLSearchParams([['csrf', csrf], ['email', 'anon@example.org'], ['kinds', 'expiry'], ['kinds', 'offers'], ['consent', 'yes']]);
    const res = await fetch(`${rig.base}${path}/signup?lang=en`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: rig.base, 'x-forwarded-for': '198.51.100.3' }, body });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/me?lang=en');
    const sent = await waitFor(() => rig.box.messages.slice(before).find((m) => m.topic === CONSENT_TOPIC));
    const msg = JSON.parse(sent.payload) as Record<string, unknown>;
    expect(msg['basket']).toBe(b.id);
    expect(msg).not.toHaveProperty('member');
    expect(msg['channels']).toEqual({ email: { address: 'anon@example.org', kinds: ['expiry', 'offers'] } });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await page('/me?lang=en', { cookie });
    expect(me.text).toContain('without a member pseudonym');
    expect(me.text).toContain('Whole milk 2L');
    expect(me.text).not.toContain('id="spend"');
  });

  it('web push: the box\'s retained VAPID key is stored and offered; a subscription goes to the box; a refusal shows as failed', async () => {
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/webpush`, JSON.stringify({ schema: 1, publicKey: VAPID }), { qos: 1, retain: true });
    await rig.box.client.publishAsync(`tillbox/${STORE}/box-bad/webpush`, JSON.stringify({ schema: 1, publicKey: 'not-a-key' }), { qos: 1, retain: true });
    await rig.box.client.publishAsync(`tillbox/${STORE}/box-big/webpush`, JSON.stringify({ schema: 1, publicKey: VAPID, pad: 'x'.repeat(5000) }), { qos: 1, retain: true });
    await waitFor(async () => (await rig.pool.query('SELECT public_key FROM tillbox_box_webpush WHERE store = $1 AND box = $2', [STORE, BOX])).rows[0]?.public_key === VAPID);
    const b = basketOf(receipt(MEMBER, '2026-11-25T08:00:00+08:00', [{ name: '豆腐', amount: 300 }]));
    const token = await rig.publishBasket(b);
    const html = (await page(`/r/${STORE}/${token}`)).text;
    expect(html).toContain(`data-vapid="${VAPID}"`);
    const subscription = { endpoint: 'https://push.example.net/send/abc123', keys: { p256dh: VAPID, auth: Buffer.alloc(16, 3).toString('base64url') } };
    const before = rig.box.messages.length;
    const res = await fetch(`${rig.base}/r/${STORE}/${token}/signup`, { method: 'POST', headers: postHeaders(rig.base, { 'x-forwarded-for': '198.51.100.4' }), body: JSON.stringify({ csrf: csrfOf(html), webpush: subscription, kinds: ['expiry'], consent: 'yes' }) });
    expect(res.status).toBe(202);
    const sent = await waitFor(() => rig.box.messages.slice(before).find((m) => m.topic === CONSENT_TOPIC));
    const msg = JSON.parse(sent.payload) as { id: string; channels: unknown };
    expect(msg.channels).toEqual({ webpush: { subscription, kinds: ['expiry'] } });
    // Malformed or over 4 KB: not stored (both went out before the basket this test waited for, on one connection).
    expect((await rig.pool.query("SELECT count(*)::int AS n FROM tillbox_box_webpush WHERE box IN ('box-bad', 'box-big')")).rows[0]?.n).toBe(0);
    expect(rig.logs()).toContain('box message over its size limit');
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await rig.box.client.publishAsync(`tillbox/${STORE}/${BOX}/response/consent`, JSON.stringify({ id: msg.id, ok: false, error: 'TBX_WEBPUSH_INVALID', message: 'endpoint refused' }), { qos: 1 });
    await waitFor(async () => ((await (await fetch(`${rig.base}/api/signup`, { headers: { cookie } })).json()) as { state: string }).state === 'failed');
    expect((await page('/me?lang=en', { cookie })).text).toContain('could not complete the sign-up');
    const stored = (await rig.pool.query('SELECT * FROM tillbox_consent_requests WHERE id = $1', [msg.id])).rows.map((r) => JSON.stringify(r)).join('');
    expect(stored).toContain('TBX_WEBPUSH_INVALID');
    expect(stored).not.toContain('push.example.net');
  });

  it('a basket stored before head office had the QR key gets its token when the consumer starts with it', async () => {
    const b = basketOf(receipt(MEMBER, '2026-11-19T11:00:00+08:00', [{ name: '豆浆', amount: 300 }]));
    const client = await rig.pool.connect();
    try {
      await insertBasket(client, b, 'older-consumer', null);
      expect((await page(`/r/${STORE}/${tokenOf(b)}`)).status).toBe(404);
      expect(await backfillTokens(client, (id) => basketToken(id, QR_KEY))).toBe(1);
      expect(await backfillTokens(client, (id) => basketToken(id, QR_KEY))).toBe(0);
    } finally {
      client.release();
    }
    expect((await page(`/r/${STORE}/${tokenOf(b)}`)).status).toBe(200);
  });

  it('rate-limits sign-ups per basket and per client address, refused forms included', async () => {
    const baskets = [1, 2, 3, 4].map((i) => basketOf(receipt(null, `2026-11-25T09:0${i}:00+08:00`, [{ name: '饼干', amount: 500 + i }]), 'none'));
    const forms: { path: string; csrf: string }[] = [];
    for (const b of baskets) {
      const path = `/r/${STORE}/${await rig.publishBasket(b)}`;
      forms.push({ path, csrf: csrfOf((await page(path)).text) });
    }
    // No consent ticked: each is refused (400) until a limit says 429; a guesser gets nothing for free.
    const attempt = async (f: { path: string; csrf: string }, address: string): Promise<number> =>
      (await fetch(`${rig.base}${f.path}/signup`, { method: 'POST', headers: postHeaders(rig.base, { 'x-forwarded-for': address }), body: JSON.stringify({ csrf: f.csrf, email: 'x@example.org', kinds: ['offers'], consent: '' }) })).status;
    const perBasket: number[] = [];
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) perBasket.push(await attempt(forms[0]!, address));
    expect(perBasket).toEqual([400, 400, 400, 429]);
    const perAddress: number[] = [];
    for (const f of [forms[1]!, forms[1]!, forms[2]!, forms[2]!, forms[3]!, forms[3]!]) perAddress.push(await attempt(f, '203.0.113.9'));
    expect(perAddress).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
