/**
 * Ledger benchmark: a busy store's 5 years, made by resampling UCI Online Retail invoices
 * (≥ 2 M receipts and ≥ 100,000 members at --scale 1).
 *   npx tsx bench/ledger.ts [--scale 1] [--json] [--corpus DIR] [--db FILE] [--keep]
 *                           [--batch 5000] [--cache-mib 64] [--mmap-mib 0] [--bulk-only]
 * Prints: bulk ingest rate (ingestMany, --batch receipts per commit) and the rate with one
 * fsync'd commit per receipt (ingest, the live path), both against a baseline of plain INSERTs
 * of the same rows measured in the same run; database size per million items; p50/p99 of a
 * member's monthly summary and of a store day summary; and the RSS of a fresh process that opens
 * the database and serves those queries (what the daemon would hold). --bulk-only stops after the
 * bulk load (for --cpu-prof runs).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLedger } from '../src/ledger/open.js';
import { dayPeriod, monthPeriod } from '../src/ledger/period.js';
import { summaryQueries } from '../src/ledger/queries-summary.js';
import { addDays } from '../src/ledger/time.js';
import type { Receipt, ReceiptItem } from '../src/receipt/types.js';
import { invoiceToReceipt, readInvoices, type Invoice } from './online-retail.js';
import { seededRandom } from '../src/demo/random.js';

const TZ = 'Europe/London';
const START = '2021-01-01';
const DAYS = 5 * 365 + 1;
const PERISHABLES: ReceiptItem[] = [
  { sku: '6901234500011', name: '光明酸奶 200g', qty: 1, unitPrice: 580, amount: 580 },
  { sku: '6901234500028', name: '全麦面包', qty: 1, unitPrice: 890, amount: 890 },
  { sku: '6901234500035', name: '鲜牛奶 950ml', qty: 1, unitPrice: 1350, amount: 1350 },
  { sku: '6901234500042', name: '嫩豆腐', qty: 1, unitPrice: 350, amount: 350 },
];

const mulberry32 = seededRandom;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** Generates receipt i of n, deterministically, in time order. */
function generator(invoices: Invoice[], n: number, memberTarget: number) {
  const customers = new Set(invoices.map((v) => v.customer).filter((c) => c !== null)).size;
  const replicas = Math.max(1, Math.ceil(memberTarget / customers));
  const rand = mulberry32(42);
  const zone = openLedgerZone();
  return (i: number): Receipt => {
    const inv = invoices[Math.floor(rand() * invoices.length)] as Invoice;
    const day = addDays(START, Math.floor((i * DAYS) / n));
    const member = inv.customer === null ? null : `${inv.customer}${String(Math.floor(rand() * replicas)).padStart(3, '0')}`;
    const id = createHash('sha1').update(`bench-${i}`).digest('base64url').slice(0, 22);
    const r = invoiceToReceipt(inv, zone, id, member, `${day} ${inv.date.slice(11, 16)}`);
    if (r.kind === 'sale' && rand() < 0.2) {
      const extra = PERISHABLES[Math.floor(rand() * PERISHABLES.length)] as ReceiptItem;
      r.items = [...r.items, extra];
      r.total = (r.total ?? 0) + extra.amount;
    }
    return r;
  };
}

function openLedgerZone() {
  const l = openLedger(':memory:', { timezone: TZ, currency: 'GBP' });
  const z = l.zone;
  l.close();
  return z;
}

