/**
 * Loads the UCI Online Retail file into a ledger: one receipt per invoice.
 *   npx tsx bench/ledger-load.ts [--corpus DIR] [--db FILE] [--json]
 * Then compare with the independent check: python3 scripts/check-online-retail.py FILE
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLedger } from '../src/ledger/open.js';
import type { Ledger } from '../src/ledger/types.js';
import { invoiceToReceipt, readInvoices } from './online-retail.js';

/** `until` (YYYY-MM, exclusive) loads only the invoices dated before that month. */
export async function loadOnlineRetail(ledger: Ledger, file: string, opts: { batch?: number; until?: string } = {}): Promise<{ invoices: number; inserted: number; seconds: number }> {
  const batch = opts.batch ?? 2000;
  const until = opts.until;
  const invoices = (await readInvoices(file)).filter((v) => until === undefined || v.date.slice(0, 7) < until);
  const t0 = performance.now();
  let inserted = 0;
  for (let i = 0; i < invoices.length; i += batch) {
    const chunk = invoices.slice(i, i + batch).map((inv, k) => ({ receipt: invoiceToReceipt(inv, ledger.zone), source: { journalFrom: i + k, journalTo: i + k + 1 } }));
    for (const r of ledger.ingestMany(chunk)) {
      if (r instanceof Error) throw r;
      if (r.status === 'inserted') inserted++;
    }
  }
  return { invoices: invoices.length, inserted, seconds: (performance.now() - t0) / 1000 };
}

/** Per month (UK local): net total in pence, sale receipts, distinct members with any receipt. */
export function ledgerMonthly(ledger: Ledger): Record<string, { total: number; receipts: number; members: number }> {
  const out: Record<string, { total: number; receipts: number; members: number }> = {};
  const rows = ledger.db.prepare(`SELECT substr(day, 1, 7) AS month, sum(net) AS total, sum(receipts) AS receipts FROM store_day GROUP BY month ORDER BY month`).all() as { month: string; total: number; receipts: number }[];
  const members = ledger.db.prepare(`SELECT substr(day, 1, 7) AS month, count(DISTINCT mid) AS members FROM member_day GROUP BY month`).all() as { month: string; members: number }[];
  for (const r of rows) out[r.month] = { total: r.total, receipts: r.receipts, members: 0 };
  for (const m of members) {
    const o = out[m.month];
    if (o !== undefined) o.members = m.members;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, until: { type: 'string' } } });
  const corpus = values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus');
  const dbPath = values.db ?? '/tmp/tillbox-online-retail.db';
  rmSync(dbPath, { force: true });
  const ledger = openLedger(dbPath, { timezone: 'Europe/London', currency: 'GBP' });
  const res = await loadOnlineRetail(ledger, join(corpus, 'online-retail', 'online_retail.csv.gz'), values.until === undefined ? {} : { until: values.until });
  const monthly = ledgerMonthly(ledger);
  ledger.close();
  if (values.json) console.log(JSON.stringify({ ...res, db: dbPath, monthly }));
  else {
    console.log(`${res.invoices} invoices, ${res.inserted} inserted in ${res.seconds.toFixed(1)} s (${Math.round(res.inserted / res.seconds)} receipts/s) → ${dbPath}`);
    for (const [m, v] of Object.entries(monthly)) console.log(`${m}  total £${(v.total / 100).toFixed(2)}  receipts ${v.receipts}  members ${v.members}`);
  }
}
