/**
 * UCI Online Retail (Chen, Sain & Guo 2012, CC BY 4.0) → tillbox Receipts.
 * One receipt per invoice, CustomerID as member, C-invoices as refunds, GBP, UK local time.
 * A line's amount is qty × unit price rounded half away from zero to the penny (four lines in
 * the file are priced 0.001); the receipt total is the sum of its lines.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Receipt, ReceiptItem } from '../src/receipt/types.js';
import type { ZoneClock } from '../src/ledger/time.js';

export interface Invoice {
  invoiceNo: string;
  /** "YYYY-MM-DD HH:MM" UK local, as in the file. */
  date: string;
  customer: string | null;
  items: ReceiptItem[];
}

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines in this file). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) { v += line.slice(i); i = line.length; break; }
        v += line.slice(i, q);
        if (line[q + 1] === '"') { v += '"'; i = q + 2; } else { i = q + 1; break; }
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c === -1 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** "2.55" → 2550 thousandths; exact, no binary floating point on money. */
function milli(price: string): number {
  const neg = price.startsWith('-');
  const [whole = '0', frac = ''] = (neg ? price.slice(1) : price).split('.');
  const v = Number(whole) * 1000 + Number((frac + '000').slice(0, 3));
  return neg ? -v : v;
}

function roundToPence(milliAmount: number): number {
  const pence = Math.trunc(milliAmount / 10);
  const rest = milliAmount - pence * 10;
  return rest >= 5 ? pence + 1 : rest <= -5 ? pence - 1 : pence;
}

/** Reads the whole file into invoices, in file order. */
export async function readInvoices(file: string): Promise<Invoice[]> {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const byNo = new Map<string, Invoice>();
  let header = true;
  for await (const line of rl) {
    if (header) { header = false; continue; }
    if (line === '') continue;
    const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId] = splitCsv(line);
    if (invoiceNo === undefined || invoiceDate === undefined || unitPrice === undefined || quantity === undefined) continue;
    let inv = byNo.get(invoiceNo);
    if (inv === undefined) {
      const cust = customerId === undefined || customerId === '' ? null : customerId.replace(/\.0$/, '');
      inv = { invoiceNo, date: invoiceDate.slice(0, 16), customer: cust, items: [] };
      byNo.set(invoiceNo, inv);
    }
    const qty = Number(quantity);
    const price = milli(unitPrice);
    inv.items.push({ sku: stockCode ?? null, name: (description ?? '').trim(), qty, unitPrice: roundToPence(price), amount: roundToPence(qty * price) });
  }
  return [...byNo.values()];
}

export function invoiceToReceipt(inv: Invoice, zone: ZoneClock, id = `OR-${inv.invoiceNo}`, member = inv.customer, date = inv.date): Receipt {
  const total = inv.items.reduce((s, it) => s + it.amount, 0);
  const ms = zone.instant(date.slice(0, 10), Number(date.slice(11, 13)), Number(date.slice(14, 16)));
  return {
    id, store: 'online-retail', till: '1', receiptNo: inv.invoiceNo, time: zone.iso(ms), member, currency: 'GBP',
    items: inv.items, discounts: [], total, payments: [], change: null,
    kind: inv.invoiceNo.startsWith('C') ? 'refund' : 'sale',
    check: { itemsMatchTotal: true, confidence: 1, problems: [] }, profile: 'online-retail',
  };
}