/** Plain INSERTs of the same receipts and item rows, no aggregates: the same-run baseline. */
function baseline(dir: string, receipts: Receipt[]): number {
  const path = join(dir, 'baseline.db');
  rmSync(path, { force: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE r (rid INTEGER PRIMARY KEY, id TEXT UNIQUE, time TEXT, member TEXT, total INTEGER);
    CREATE TABLE i (rid INTEGER, line INTEGER, sku TEXT, name TEXT, qty REAL, amount INTEGER, PRIMARY KEY (rid, line)) WITHOUT ROWID;`);
  const ir = db.prepare('INSERT INTO r (id, time, member, total) VALUES (?, ?, ?, ?)');
  const ii = db.prepare('INSERT INTO i VALUES (?, ?, ?, ?, ?, ?)');
  const t0 = performance.now();
  for (let k = 0; k < receipts.length; k += 1000) {
    db.transaction(() => {
      for (const r of receipts.slice(k, k + 1000)) {
        const rid = ir.run(r.id, r.time, r.member, r.total).lastInsertRowid;
        r.items.forEach((it, n) => ii.run(rid, n, it.sku, it.name, it.qty, it.amount));
      }
    })();
  }
  const rate = receipts.length / ((performance.now() - t0) / 1000);
  db.close();
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  return rate;
}

/** Query latencies; used in-process and by the fresh --probe process that reports RSS. */
function queryFigures(dbPath: string, memberQueries: number, dayQueries: number) {
  const rssBeforeOpenMB = process.memoryUsage().rss / 2 ** 20;
  const ledger = openLedger(dbPath, { timezone: TZ, currency: 'GBP' });
  const q = summaryQueries(ledger.db, 'GBP');
  const rand = mulberry32(7);
  const maxRid = ledger.db.prepare('SELECT max(rid) FROM receipts').pluck().get() as number;
  const pick = ledger.db.prepare('SELECT r.mid, m.member, substr(r.day, 1, 7) AS month FROM receipts r JOIN members m USING (mid) WHERE r.rid >= ? AND r.mid IS NOT NULL LIMIT 1');
  const memberMs: number[] = [];
  for (let k = 0; k < memberQueries; k++) {
    const row = pick.get(1 + Math.floor(rand() * maxRid)) as { mid: number; member: string; month: string } | undefined;
    if (row === undefined) continue;
    const t = performance.now();
    q.member(row.mid, row.member, monthPeriod(row.month));
    memberMs.push(performance.now() - t);
  }
  const dayMs: number[] = [];
  for (let k = 0; k < dayQueries; k++) {
    const day = addDays(START, Math.floor(rand() * DAYS));
    const t = performance.now();
    q.store(dayPeriod(day));
    dayMs.push(performance.now() - t);
  }
  ledger.close();
  memberMs.sort((a, b) => a - b);
  dayMs.sort((a, b) => a - b);
  return {
    memberMonthP50Ms: pct(memberMs, 0.5), memberMonthP99Ms: pct(memberMs, 0.99),
    storeDayP50Ms: pct(dayMs, 0.5), storeDayP99Ms: pct(dayMs, 0.99),
    rssBeforeOpenMB,
    rssMB: process.memoryUsage().rss / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    scale: { type: 'string', default: '1' }, json: { type: 'boolean' }, corpus: { type: 'string' },
    db: { type: 'string' }, keep: { type: 'boolean' }, probe: { type: 'string' },
    batch: { type: 'string', default: '5000' }, 'cache-mib': { type: 'string', default: '64' },
    'bulk-only': { type: 'boolean' }, 'mmap-mib': { type: 'string', default: '0' },
  } });
  if (values.probe !== undefined) {
    console.log(JSON.stringify(queryFigures(values.probe, 1000, 300)));
    return;
  }
  const scale = Number(values.scale);
  const corpus = values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus');
  const dbPath = values.db ?? '/tmp/tillbox-bench-ledger.db';
  const dir = join(dbPath, '..');
  const n = Math.round(2_000_000 * scale);
  const memberTarget = Math.max(1000, Math.round(120_000 * scale));
  const log = (s: string): void => console.error(s); // stderr: progress never mixes with --json

  const invoices = await readInvoices(join(corpus, 'online-retail', 'online_retail.csv.gz'));
  const gen = generator(invoices, n, memberTarget);
  const sample = values['bulk-only'] ? [] : Array.from({ length: Math.min(n, 20_000) }, (_, i) => gen(i));
  const baseRate = values['bulk-only'] ? NaN : baseline(dir, sample);
  log(`baseline plain INSERT: ${Math.round(baseRate)} receipts/s`);

  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  // Bulk load (what `tillbox reparse` does): bigger commits and page cache, so each commit writes
  // each randomly placed index page (receipt id, member-day) to the WAL once, not once per 1,000
  // receipts. The query phase below reopens with the daemon's defaults.
  const batchSize = Number(values.batch);
  const ledger = openLedger(dbPath, { timezone: TZ, currency: 'GBP', cacheKiB: Number(values['cache-mib']) * 1024 });
  if (Number(values['mmap-mib']) > 0) ledger.db.pragma(`mmap_size = ${Number(values['mmap-mib']) * 2 ** 20}`);
  const gen2 = generator(invoices, n, memberTarget);
  const single = Math.min(2000, Math.floor(n / 10));
  const bulkN = n - single;
  let items = 0;
  let ingestMs = 0;
  const t0 = performance.now();
  let nextLog = 100_000;
  let lastK = 0;
  let lastMs = 0;
  for (let k = 0; k < bulkN; k += batchSize) {
    const batch = [];
    for (let i = k; i < Math.min(bulkN, k + batchSize); i++) {
      const receipt = gen2(i);
      items += receipt.items.length;
      batch.push({ receipt, source: { journalFrom: i, journalTo: i + 1 } });
    }
    const tb = performance.now();
    for (const r of ledger.ingestMany(batch)) if (r instanceof Error) throw r;
    ingestMs += performance.now() - tb;
    if (k >= nextLog) {
      nextLog += 100_000;
      log(`  ${k} receipts, ${Math.round(k / (ingestMs / 1000))}/s, last ${k - lastK}: ${Math.round((k - lastK) / ((ingestMs - lastMs) / 1000))}/s (${Math.round((performance.now() - t0) / 1000)} s)`);
      lastK = k;
      lastMs = ingestMs;
    }
  }
  // Generating receipts is not the ledger's work: only ingest calls are timed.
  const bulkRate = bulkN / (ingestMs / 1000);
  if (values['bulk-only']) {
    // For profiling the bulk path alone (--cpu-prof): no baseline, live tail or queries.
    console.log(JSON.stringify({ scale, receipts: bulkN, items, bulkIngestReceiptsPerS: Math.round(bulkRate) }));
    ledger.close();
    return;
  }
  const tail = Array.from({ length: single }, (_, k) => gen2(bulkN + k));
  const t1 = performance.now();
  tail.forEach((receipt, k) => {
    items += receipt.items.length;
    ledger.ingest(receipt, { journalFrom: bulkN + k, journalTo: bulkN + k + 1 });
  });
  const singleRate = single / ((performance.now() - t1) / 1000);
  ledger.db.pragma('wal_checkpoint(TRUNCATE)');
  const members = ledger.db.prepare('SELECT count(*) FROM members').pluck().get() as number;
  ledger.close();
  const bytes = statSync(dbPath).size;

  const inProcess = queryFigures(dbPath, 2000, 1000);
  const probe = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ledger.ts'), '--probe', dbPath], { encoding: 'utf8' })) as ReturnType<typeof queryFigures>;
  if (!values.keep) for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });

  const result = {
    scale, receipts: n, items, members, days: DAYS, batch: batchSize, bulkCacheMiB: Number(values['cache-mib']),
    baselineReceiptsPerS: Math.round(baseRate),
    bulkIngestReceiptsPerS: Math.round(bulkRate), bulkVsBaseline: +(bulkRate / baseRate).toFixed(2),
    perReceiptCommitReceiptsPerS: Math.round(singleRate), perReceiptVsBaseline: +(singleRate / baseRate).toFixed(2),
    dbBytes: bytes, dbMBPerMillionItems: +((bytes / 2 ** 20) / (items / 1e6)).toFixed(1),
    memberMonthP50Ms: +inProcess.memberMonthP50Ms.toFixed(3), memberMonthP99Ms: +inProcess.memberMonthP99Ms.toFixed(3),
    storeDayP50Ms: +inProcess.storeDayP50Ms.toFixed(3), storeDayP99Ms: +inProcess.storeDayP99Ms.toFixed(3),
    freshProcess: { ...probe, rssMB: +probe.rssMB.toFixed(1), rssBeforeOpenMB: +probe.rssBeforeOpenMB.toFixed(1), rssAddedByLedgerMB: +(probe.rssMB - probe.rssBeforeOpenMB).toFixed(1) },
    targets: { ingestReceiptsPerS: 5000, memberP99Ms: 5, storeDayP99Ms: 20, rssMB: 120 },
    loadavg: (await import('node:os')).loadavg().map((v) => +v.toFixed(1)),
  };
  if (values.json) console.log(JSON.stringify(result));
  else console.log(result);
}

await main();
