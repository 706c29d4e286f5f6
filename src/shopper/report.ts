/** Plain-text renderings of summaries for the CLI. */
import type { Change, MemberSpendSummary, StoreSpendSummary, TopItem, CategoryShare } from '../ledger/queries-summary.js';
import type { NotificationLanguage } from './channels.js';
import { formatMoney, formatShare } from './money.js';

/** Terminal columns: CJK and full-width characters take two. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, n: number): string {
  let out = '';
  for (const ch of s) {
    if (width(out + ch) > n) break;
    out += ch;
  }
  return out + ' '.repeat(Math.max(0, n - width(out)));
}

function changeLine(c: Change, currency: string): string {
  const pct = c.ratio === null ? 'n/a' : `${c.ratio >= 0 ? '+' : '-'}${formatShare(Math.abs(c.ratio))}`;
  return `vs ${c.previous.from}..${c.previous.to}: ${formatMoney(c.previous.total, currency)} → ${c.delta >= 0 ? '+' : ''}${formatMoney(c.delta, currency)} (${pct})`;
}

function cats(list: CategoryShare[], currency: string, lang: NotificationLanguage): string[] {
  return list.map((c) => `  ${pad(lang === 'zh' ? c.zh : c.en, 14)} ${formatMoney(c.amount, currency).padStart(14)}  ${formatShare(c.share).padStart(4)}`);
}

function tops(list: TopItem[], currency: string): string[] {
  return list.map((t) => `  ${pad(t.name, 36)} ×${String(t.qty).padEnd(6)} ${formatMoney(t.amount, currency).padStart(12)}`);
}

export function formatMemberSummary(s: MemberSpendSummary, memberLabel: string, lang: NotificationLanguage): string {
  const c = s.currency;
  return [
    `member ${memberLabel}  ${s.period.kind} ${s.period.from}..${s.period.to}`,
    `total ${formatMoney(s.total, c)}  receipts ${s.receipts}  items ${s.items}  avg basket ${formatMoney(s.avgBasket, c)}  last visit ${s.lastVisit ?? '-'}`,
    changeLine(s.change, c),
    'by category:', ...cats(s.categories, c, lang),
    'top items:', ...tops(s.topItems, c),
    '',
  ].join('\n');
}

export function formatStoreSummary(s: StoreSpendSummary, lang: NotificationLanguage): string {
  const c = s.currency;
  return [
    `store  ${s.period.kind} ${s.period.from}..${s.period.to}`,
    `net ${formatMoney(s.total, c)}  sales ${formatMoney(s.sales, c)}  refunds ${formatMoney(s.refunds, c)} (${s.refundReceipts})`,
    `receipts ${s.receipts}  items ${s.items}  avg basket ${formatMoney(s.avgBasket, c)}  member receipts ${s.memberReceipts}  member share of sales ${formatShare(s.memberShare)}`,
    changeLine(s.change, c),
    'by category:', ...cats(s.categories, c, lang),
    'top items:', ...tops(s.topItems, c),
    '',
  ].join('\n');
}
