import { join } from 'node:path';
import { openLedger } from '../../src/ledger/open.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Receipt, ReceiptItem } from '../../src/receipt/types.js';
import { tempDir } from '../support/tmp.js';

export function item(name: string, amount: number, qty = 1, sku: string | null = null): ReceiptItem {
  return { sku, name, qty, unitPrice: Math.round(amount / qty), amount };
}

let seq = 0;
export function receipt(over: Partial<Receipt> & { items?: ReceiptItem[] } = {}): Receipt {
  const items = over.items ?? [item('光明酸奶', 1160, 2), item('全麦面包', 890)];
  const sum = items.reduce((s, i) => s + i.amount, 0);
  seq++;
  return {
    id: `r-${seq}`, store: '示例超市', till: '01', receiptNo: String(1000 + seq), time: '2026-11-23T10:15:32+08:00',
    member: '8800123456', currency: 'CNY', items, discounts: [], total: sum, payments: [{ method: 'cash', amount: sum }], change: 0,
    kind: 'sale', check: { itemsMatchTotal: true, confidence: 0.98, problems: [] }, profile: 'test',
    ...over,
  };
}

export function tempLedger(timezone = 'Asia/Shanghai', currency = 'CNY'): { ledger: Ledger; dir: string; cleanup: () => void } {
  const t = tempDir('tillbox-ledger-');
  const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone, currency });
  return { ledger, dir: t.dir, cleanup: () => { ledger.close(); t.cleanup(); } };
}

/** Every derived table's rows, for "same ledger" comparisons (rids and product ids included). */
export function snapshot(ledger: Ledger): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['receipts', 'items', 'member_day', 'store_day', 'store_hour', 'store_day_cat', 'store_day_product', 'reminders', 'members', 'products']) {
    out[t] = ledger.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all();
  }
  return out;
}
