/**
 * Realistic Chinese supermarket receipts for the demo's simulated till: members and walk-in
 * shoppers, perishables with shelf lives, weight items, a refund and a reprint now and then.
 * Pure: a seeded generator in, text lines out (the encoder turns them into GBK ESC/POS).
 */
import { seededRandom } from './random.js';

export interface DemoProduct {
  sku: string;
  name: string;
  price: number; // fen
  weighed?: boolean; // sold by kg
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { sku: '6901209205422', name: '光明酸奶', price: 580 },
  { sku: '6907992500133', name: '伊利纯牛奶250ml', price: 350 },
  { sku: '6921555501238', name: '全麦面包', price: 1250 },
  { sku: '6938888800013', name: '新鲜鸡蛋10枚', price: 1390 },
  { sku: '6920907800128', name: '内酯豆腐', price: 300 },
  { sku: '2000001000014', name: '西红柿', price: 698, weighed: true },
  { sku: '2000001000021', name: '五花肉', price: 2980, weighed: true },
  { sku: '2000001000038', name: '香蕉', price: 599, weighed: true },
  { sku: '6902083881405', name: '农夫山泉550ml', price: 200 },
  { sku: '6925303711115', name: '康师傅红烧牛肉面', price: 450 },
  { sku: '6901028075770', name: '可口可乐330ml', price: 300 },
  { sku: '6903148126578', name: '维达抽纸3包', price: 1590 },
  { sku: '6920174757101', name: '金龙鱼食用油5L', price: 6990 },
  { sku: '6941704401233', name: '熟食卤鸡腿', price: 1200 },
  { sku: '6911988012340', name: '奶油蛋糕', price: 2800 },
];

export const DEMO_MEMBERS: readonly string[] = ['8800123456', '8800765432', '8800246810', '13812345678', '8800135790'];

export interface DemoReceipt {
  receiptNo: string;
  lines: string[];
  /** 'torn': the printer ran out of paper mid-receipt, so the totals never printed. */
  kind: 'sale' | 'refund' | 'reprint' | 'torn';
  member: string | null;
  total: number; // fen, negative for a refund
}


const WIDTH = 48;

/** Display columns of a string on a thermal printer: CJK and full-width characters take two. */
export function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return n;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6);
}

function padRight(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}

function padLeft(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - columns(text))) + text;
}

function center(text: string): string {
  return ' '.repeat(Math.max(0, Math.floor((WIDTH - columns(text)) / 2))) + text;
}

export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

interface Line {
  product: DemoProduct;
  qty: number; // pieces, or kg for weighed items (three decimals)
  amount: number; // fen
}

function formatTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * One receipt. `localTime` is the shop's wall-clock time carried in a Date's UTC fields, so the
 * generator needs no time-zone logic.
 */
export function renderReceipt(opts: { receiptNo: string; localTime: Date; member: string | null; lines: Line[]; kind: DemoReceipt['kind']; paid?: number }): DemoReceipt {
  const sign = opts.kind === 'refund' ? -1 : 1;
  const total = sign * opts.lines.reduce((s, l) => s + l.amount, 0);
  const out: string[] = [center('鲜丰超市（人民路店）'), center('电话: 0571-8888 6666'), ''];
  if (opts.kind === 'refund') out.push(center('*** 退货单 ***'));
  if (opts.kind === 'reprint') out.push(center('*** 重打印 ***'));
  out.push(`门店: 001   收银台: 02   收银员: 王芳`, `单号: ${opts.receiptNo}`, `日期: ${formatTime(opts.localTime)}`);
  if (opts.member !== null) out.push(`会员卡号: ${opts.member}`);
  out.push('-'.repeat(WIDTH), `${padRight('品名', 20)}${padLeft('数量', 8)}${padLeft('单价', 10)}${padLeft('金额', 10)}`, '-'.repeat(WIDTH));
  let pieces = 0;
  for (const l of opts.lines) {
    const qty = l.product.weighed ? l.qty.toFixed(3) : String(l.qty);
    pieces += l.product.weighed ? 1 : l.qty;
    out.push(l.product.name);
    out.push(`${padRight(l.product.sku, 20)}${padLeft(qty, 8)}${padLeft(yuan(l.product.price), 10)}${padLeft(yuan(sign * l.amount), 10)}`);
  }
  out.push('-'.repeat(WIDTH), `件数: ${pieces}`, `合计: ${padLeft(yuan(total), WIDTH - 6)}`, `应收: ${padLeft(yuan(total), WIDTH - 6)}`);
  if (opts.kind === 'refund') out.push(`退款(现金): ${padLeft(yuan(total), WIDTH - 12)}`);
  else {
    const paid = opts.paid ?? total;
    const method = paid === total ? '微信支付' : '现金';
    out.push(`${method}: ${padLeft(yuan(paid), WIDTH - columns(method) - 2)}`, `找零: ${padLeft(yuan(paid - total), WIDTH - 6)}`);
  }
  if (opts.member !== null && opts.kind === 'sale') out.push(`本次积分: ${Math.floor(total / 100)}`);
  out.push('', center('谢谢惠顾，欢迎再次光临'), '');
  return { receiptNo: opts.receiptNo, lines: out, kind: opts.kind, member: opts.member, total };
}

