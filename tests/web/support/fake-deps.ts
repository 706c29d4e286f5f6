/**
 * An in-memory WebDeps with plain data. The ledger's query module (src/ledger/queries*.ts) has
 * not landed yet, so the web suites use this stand-in; it follows the WebDeps contract exactly,
 * and `emit()` plays the daemon announcing a new receipt.
 */
import type { FailedReceiptRow, InsightsSummary, ReceiptDetail, ReceiptRow, StatusSnapshot, WebDeps, WebEvent } from '../../../src/web/deps.js';
import { SEGMENTS, SEGMENT_ORDER } from '../../../src/insights/rfm.js';
import { DEFAULT_TIERS } from '../../../src/insights/tiers.js';
import type { Receipt } from '../../../src/receipt/types.js';

export interface FakeDeps extends WebDeps {
  statusValue: StatusSnapshot;
  /** What insights() answers; null: the nightly job has not run yet. */
  insightsValue: InsightsSummary | null;
  addReceipt(receipt: Receipt, text: string): ReceiptRow;
  addFailed(row: FailedReceiptRow): void;
  emit(event: WebEvent): void;
  listeners(): number;
  memberLookups: string[];
}

export function makeStatus(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    version: '0.1.0',
    uptimeSeconds: 3725,
    links: { pos: { state: 'up' }, printer: { state: 'up' } },
    bytes: { posToPrinter: 123456, printerToPos: 321 },
    receiptsToday: 0,
    parse: { ok: 0, failed: 0 },
    journalBacklogBytes: 0,
    outboxBacklog: 0,
    broker: { state: 'connected', lastAckAt: '2026-11-23T03:59:00.000Z' },
    dropped: { outboxExpired: 0, outboxFull: 0 },
    clock: { synced: true, source: 'systemd-timesyncd' },
    disk: { freeBytes: 8 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 },
    ...over,
  };
}

/**
 * A night's insights for a small shop: every segment (with movement since the night before),
 * the default tiers, 25 at-risk members (more than the page shows) and 12 rules out of lift order.
 */
export function makeInsights(): InsightsSummary {
  const sizes = [42, 65, 58, 21, 17, 33, 40, 26, 9, 89];
  const before = [38, 66, 50, 30, 17, 29, 44, 20, 11, 85];
  const total = sizes.reduce((a, b) => a + b, 0);
  const products = ['光明酸奶', '全麦面包', '鲜牛奶', '鸡蛋', '苹果', '香蕉', '大米', '食用油', '酱油', '挂面', '西红柿', '黄瓜'];
  return {
    computedAt: '2026-11-22T18:30:00.000Z',
    previousAt: '2026-11-21T18:30:00.000Z',
    windowDays: 365,
    members: { total: 512, activeInWindow: total, repeatBuyers: 301 },
    segments: SEGMENT_ORDER.map((id, i) => ({
      id, ...SEGMENTS[id], members: sizes[i] ?? 0, share: (sizes[i] ?? 0) / total, monetary: (sizes[i] ?? 0) * 41_350,
      previous: before[i] ?? 0, change: (sizes[i] ?? 0) - (before[i] ?? 0),
    })),
    tiers: DEFAULT_TIERS.map((tier, i) => ({ id: tier.id, en: tier.en, zh: tier.zh, members: [20, 60, 320][i] ?? 0, sales: [4_120_000, 5_310_000, 6_980_000][i] ?? 0, salesShare: [0.251, 0.324, 0.425][i] ?? 0 })),
    concentration: { topShare: 0.2, topMembers: 80, members: 400, salesShare: 0.6134 },
    atRisk: Array.from({ length: 25 }, (_v, i) => ({
      member: `88009${String(10000 + i * 373).padStart(5, '0')}`,
      pAlive: 0.05 + i * 0.01,
      allTimeValue: 128_000 - i * 3_100,
      purchaseDays: 14 - (i % 5),
      lastPurchase: new Date(Date.UTC(2026, 10, 23) - (70 + i * 3) * 86_400_000).toISOString().slice(0, 10),
      daysSinceLastPurchase: 70 + i * 3,
      segment: i % 2 === 0 ? 'cant-lose' : 'at-risk',
      tier: i < 5 ? 'key' : 'major',
    })),
    rules: {
      baskets: 4210,
      by: 'product',
      totalRules: 57,
      top: Array.from({ length: 12 }, (_v, i) => ({
        lhs: i % 4 === 3 ? [products[i] as string, products[(i + 1) % 12] as string] : [products[i] as string],
        rhs: products[(i + 5) % 12] as string,
        count: 40 + i,
        support: (40 + i) / 4210,
        confidence: 0.3 + i * 0.02,
        lift: 1.5 + ((i * 7) % 12) * 0.21,
      })),
    },
  };
}

