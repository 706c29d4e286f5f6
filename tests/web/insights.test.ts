/**
 * The owner's insights view: GET /api/insights through inject() with the in-memory stand-in
 * (401 without a login, `null` before the first nightly run, at-risk ids masked, lists cut and
 * ordered), and the daemon's insights() (src/daemon/web-deps.ts) reading a real insights.json that
 * the real nightly job wrote from a real ledger file.
 */
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { webDeps, type WebDepsParts } from '../../src/daemon/web-deps.js';
import { runInsightsJob, type StoredInsights } from '../../src/insights/job.js';
import { openLedger } from '../../src/ledger/open.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Receipt } from '../../src/receipt/types.js';
import { hashPassword } from '../../src/web/auth/password.js';
import type { InsightsSummary } from '../../src/web/deps.js';
import { maskMember } from '../../src/web/mask.js';
import { tempDir } from '../support/tmp.js';
import { cookieFrom, testApp, type TestApp } from './support/app.js';
import { fakeDeps, makeInsights } from './support/fake-deps.js';

const PASSWORD = 'insights-owner-pw';
const DAY = 86_400_000;
const NOW = new Date('2026-11-22T18:30:00Z');
let hash: string;

beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

async function loggedIn(deps = fakeDeps()): Promise<{ t: TestApp; get: (url: string) => Promise<LightMyRequestResponse> }> {
  const t = testApp({ passwordHash: hash }, {}, deps);
  const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: PASSWORD } });
  const cookie = cookieFrom(res.headers['set-cookie']);
  return { t, get: (url) => t.app.inject({ url, headers: { cookie } }) };
}

describe('GET /api/insights', () => {
  it('answers 401 without a login and leaks nothing', async () => {
    const t = testApp({ passwordHash: hash });
    try {
      const res = await t.app.inject('/api/insights');
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('8800');
      expect(res.body).not.toContain('champions');
    } finally {
      await t.app.close();
    }
  });

  it('answers null (200, JSON) before the first nightly run, and when no insights source is wired', async () => {
    const deps = fakeDeps();
    deps.insightsValue = null;
    const { t, get } = await loggedIn(deps);
    try {
      const res = await get('/api/insights');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toBeNull();
    } finally {
      await t.app.close();
    }
    const bare = fakeDeps();
    delete (bare as Partial<typeof bare>).insights;
    const second = await loggedIn(bare);
    try {
      expect((await second.get('/api/insights')).json()).toBeNull();
    } finally {
      await second.t.app.close();
    }
  });

  it('sends segments with movement, tiers, concentration, masked at-risk members and the top rules by lift', async () => {
    const source = makeInsights();
    const { t, get } = await loggedIn();
    try {
      const res = await get('/api/insights');
      expect(res.statusCode).toBe(200);
      const body = res.json<InsightsSummary & { currency: string }>();
      expect(body.currency).toBe('CNY');
      expect(body.segments).toHaveLength(10);
      expect(body.segments[0]).toMatchObject({ id: 'champions', en: 'Champions', zh: '冠军客户', members: 42, previous: 38, change: 4 });
      expect(body.tiers.map((x) => x.zh)).toEqual(['大客户', '主要客户', '普通客户']);
      expect(body.concentration).toEqual(source.concentration);
      // At most 20 at-risk members, in the source's order, every id masked.
      expect(body.atRisk).toHaveLength(20);
      body.atRisk.forEach((a, i) => {
        const clear = source.atRisk[i]?.member as string;
        expect(a.member).toBe(maskMember(clear));
        expect(a.member).toMatch(/^88\*{6}\d{2}$/);
        // Money says its unit on the wire (docs/status-page.md): allTimeValueMinor, no bare allTimeValue.
        expect(a).toMatchObject({ allTimeValueMinor: source.atRisk[i]?.allTimeValue });
        expect(a).not.toHaveProperty('allTimeValue');
      });
      for (const a of source.atRisk) expect(res.body).not.toContain(a.member);
      // The ten highest-lift rules, highest first, whatever order the source gave.
      const lifts = source.rules.top.map((r) => r.lift).sort((p, q) => q - p).slice(0, 10);
      expect(body.rules.top.map((r) => r.lift)).toEqual(lifts);
      expect(body.rules.totalRules).toBe(57);
    } finally {
      await t.app.close();
    }
  });
});

// ---- the daemon's insights() over a real ledger and the real nightly job -----------------------

const MENU: [string, number][] = [['豆浆', 300], ['油条', 250], ['包子', 200], ['大米5kg', 4590], ['牛奶', 680], ['苹果', 1290]];

function receipt(n: number, member: string | null, time: number, names: string[]): Receipt {
  const items = names.map((name) => {
    const price = MENU.find((m) => m[0] === name)?.[1] ?? 100;
    return { sku: null, name, qty: 1, unitPrice: price, amount: price };
  });
  const total = items.reduce((s, i) => s + i.amount, 0);
  return {
    id: `w${n}`, store: 'S1', till: '1', receiptNo: String(n),
    time: new Date(time + 8 * 3_600_000).toISOString().replace('Z', '+08:00').replace(/\.\d{3}/, ''),
    member, currency: 'CNY', items, discounts: [], total, payments: [{ method: 'cash', amount: total }], change: 0, kind: 'sale',
    check: { itemsMatchTotal: true, confidence: 1, problems: [] }, profile: 'test',
  };
}