/**
 * An endless stream of receipts; every 9th is a refund of an earlier one and every 13th a reprint.
 * `nextTime` gives each receipt's local wall-clock time (in the Date's UTC fields).
 */
export function* demoReceipts(seed: number, nextTime: () => Date): Generator<DemoReceipt> {
  const rnd = seededRandom(seed);
  const history: { receiptNo: string; member: string | null; lines: Line[]; time: Date }[] = [];
  for (let n = 1; ; n++) {
    const localTime = nextTime();
    const receiptNo = `${formatTime(localTime).slice(0, 10).replaceAll('-', '')}-${String(seed % 1000).padStart(3, '0')}${String(n).padStart(5, '0')}`;
    const earlier = history[Math.floor(rnd() * history.length)];
    if (n % 13 === 0 && earlier !== undefined) {
      yield renderReceipt({ receiptNo: earlier.receiptNo, localTime: earlier.time, member: earlier.member, lines: earlier.lines, kind: 'reprint' });
      continue;
    }
    if (n % 9 === 0 && earlier !== undefined) {
      const line = earlier.lines[0];
      if (line !== undefined) {
        yield renderReceipt({ receiptNo, localTime, member: earlier.member, lines: [line], kind: 'refund' });
        continue;
      }
    }
    const member = rnd() < 0.6 ? (DEMO_MEMBERS[Math.floor(rnd() * DEMO_MEMBERS.length)] ?? null) : null;
    const count = 1 + Math.floor(rnd() * 5);
    const lines: Line[] = [];
    for (let i = 0; i < count; i++) {
      const product = DEMO_PRODUCTS[Math.floor(rnd() * DEMO_PRODUCTS.length)];
      if (product === undefined || lines.some((l) => l.product === product)) continue;
      const qty = product.weighed ? Math.round((0.2 + rnd() * 1.8) * 1000) / 1000 : 1 + Math.floor(rnd() * 3);
      // Weighed: amount rounded to the fen from price per kg × kg, as a scale does.
      const amount = product.weighed ? Math.round((product.price * Math.round(qty * 1000)) / 1000) : product.price * qty;
      lines.push({ product, qty, amount });
    }
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const paid = rnd() < 0.5 ? total : Math.ceil(total / 5000) * 5000;
    history.push({ receiptNo, member, lines, time: localTime });
    const receipt = renderReceipt({ receiptNo, localTime, member, lines, kind: 'sale', paid });
    if (n % 17 === 0) {
      // Paper out in the middle of the item lines: the owner should see it among the failed receipts.
      const cut = receipt.lines.findIndex((l) => l.startsWith('品名')) + 3;
      const torn = receipt.lines.slice(0, cut);
      const half = receipt.lines[cut];
      if (half !== undefined) torn.push(half.slice(0, Math.ceil(half.length / 2)));
      yield { ...receipt, kind: 'torn', lines: torn };
      continue;
    }
    yield receipt;
  }
}

/** The shop's current wall-clock time in `timeZone`, carried in a Date's UTC fields. */
export function localWallClock(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')));
}