let seq = 0;
export function makeReceipt(over: Partial<Receipt> = {}): Receipt {
  seq++;
  return {
    id: `r${String(seq).padStart(4, '0')}`,
    store: '好又多超市',
    till: '02',
    receiptNo: `0002-${String(1000 + seq)}`,
    time: `2026-11-23T${String(8 + (seq % 12)).padStart(2, '0')}:15:32+08:00`,
    member: '8800123456',
    currency: 'CNY',
    items: [
      { sku: '6901209205421', name: '光明酸奶', qty: 2, unitPrice: 580, amount: 1160 },
      { sku: '6921555501234', name: '全麦面包', qty: 1, unitPrice: 1250, amount: 1250 },
    ],
    discounts: [],
    total: 2410,
    payments: [{ method: 'wechat', amount: 2410 }],
    change: 0,
    kind: 'sale',
    check: { itemsMatchTotal: true, confidence: 0.97, problems: [] },
    profile: 'heuristic',
    ...over,
  };
}

export function receiptText(r: Receipt): string {
  const lines = [`      ${r.store ?? ''}`, `收银台:${r.till ?? ''}  单号:${r.receiptNo ?? ''}`, `会员卡号: ${r.member ?? '无'}`, '--------------------------------'];
  for (const i of r.items) lines.push(`${i.name}  ${i.qty} x ${(i.unitPrice ?? 0) / 100}  ${i.amount / 100}`);
  lines.push('--------------------------------', `合计: ${(r.total ?? 0) / 100}`);
  return lines.join('\n');
}

export function fakeDeps(): FakeDeps {
  const receipts: { row: ReceiptRow; detail: ReceiptDetail }[] = [];
  const failed: FailedReceiptRow[] = [];
  const listeners = new Set<(e: WebEvent) => void>();
  const memberLookups: string[] = [];
  const deps: FakeDeps = {
    statusValue: makeStatus(),
    memberLookups,
    status: () => ({ ...deps.statusValue, receiptsToday: receipts.length, parse: { ok: receipts.length, failed: failed.length } }),
    recentReceipts: (limit) => receipts.slice(0, limit).map((r) => r.row),
    receipt: (id) => {
      const hit = receipts.find((r) => r.row.id === id);
      if (hit) return hit.detail;
      const f = failed.find((x) => x.id === id);
      return f ? { id: f.id, capturedAt: f.capturedAt, text: f.text, receipt: null, problems: [f.reason] } : null;
    },
    failedReceipts: (limit) => failed.slice(0, limit),
    storeSummary: (day) => {
      const sales = receipts.filter((r) => r.row.kind === 'sale').reduce((a, r) => a + (r.row.total ?? 0), 0);
      const refunds = -receipts.filter((r) => r.row.kind === 'refund').reduce((a, r) => a + (r.row.total ?? 0), 0);
      return {
        day,
        receipts: receipts.length,
        sales,
        refunds,
        net: sales - refunds,
        memberReceipts: receipts.filter((r) => r.row.member !== null).length,
        items: receipts.reduce((a, r) => a + r.row.itemCount, 0),
      };
    },
    salesLast30Days: () =>
      Array.from({ length: 30 }, (_v, i) => {
        const d = new Date(Date.UTC(2026, 10, 23) - (29 - i) * 86_400_000);
        return { day: d.toISOString().slice(0, 10), sales: 150_000 + ((i * 7919) % 90_000), receipts: 80 + ((i * 31) % 40) };
      }),
    salesByHour: () => Array.from({ length: 24 }, (_v, hour) => ({ hour, sales: hour >= 8 && hour <= 21 ? 5_000 + ((hour * 3571) % 20_000) : 0, receipts: hour >= 8 && hour <= 21 ? 5 : 0 })),
    memberSummary: (memberId, month) => {
      memberLookups.push(memberId);
      const mine = receipts.filter((r) => r.detail.receipt?.member === memberId);
      if (mine.length === 0) return null;
      return {
        member: memberId,
        month,
        receipts: mine.length,
        spend: mine.reduce((a, r) => a + (r.row.total ?? 0), 0),
        currency: 'CNY',
        categories: [{ name: '乳制品', en: 'Dairy', amount: 1160 }],
        lastVisit: mine[0]?.row.time ?? null,
      };
    },
    reminderCounts: () => ({ dueToday: 3, dueTomorrow: 5, next7Days: 12, sentLast7Days: 40 }),
    insightsValue: makeInsights(),
    insights: () => deps.insightsValue,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    addReceipt: (receipt, text) => {
      const row: ReceiptRow = {
        id: receipt.id,
        time: receipt.time,
        receiptNo: receipt.receiptNo,
        till: receipt.till,
        member: receipt.member,
        kind: receipt.kind,
        itemCount: receipt.items.length,
        total: receipt.total,
        currency: receipt.currency,
        confidence: receipt.check.confidence,
        itemsMatchTotal: receipt.check.itemsMatchTotal,
      };
      receipts.unshift({ row, detail: { id: receipt.id, capturedAt: receipt.time, text, receipt, problems: receipt.check.problems } });
      return row;
    },
    addFailed: (row) => {
      failed.unshift(row);
    },
    emit: (event) => {
      for (const l of listeners) l(event);
    },
    listeners: () => listeners.size,
  };
  return deps;
}
