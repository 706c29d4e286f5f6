import { afterEach, describe, expect, it } from 'vitest';
import { customPeriod, dayPeriod, monthPeriod, previousPeriod, weekPeriod } from '../../src/ledger/period.js';
import { statusQueries } from '../../src/ledger/queries-status.js';
import { summaryQueries } from '../../src/ledger/queries-summary.js';
import { classifyItem } from '../../src/shopper/catalogue/classify.js';
import { item, receipt, tempLedger } from './helpers.js';

describe('periods', () => {
  it('resolves day, ISO week, month and custom spans and the period before each', () => {
    expect(weekPeriod('2026-11-25')).toEqual({ kind: 'week', from: '2026-11-23', to: '2026-11-29' });
    expect(monthPeriod('2028-02')).toEqual({ kind: 'month', from: '2028-02-01', to: '2028-02-29' });
    expect(previousPeriod(monthPeriod('2026-03'))).toEqual({ kind: 'month', from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod(monthPeriod('2026-01'))).toEqual({ kind: 'month', from: '2025-12-01', to: '2025-12-31' });
    expect(previousPeriod(dayPeriod('2026-03-01'))).toEqual({ kind: 'day', from: '2026-02-28', to: '2026-02-28' });
    expect(previousPeriod(customPeriod('2026-11-10', '2026-11-19'))).toEqual({ kind: 'custom', from: '2026-10-31', to: '2026-11-09' });
    expect(() => monthPeriod('2026-13')).toThrow(expect.objectContaining({ code: 'TBX_INPUT_INVALID' }));
    expect(() => customPeriod('2026-11-10', '2026-11-01')).toThrow(/before the start/);
  });
});

describe('classification', () => {
  it('uses the catalogue first, then Chinese/English keywords (longest first, English at word starts), then other', () => {
    const cat = (sku: string) => (sku === '6900000000001' ? { sku, name: null, category: 'deli', shelfLifeDays: 1 } : undefined);
    expect(classifyItem('6900000000001', '光明酸奶', cat)).toEqual({ category: 'deli', shelfLifeDays: 1, source: 'catalogue' });
    expect(classifyItem(null, '光明酸奶 200g', cat)).toMatchObject({ category: 'yoghurt', shelfLifeDays: 7, source: 'keyword' });
    expect(classifyItem(null, '蒙牛纯牛奶', cat).category).toBe('milk');
    expect(classifyItem(null, '土鸡蛋 10枚', cat).category).toBe('eggs');
    expect(classifyItem(null, '内酯豆腐', cat).category).toBe('tofu');
    expect(classifyItem(null, 'Greek Yogurt 500g', cat).category).toBe('yoghurt');
    expect(classifyItem(null, 'RIBEYE STEAK', cat).category).toBe('meat'); // not "tea"
    expect(classifyItem(null, '螺丝刀', cat)).toEqual({ category: 'other', shelfLifeDays: null, source: 'default' });
    // English keywords are words (with plural, -y, -ies, -ed endings), not prefixes of other words ...
    expect(classifyItem(null, 'Fresh strawberries 500g', cat).category).toBe('fruit');
    expect(classifyItem(null, 'STRAWBERRY PUNNET', cat).category).toBe('fruit');
    expect(classifyItem(null, 'Butter 250g', cat).category).toBe('dairy');
    expect(classifyItem(null, 'LIGHT GARLAND BUTTERFLIES', cat).shelfLifeDays).toBeNull();
    expect(classifyItem(null, 'Cupcakes x4', cat).category).toBe('bakery');
    expect(classifyItem(null, 'AA batteries', cat).category).toBe('household');
    // ... and a name that says it is a thing is household, whatever food word it carries.
    for (const thing of ['STRAWBERRY DESIGN MUG', 'CAKE STAND VICTORIAN', 'SPACEBOY CHILDRENS EGG CUP', 'PANDA AND BUNNIES STICKER SHEET', '草莓马克杯']) {
      expect(classifyItem(null, thing, cat), thing).toEqual({ category: 'household', shelfLifeDays: null, source: 'keyword' });
    }
  });
});

describe('summaries', () => {
  let env: ReturnType<typeof tempLedger>;
  afterEach(() => env.cleanup());

  function load(): void {
    const rs = [
      receipt({ time: '2026-10-10T10:00:00+08:00', items: [item('光明酸奶', 1000)] }),
      receipt({ time: '2026-11-01T00:30:00+08:00', items: [item('光明酸奶', 1160, 2), item('全麦面包', 890)] }),
      receipt({ time: '2026-11-15T19:00:00+08:00', items: [item('鸡蛋 10枚', 1590), item('光明酸奶', 580)] }),
      receipt({ time: '2026-11-16T09:00:00+08:00', kind: 'refund', items: [item('全麦面包', -890)], total: -890 }),
      receipt({ time: '2026-11-15T20:00:00+08:00', member: null, items: [item('可口可乐', 350)] }),
      receipt({ time: '2026-11-15T20:05:00+08:00', member: '13800138000', items: [item('嫩豆腐', 350)] }),
      receipt({ time: '2026-12-01T08:00:00+08:00', items: [item('鸡蛋 10枚', 1590)] }),
    ];
    rs.forEach((r, i) => env.ledger.ingest(r, { journalFrom: i, journalTo: i + 1 }));
  }

  it("a member's month: totals, categories with shares, top items, change vs the month before", () => {
    env = tempLedger();
    load();
    const mid = env.ledger.memberKey('8800123456') as number;
    const s = summaryQueries(env.ledger.db, 'CNY').member(mid, '8800123456', monthPeriod('2026-11'));
    expect(s).toMatchObject({ total: 1160 + 890 + 1590 + 580 - 890, receipts: 2, items: 4, avgBasket: Math.round(3330 / 2), lastVisit: '2026-11-16' });
    expect(s.categories.map((c) => [c.category, c.amount])).toEqual([['yoghurt', 1740], ['eggs', 1590], ['bakery', 0]]);
    expect(s.categories[0]?.share).toBeCloseTo(1740 / 3330, 6);
    expect(s.topItems.map((t) => [t.name, t.qty, t.amount])).toEqual([['光明酸奶', 3, 1740], ['鸡蛋 10枚', 1, 1590], ['全麦面包', 0, 0]]);
    expect(s.change.previous).toMatchObject({ from: '2026-10-01', to: '2026-10-31', total: 1000, receipts: 1 });
    expect(s.change.delta).toBe(2330);
    expect(s.change.ratio).toBeCloseTo(2.33, 6);
  });

  it('the store: day totals, refunds, member share, hours, last 30 days', () => {
    env = tempLedger();
    load();
    const s = summaryQueries(env.ledger.db, 'CNY').store(dayPeriod('2026-11-15'));
    expect(s).toMatchObject({ total: 2170 + 350 + 350, sales: 2870, refunds: 0, receipts: 3, memberReceipts: 2, items: 4 });
    expect(s.memberShare).toBeCloseTo(2520 / 2870, 6);
    expect(s.change.previous).toMatchObject({ from: '2026-11-14', total: 0 });
    expect(s.change.ratio).toBeNull();
    const q = statusQueries(env.ledger);
    expect(q.storeSummary('2026-11-16')).toEqual({ day: '2026-11-16', receipts: 0, sales: 0, refunds: 890, net: -890, memberReceipts: 0, items: 0 });
    const hours = q.salesByHour('2026-11-15');
    expect(hours).toHaveLength(24);
    expect(hours.filter((h) => h.receipts > 0).map((h) => [h.hour, h.sales])).toEqual([[19, 2170], [20, 700]]);
    const days = q.salesLast30Days('2026-12-01');
    expect(days).toHaveLength(30);
    expect(days[0]?.day).toBe('2026-11-02');
    expect(days.at(-1)).toEqual({ day: '2026-12-01', sales: 1590, receipts: 1 });
    expect(q.memberSummary('8800123456', '2026-11')).toMatchObject({ receipts: 2, spend: 3330, lastVisit: '2026-12-01', categories: [{ name: '酸奶', amount: 1740 }, { name: '鸡蛋', amount: 1590 }, { name: '面包糕点', amount: 0 }] });
    expect(q.memberSummary('nobody', '2026-11')).toBeNull();
    const recent = q.recentReceipts(2);
    expect(recent.map((r) => r.time)).toEqual(['2026-12-01T08:00:00+08:00', '2026-11-15T20:05:00+08:00']);
    const stored = q.receipt(recent[0]?.id ?? '');
    expect(stored?.receipt.items).toEqual([{ sku: null, name: '鸡蛋 10枚', qty: 1, unitPrice: 1590, amount: 1590 }]);
    expect(stored?.receipt.payments).toEqual([{ method: 'cash', amount: 1590 }]);
  });

  it('a store catalogue import re-classifies known products and their store aggregates', () => {
    env = tempLedger();
    env.ledger.ingest(receipt({ time: '2026-11-15T10:00:00+08:00', items: [item('招牌卤牛肉', 2800, 1, '2000001')] }), { journalFrom: 0, journalTo: 1 });
    const before = summaryQueries(env.ledger.db, 'CNY').store(dayPeriod('2026-11-15'));
    expect(before.categories.map((c) => c.category)).toEqual(['meat']);
    env.ledger.importCatalogue([{ sku: '2000001', name: '招牌卤牛肉', category: 'deli', shelfLifeDays: 1 }]);
    const after = summaryQueries(env.ledger.db, 'CNY').store(dayPeriod('2026-11-15'));
    expect(after.categories.map((c) => [c.category, c.amount])).toEqual([['deli', 2800]]);
    expect(env.ledger.db.prepare('SELECT category, shelf_life_days, class_source FROM products').get()).toEqual({ category: 'deli', shelf_life_days: 1, class_source: 'catalogue' });
  });
});
