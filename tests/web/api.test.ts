/**
 * The HTTP API through fastify's inject(): authentication, masking, headers, rate limiting,
 * metrics. WebDeps is the in-memory stand-in from support/fake-deps.ts (the ledger's query module
 * has not landed yet).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth/password.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security.js';
import { cookieFrom, testApp, type TestApp } from './support/app.js';
import { makeReceipt, receiptText } from './support/fake-deps.js';

const PASSWORD = 'shop-owner-pw';
let hash: string;
let t: TestApp | undefined;

beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function login(ta: TestApp, ip = '10.0.0.2'): Promise<string> {
  const res = await ta.app.inject({ method: 'POST', url: '/api/login', payload: { password: PASSWORD }, remoteAddress: ip });
  expect(res.statusCode).toBe(204);
  return cookieFrom(res.headers['set-cookie']);
}

const PROTECTED = [
  '/api/status',
  '/api/receipts',
  '/api/receipts/failed',
  '/api/receipts/r0001',
  '/api/members/8800123456/summary',
  '/api/store/summary',
  '/api/store/last30days',
  '/api/reminders',
  '/api/insights',
  '/api/events',
  '/metrics',
];

describe('public routes', () => {
  it('serves /healthz, the page shell and its assets without a login', async () => {
    t = testApp({ passwordHash: hash });
    expect((await t.app.inject('/healthz')).json()).toEqual({ ok: true });
    const page = await t.app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/assets/app.js');
    expect(page.body).not.toMatch(/https?:\/\//); // no external origin in the shell
    for (const name of ['app.js', 'i18n.js', 'charts.js', 'format.js', 'detail.js', 'insights.js', 'app.css', 'uplot.js', 'uplot.css', 'icon.svg']) {
      const res = await t.app.inject(`/assets/${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.headers.etag).toMatch(/^"/);
      const again = await t.app.inject({ url: `/assets/${name}`, headers: { 'if-none-match': String(res.headers.etag) } });
      expect(again.statusCode, name).toBe(304);
    }
    expect((await t.app.inject('/assets/../../package.json')).statusCode).toBe(404);
    expect((await t.app.inject('/assets/nope.js')).statusCode).toBe(404);
  });
});

describe('authentication', () => {
  it('answers 401 on every data route without a session', async () => {
    t = testApp({ passwordHash: hash });
    for (const url of PROTECTED) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.json(), url).toMatchObject({ code: 'TBX_AUTH_REQUIRED' });
    }
  });

  it('logs in with a session cookie that is HttpOnly, SameSite=Strict, path /, not Secure on plain http', async () => {
    t = testApp({ passwordHash: hash });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const ok = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: PASSWORD } });
    expect(ok.statusCode).toBe(204);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/^tillbox_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    const session = cookieFrom(ok.headers['set-cookie']);
    for (const url of PROTECTED.filter((u) => u !== '/api/events' && u !== '/api/receipts/r0001')) {
      expect((await t.app.inject({ url, headers: { cookie: session } })).statusCode, url).not.toBe(401);
    }
    expect((await t.app.inject({ url: '/api/session', headers: { cookie: session } })).json()).toEqual({ authenticated: true, setupRequired: false });
  });

  it('marks the cookie Secure when told a TLS proxy is in front', async () => {
    t = testApp({ passwordHash: hash, secureCookie: true });
    const ok = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: PASSWORD } });
    expect(String(ok.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('ends sessions on logout and after sessionHours', async () => {
    t = testApp({ passwordHash: hash, sessionHours: 1 });
    const a = await login(t);
    await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: a } });
    expect((await t.app.inject({ url: '/api/status', headers: { cookie: a } })).statusCode).toBe(401);
    const b = await login(t);
    expect((await t.app.inject({ url: '/api/status', headers: { cookie: b } })).statusCode).toBe(200);
    t.clock.now += 3_600_001;
    expect((await t.app.inject({ url: '/api/status', headers: { cookie: b } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/status', headers: { cookie: 'tillbox_session=forged' } })).statusCode).toBe(401);
  });

  it('rate-limits login per address: 5 a minute, then 429 even with the right password', async () => {
    t = testApp({ passwordHash: hash });
    const attempt = (password: string, ip = '10.0.0.9') => t!.app.inject({ method: 'POST', url: '/api/login', payload: { password }, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).statusCode).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ error: 'too_many_attempts' });
    expect((await attempt('again')).statusCode).toBe(429);
    // Another address is not affected.
    expect((await attempt(PASSWORD, '10.0.0.10')).statusCode).toBe(204);
    // The window slides: a minute later the owner gets in.
    t.clock.now += 61_000;
    expect((await attempt(PASSWORD)).statusCode).toBe(204);
    expect(t.logs.filter((l) => l.includes('login rate limited'))).toHaveLength(1); // not one per refusal
  });

  it('accepts HTTP Basic auth as user owner (for scrapers), counts wrong ones against the limit', async () => {
    t = testApp({ passwordHash: hash });
    const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('owner', PASSWORD) } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('admin', PASSWORD) } })).statusCode).toBe(401);
    // The first (right) one was an attempt too; it is cached, so repeating it costs nothing more.
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('owner', PASSWORD) } })).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('owner', `x${i}`) } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('owner', 'x9') } })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: basic('owner', PASSWORD) } })).statusCode).toBe(200);
  });

  it('rejects non-JSON login bodies (no cross-site form posts)', async () => {
    t = testApp({ passwordHash: hash });
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: `password=${PASSWORD}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(415);
  });
});

describe('security headers', () => {
  it('are on the page, API answers, 401s and 404s', async () => {
    t = testApp({ passwordHash: hash });
    const session = await login(t);
    for (const [url, cookie] of [['/', ''], ['/api/status', session], ['/api/status', ''], ['/no/such/thing', ''], ['/assets/app.js', '']] as const) {
      const res = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
      expect(res.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe-inline|unsafe-eval/);
    const api = await t.app.inject({ url: '/api/status', headers: { cookie: session } });
    expect(api.headers['cache-control']).toBe('no-store');
  });
});

describe('data routes', () => {
  it('masks member ids in lists, details and failed receipts, in fields and in decoded text', async () => {
    t = testApp({ passwordHash: hash });
    const r = makeReceipt({ member: '8800123456' });
    t.deps.addReceipt(r, receiptText(r));
    const anon = makeReceipt({ member: null });
    t.deps.addReceipt(anon, receiptText(anon));
    t.deps.addFailed({ id: 'f1', capturedAt: '2026-11-23T11:02:00+08:00', reason: 'no total line', text: '会员: 13812345678\n光明酸奶 6901209205421 5.80\n???' });
    const cookie = await login(t);

    const list = (await t.app.inject({ url: '/api/receipts', headers: { cookie } })).json() as { receipts: { member: string | null }[] };
    expect(list.receipts.map((x) => x.member)).toEqual([null, '88******56']);

    const detail = await t.app.inject({ url: `/api/receipts/${r.id}`, headers: { cookie } });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('8800123456');
    const d = detail.json() as { receipt: { member: string; items: unknown[] }; text: string };
    expect(d.receipt.member).toBe('88******56');
    expect(d.receipt.items).toHaveLength(2);
    expect(d.text).toContain('会员卡号: 88******56');

    const failed = await t.app.inject({ url: '/api/receipts/failed', headers: { cookie } });
    expect(failed.body).not.toContain('13812345678');
    expect(failed.body).toContain('13*******78');
    expect(failed.body).toContain('6901209205421'); // product codes stay readable
    const failedDetail = (await t.app.inject({ url: '/api/receipts/f1', headers: { cookie } })).json() as { receipt: null; text: string; problems: string[] };
    expect(failedDetail.receipt).toBeNull();
    expect(failedDetail.text).toContain('13*******78');
    expect(failedDetail.problems).toEqual(['no total line']);
    expect((await t.app.inject({ url: '/api/receipts/nope', headers: { cookie } })).statusCode).toBe(404);
  });

  it('gives the owner one member in full, and never logs the id', async () => {
    t = testApp({ passwordHash: hash });
    const r = makeReceipt({ member: '8800765432' });
    t.deps.addReceipt(r, receiptText(r));
    const cookie = await login(t);
    const res = await t.app.inject({ url: '/api/members/8800765432/summary?month=2026-11', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ member: '8800765432', month: '2026-11', receipts: 1, spendMinor: 2410 });
    // Default month is the current one in the store's time zone.
    await t.app.inject({ url: '/api/members/8800765432/summary', headers: { cookie } });
    expect(t.deps.memberLookups).toEqual(['8800765432', '8800765432']);
    expect((await t.app.inject({ url: '/api/members/8800000000/summary', headers: { cookie } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/members/88%3Cx%3E/summary', headers: { cookie } })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/members/8800765432/summary?month=2026-13', headers: { cookie } })).statusCode).toBe(400);
    const logged = t.logs.join('\n');
    expect(logged).toContain('/api/members/:id/summary');
    expect(logged).not.toContain('8800765432');
    expect(logged).not.toContain(PASSWORD);
  });

  it('returns status with health judged, store summaries and reminders', async () => {
    t = testApp({ passwordHash: hash });
    t.deps.statusValue = { ...t.deps.statusValue, links: { pos: { state: 'down', reason: 'ENOENT /dev/tillbox-pos' }, printer: { state: 'up' } } };
    const cookie = await login(t);
    const s = (await t.app.inject({ url: '/api/status', headers: { cookie } })).json() as Record<string, unknown> & { health: Record<string, { level: string; reason: string; detail?: string }> };
    expect(s['now']).toBe('2026-11-23T04:00:00.000Z');
    expect(s['parseSuccessRate']).toBeNull();
    expect(s.health['pos']).toEqual({ level: 'bad', reason: 'link_down', detail: 'ENOENT /dev/tillbox-pos' });
    expect(s.health['printer']?.level).toBe('ok');
    const summary = (await t.app.inject({ url: '/api/store/summary', headers: { cookie } })).json() as { day: string; byHour: unknown[] };
    expect(summary.day).toBe('2026-11-23');
    expect(summary.byHour).toHaveLength(24);
    expect((await t.app.inject({ url: '/api/store/summary?day=2026-02-30x', headers: { cookie } })).statusCode).toBe(400);
    expect(((await t.app.inject({ url: '/api/store/last30days', headers: { cookie } })).json() as { days: unknown[] }).days).toHaveLength(30);
    expect((await t.app.inject({ url: '/api/reminders', headers: { cookie } })).json()).toEqual({ dueToday: 3, dueTomorrow: 5, next7Days: 12, sentLast7Days: 40 });
    expect((await t.app.inject({ url: '/api/receipts?limit=0', headers: { cookie } })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/receipts?limit=1000', headers: { cookie } })).statusCode).toBe(400);
  });

  it('turns a failing dependency into a 500 without the details, and logs it', async () => {
    t = testApp({ passwordHash: hash });
    t.deps.reminderCounts = () => {
      throw new Error('database is locked');
    };
    const cookie = await login(t);
    const res = await t.app.inject({ url: '/api/reminders', headers: { cookie } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal' });
    expect(t.logs.some((l) => l.includes('database is locked') && l.includes('/api/reminders'))).toBe(true);
  });
});

describe('/metrics', () => {
  it('is Prometheus text: HELP and TYPE before the samples of each metric, valid sample lines', async () => {
    t = testApp({ passwordHash: hash });
    t.deps.statusValue = { ...t.deps.statusValue, dropped: { outboxExpired: 2, outboxFull: 0 } };
    const r = makeReceipt();
    t.deps.addReceipt(r, receiptText(r));
    const cookie = await login(t);
    const res = await t.app.inject({ url: '/metrics', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.trimEnd().split('\n');
    const declared = new Map<string, string>();
    let help = '';
    for (const line of lines) {
      const h = /^# HELP ([a-z_:][a-z0-9_:]*) .+$/.exec(line);
      const ty = /^# TYPE ([a-z_:][a-z0-9_:]*) (counter|gauge)$/.exec(line);
      if (h) help = h[1] ?? '';
      else if (ty) {
        expect(ty[1]).toBe(help);
        declared.set(ty[1] ?? '', ty[2] ?? '');
      } else {
        const m = /^([a-z_:][a-z0-9_:]*)(\{[a-z_]+="(?:[^"\\\n]|\\.)*"(?:,[a-z_]+="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
        expect(m, line).not.toBeNull();
        expect(declared.has(m?.[1] ?? ''), line).toBe(true);
      }
    }
    for (const [name, type] of declared) if (type === 'counter') expect(name).toMatch(/_total$/);
    expect(res.body).toContain('tillbox_relayed_bytes_total{direction="pos_to_printer"} 123456');
    expect(res.body).toContain('tillbox_receipts_today 1');
    expect(res.body).toContain('tillbox_parse_success_ratio 1');
    expect(res.body).toContain('tillbox_dropped_total{what="outboxExpired"} 2');
    expect(res.body).toContain('tillbox_link_up{side="pos"} 1');
    expect(res.body).toContain('tillbox_health_ok{check="clock"} 1');
    expect(res.body).toContain(`tillbox_broker_last_ack_timestamp_seconds ${Date.parse('2026-11-23T03:59:00Z') / 1000}`);
    expect(res.body).toContain('tillbox_info{version="0.1.0"} 1');
  });
});
