import { seededRandom } from '../demo/random.js';
import { EscPosBuilder } from '../escpos/builder.js';

/** How a generated till receipt looks: the bench's matrix axes. */
export interface SampleReceiptOptions {
  columns: number;
  /** Item lines, 1-40. */
  items: number;
  /** 'ascii' for 7-bit lines; 'gbk' prints Chinese item names in FS & mode; 'cp858' prints € and accents. */
  text: 'ascii' | 'gbk' | 'cp858';
  /** Print area as `GS W` (dots), as some tills send; omitted: not sent. */
  printWidthDots?: number;
  /** Day-first (25/04/2026) or month-first (04/25/2026) date line. */
  dateOrder?: 'DMY' | 'MDY';
}

const NAMES = ['MILK 1L', 'BREAD', 'EGGS 12', 'APPLES', 'COFFEE', 'RICE 5KG', 'YOGURT', 'BUTTER', 'TEA', 'SUGAR', 'CHEESE', 'WATER 6PK'];
const NAMES_ZH = ['光明牛奶', '面包', '鸡蛋', '苹果', '咖啡', '大米', '酸奶', '黄油'];
const NAMES_FR = ['Crème', 'Café', 'Pâtes', 'Thé vert', 'Bière'];

const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A till's receipt as ESC/POS bytes (ESC @, alignment, bold, items, total, feed, GS V cut),
 * deterministic for a seed. Used by the line-detection bench and tests, and as the reference
 * traffic when guessing a wrong baud from bytes alone.
 */
export function sampleReceipt(seed: number, o: SampleReceiptOptions): Uint8Array {
  const rnd = seededRandom(seed);
  const b = new EscPosBuilder(o.text === 'gbk' ? 'gb18030' : o.text === 'cp858' ? 'cp858' : 'cp437').init();
  if (o.printWidthDots !== undefined) b.raw([0x1d, 0x57, o.printWidthDots & 0xff, o.printWidthDots >> 8]);
  if (o.text === 'gbk') b.doubleByte(true);
  if (o.text === 'cp858') b.codePage(19);
  const row = (name: string, amount: string, width = o.columns): string => {
    const w = o.text === 'gbk' ? [...name].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x7f ? 2 : 1), 0) : name.length;
    return name + ' '.repeat(Math.max(1, width - w - amount.length)) + amount;
  };
  b.align('center').bold(true).line('CORNER MARKET').bold(false).line('12 HIGH STREET').align('left');
  const d = 13 + Math.floor(rnd() * 15);
  const m = 1 + Math.floor(rnd() * 12);
  b.line(`DATE ${o.dateOrder === 'MDY' ? `${pad2(m)}/${pad2(d)}` : `${pad2(d)}/${pad2(m)}`}/2026 ${pad2(8 + Math.floor(rnd() * 12))}:${pad2(Math.floor(rnd() * 60))}`);
  b.line(`RECEIPT ${1000 + Math.floor(rnd() * 9000)}`).line('-'.repeat(o.columns));
  let total = 0;
  for (let i = 0; i < o.items; i++) {
    const cents = 50 + Math.floor(rnd() * 2000);
    total += cents;
    const pool = o.text === 'gbk' && rnd() < 0.7 ? NAMES_ZH : o.text === 'cp858' && rnd() < 0.5 ? NAMES_FR : NAMES;
    b.line(row(pool[Math.floor(rnd() * pool.length)] ?? 'ITEM', money(cents)));
  }
  b.line('-'.repeat(o.columns)).bold(true).size(1, 2).line(row('TOTAL', money(total))).size(1, 1).bold(false);
  b.line(row('CASH', money(total + 500))).line(row('CHANGE', '5.00')).align('center').line('THANK YOU');
  b.feed(3).raw([0x1d, 0x56, 0x42, 0x03]);
  return b.toBuffer();
}

/** Receipts back to back until at least `bytes` bytes: what a till sends over a few sales. */
export function sampleTraffic(seed: number, bytes: number, o: Omit<SampleReceiptOptions, 'items'> & { items?: number }): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const r = sampleReceipt(seed * 1000 + i, { ...o, items: o.items ?? 1 + ((seed + i * 7) % 40) });
    parts.push(r);
    n += r.length;
  }
  return Buffer.concat(parts);
}