describe("the daemon's insights() from dataDir/insights.json", () => {
  const { dir, cleanup } = tempDir('tillbox-web-insights-');
  const members = Array.from({ length: 24 }, (_, i) => `1391234${String(1000 + i)}`);
  let ledger: Ledger;
  let parts: WebDepsParts;

  beforeAll(() => {
    ledger = openLedger(join(dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY', synchronous: 'NORMAL' });
    const batch: { receipt: Receipt; source: { journalFrom: number; journalTo: number } }[] = [];
    let n = 0;
    members.forEach((m, i) => {
      // 8 weekly regulars, 6 big spenders who stopped coming 150 days ago, 10 one-off visitors.
      const lapsed = i >= 8 && i < 14;
      const visits = i < 8 ? 25 : lapsed ? 10 : 1;
      for (let v = 0; v < visits; v++) {
        const at = NOW.getTime() - ((lapsed ? 150 : 1 + (i % 5)) + v * (lapsed ? 10 : 7)) * DAY;
        batch.push({ receipt: receipt(n, m, at, lapsed ? ['大米5kg', '牛奶'] : v % 2 === 0 ? ['豆浆', '油条'] : ['豆浆', '包子']), source: { journalFrom: n, journalTo: n + 1 } });
        n++;
      }
    });
    expect(ledger.ingestMany(batch).filter((r) => r instanceof Error)).toEqual([]);
    // Only insights() is exercised: the other parts are never touched by it.
    const unused = {} as never; // never: these parts are not reached by insights(), a call would throw
    parts = { config: { dataDir: dir } as Config, ledger, receipts: unused, sync: unused, reader: unused, version: 'test', tap: () => null, position: unused };
  });
  afterAll(() => {
    ledger?.close();
    cleanup();
  });

  const run = (now: Date, windowDays = 365): StoredInsights =>
    runInsightsJob({ ledgerPath: join(dir, 'ledger.db'), now, options: { timeZone: 'Asia/Shanghai', minSupport: 0.05, atRiskBelow: 0.9, windowDays }, outPath: join(dir, 'insights.json') });

  it('is null before the first run, then carries the stored report, and movement after the second', async () => {
    const deps = webDeps(parts);
    expect(await deps.insights?.()).toBeNull();

    const first = run(NOW);
    const one = (await deps.insights?.()) as InsightsSummary;
    expect(one.computedAt).toBe(NOW.toISOString());
    expect(one.previousAt).toBeNull();
    expect(one.segments.map((s) => s.id)).toEqual(first.report.rfm.segments.map((s) => s.segment));
    expect(one.segments.every((s) => s.previous === null && s.change === null)).toBe(true);
    expect(one.segments.find((s) => s.id === 'champions')?.zh).toBe('冠军客户');
    expect(one.members).toEqual(first.report.members);
    expect(one.tiers.map((x) => x.id)).toEqual(['key', 'major', 'regular']);
    expect(one.concentration.salesShare).toBe(first.report.concentration.salesShare);
    expect(one.rules.by).toBe('product');
    expect(one.rules.top).toEqual(first.report.rules.top);
    expect(one.rules.top.length).toBeGreaterThan(0);
    // The lapsed big spenders are at risk; deps carry their ids in clear (the web layer masks).
    expect(one.atRisk.length).toBeGreaterThan(0);
    expect(one.atRisk.map((a) => a.member)).toEqual(first.report.atRisk.map((a) => a.member));
    for (const a of one.atRisk) expect(members.slice(8, 14)).toContain(a.member);

    // A shorter window the next night: the lapsed spenders drop out of the scored members.
    const second = run(new Date(NOW.getTime() + 1 * DAY), 120);
    const two = (await deps.insights?.()) as InsightsSummary;
    expect(two.previousAt).toBe(NOW.toISOString());
    for (const s of two.segments) {
      const moved = second.movement?.find((m) => m.segment === s.id);
      expect(s.previous).toBe(moved?.previous);
      expect(s.change).toBe((s.members) - (moved?.previous ?? NaN));
    }
    expect(two.segments.some((s) => s.change !== 0)).toBe(true);

    // Through the app: the same run, ids masked on the way out.
    const { t, get } = await loggedIn({ ...fakeDeps(), insights: () => deps.insights?.() ?? null });
    try {
      const res = await get('/api/insights');
      const body = res.json<InsightsSummary>();
      expect(body.atRisk.length).toBeGreaterThan(0);
      expect(body.atRisk.map((a) => a.member)).toEqual(two.atRisk.slice(0, 20).map((a) => maskMember(a.member)));
      for (const m of members) expect(res.body).not.toContain(m);
    } finally {
      await t.app.close();
    }
  });
});
