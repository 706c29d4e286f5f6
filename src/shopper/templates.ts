/**
 * Message templates, Chinese and English. Pure: data in, {title, body} out. No member id ever
 * goes into a title or body (the MQTT channel refuses a message that carries one).
 */
import type { MemberSpendSummary } from '../ledger/queries-summary.js';
import type { BuyAgain } from './reminders/buy-again.js';
import { daysBetween } from '../ledger/time.js';
import type { NotificationLanguage } from './channels.js';
import { formatMoney, formatShare } from './money.js';

export interface Rendered {
  title: string;
  body: string;
}

export interface ExpiringItem {
  name: string;
  /** Store-local day of the expected expiry. */
  expiresDay: string;
}

function whenZh(days: number): string {
  if (days <= 0) return '今天到期';
  if (days === 1) return '明天到期';
  if (days === 2) return '后天到期';
  return `${days}天后到期`;
}

function whenEn(days: number): string {
  if (days <= 0) return 'Expires today';
  if (days === 1) return 'Expires tomorrow';
  return `Expires in ${days} days`;
}

/** "明天到期: 光明酸奶, 全麦面包" — one line per expiry day, soonest first; the title is the first line. */
export function expiryReminder(lang: NotificationLanguage, items: readonly ExpiringItem[], today: string): Rendered {
  const byDay = new Map<string, string[]>();
  for (const it of [...items].sort((a, b) => a.expiresDay.localeCompare(b.expiresDay))) {
    const names = byDay.get(it.expiresDay) ?? [];
    if (!names.includes(it.name)) names.push(it.name);
    byDay.set(it.expiresDay, names);
  }
  const sep = lang === 'zh' ? ', ' : ', ';
  const lines = [...byDay].map(([day, names]) => {
    const d = daysBetween(today, day);
    return `${lang === 'zh' ? whenZh(d) : whenEn(d)}: ${names.join(sep)}`;
  });
  const footer = lang === 'zh' ? '按购买日期和常见保质期估算，请以包装标注为准。' : 'Estimated from the purchase date and typical shelf life; the date on the pack comes first.';
  return { title: lines[0] ?? '', body: [...lines, '', footer].join('\n') };
}

/** Monthly spend summary: "11月您消费了¥356.20 (8次购物)，其中酸奶占38%". */
export function monthlySummary(lang: NotificationLanguage, s: MemberSpendSummary): Rendered {
  const month = Number(s.period.from.slice(5, 7));
  const year = s.period.from.slice(0, 4);
  const total = formatMoney(s.total, s.currency);
  const top = s.categories.filter((c) => c.amount > 0).slice(0, 3);
  const ratio = s.change.ratio;
  if (lang === 'zh') {
    const cats = top.map((c) => `${c.zh} ${formatShare(c.share)}`).join('，');
    const change = ratio === null ? '' : `比上月${ratio >= 0 ? '多' : '少'}${formatShare(Math.abs(ratio))}。`;
    const lines = [
      `${year}年${month}月您共消费${total}，购物${s.receipts}次，平均每次${formatMoney(s.avgBasket, s.currency)}。`,
      cats === '' ? '' : `花费最多的是：${cats}。`,
      change,
    ].filter((l) => l !== '');
    return { title: `${month}月消费小结：${total}`, body: lines.join('\n') };
  }
  const monthName = new Date(Date.UTC(Number(year), month - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const cats = top.map((c) => `${c.en} ${formatShare(c.share)}`).join(', ');
  const change = ratio === null ? '' : `That is ${formatShare(Math.abs(ratio))} ${ratio >= 0 ? 'more' : 'less'} than the month before.`;
  const lines = [
    `In ${monthName} ${year} you spent ${total} over ${s.receipts} ${s.receipts === 1 ? 'visit' : 'visits'} (${formatMoney(s.avgBasket, s.currency)} per visit).`,
    cats === '' ? '' : `Most of it went on: ${cats}.`,
    change,
  ].filter((l) => l !== '');
  return { title: `Your ${monthName} spend: ${total}`, body: lines.join('\n') };
}

/** "该补货了：鲜牛奶 950ml" with each product's usual interval and last purchase day. */
export function buyAgain(lang: NotificationLanguage, items: readonly BuyAgain[]): Rendered {
  const names = items.map((i) => i.product);
  if (lang === 'zh') {
    const lines = items.map((i) => `${i.product}：您通常每${i.intervalDays}天买一次，上次是${Number(i.lastDay.slice(5, 7))}月${Number(i.lastDay.slice(8, 10))}日。`);
    return { title: `该补货了：${names.join('、')}`, body: lines.join('\n') };
  }
  const lines = items.map((i) => {
    const last = new Date(`${i.lastDay}T00:00:00Z`).toLocaleString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
    return `${i.product}: you usually buy it every ${i.intervalDays} days; last time on ${last}.`;
  });
  return { title: `Time to restock: ${names.join(', ')}`, body: lines.join('\n') };
}
