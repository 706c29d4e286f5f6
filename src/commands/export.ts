/**
 * `tillbox export --from YYYY-MM-DD --to YYYY-MM-DD [--csv] [--with-members] [--config F]`:
 * every item line of every receipt filed on those store-local days, as CSV on stdout (one row per
 * line; receipts without items get one row with empty item columns). Amounts are decimals in the
 * receipt's currency, refunds negative. Member ids are masked unless --with-members.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { openExistingLedger } from '../ledger/open.js';
import { customPeriod } from '../ledger/period.js';
import { categoryById } from '../shopper/catalogue/categories.js';
import { csvField } from '../shopper/catalogue/csv.js';
import { formatDecimal } from '../shopper/money.js';
import { maskMember } from '../web/mask.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = 'usage: tillbox export --from YYYY-MM-DD --to YYYY-MM-DD [--csv] [--excel] [--with-members] [--config tillbox.yaml]\n';
/** Excel (Chinese Windows especially) reads a CSV without a BOM in the ANSI code page (GBK): mojibake. */
const UTF8_BOM = '\uFEFF';
const HEADER = ['receipt_id', 'time', 'day', 'kind', 'counted', 'flagged', 'receipt_no', 'till', 'member', 'receipt_total', 'currency', 'line', 'sku', 'name', 'category', 'qty', 'unit_price', 'amount'];

interface Row {
  id: string; time: string | null; ts: number; day: string; kind: string; counted: number; flagged: number; receipt_no: string | null; till: string | null;
  member: string | null; total: number | null; currency: string; line: number | null; sku: string | null; name: string | null; category: string | null;
  qty: number | null; unit_price: number | null; amount: number | null;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options below.
  const values = parseCommandArgs(argv, {
    from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'boolean', default: true }, excel: { type: 'boolean', default: false },
    'with-members': { type: 'boolean', default: false }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h', default: false },
  }, false).values as { from?: string; to?: string; csv: boolean; excel: boolean; 'with-members': boolean; config?: string; help: boolean };
  if (values.from === undefined || values.to === undefined) throw new TillboxError('TBX_USAGE', `--from and --to are required\n${HELP}`);
  const period = customPeriod(values.from, values.to);
  const config = loadConfig(values.config, io.env);
  const ledger = openExistingLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const stmt = ledger.db.prepare(`SELECT r.id, r.time, r.ts, r.day, r.kind, r.counted, r.flagged, r.receipt_no, r.till, m.member, r.total, r.currency,
      i.line, p.sku, p.name, p.category, i.qty, i.unit_price, i.amount
      FROM receipts r LEFT JOIN members m ON m.mid = r.mid LEFT JOIN items i ON i.rid = r.rid LEFT JOIN products p ON p.pid = i.pid
      WHERE r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.rid, i.line`);
    const fromMs = ledger.zone.instant(period.from, 0);
    const toMs = ledger.zone.instant(period.to, 0) + 86_400_000 * 2; // generous upper bound, then filter by local day
    // --excel: a UTF-8 BOM and CRLF line ends (RFC 4180), what Excel expects of a CSV it opens by double-click.
    const eol = values.excel ? '\r\n' : '\n';
    io.stdout.write(`${values.excel ? UTF8_BOM : ''}${HEADER.join(',')}${eol}`);
    let rows = 0;
    let buf = '';
    for (const r of stmt.iterate(fromMs, toMs) as IterableIterator<Row>) {
      if (r.day < period.from || r.day > period.to) continue;
      const money = (v: number | null): string | null => (v === null ? null : formatDecimal(v, r.currency));
      const member = r.member === null ? null : values['with-members'] ? r.member : maskMember(r.member);
      buf += `${[r.id, r.time ?? ledger.zone.iso(r.ts), r.day, r.kind, r.counted, r.flagged, r.receipt_no, r.till, member, money(r.total), r.currency,
        r.line, r.sku === '' ? null : r.sku, r.name, r.category === null ? null : (categoryById(r.category)?.en ?? r.category), r.qty,
        money(r.unit_price), money(r.amount)].map(csvField).join(',')}${eol}`;
      if (buf.length > 64 * 1024) {
        io.stdout.write(buf);
        buf = '';
      }
      rows++;
    }
    io.stdout.write(buf);
    io.stderr.write(`${rows} rows\n`);
    return 0;
  } finally {
    ledger.close();
  }
}

/** `tillbox export --help`: the usage line, and a line per option of the parse table. */
export const usage = HELP;
export const optionHelp: Readonly<Record<string, string>> = {
  from: 'first store-local day YYYY-MM-DD',
  to: 'last store-local day YYYY-MM-DD',
  csv: 'CSV on stdout (the only format)',
  excel: 'for Excel: a UTF-8 BOM first and CRLF line ends, so Chinese text opens correctly',
  'with-members': 'member ids in clear (default: masked)',
  config: 'config file (dataDir, store time zone)',
};
