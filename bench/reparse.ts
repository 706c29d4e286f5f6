/**
 * `tillbox reparse` over journals of growing size: receipts per second and the command's peak RSS.
 * Each journal holds N demo-till receipts (GB18030, members, refunds, reprints, a torn one in 17)
 * written straight into journal.db as the tap would have journaled them, one chunk per receipt.
 * The baseline in the same run is the smallest journal: a reparse that streams keeps its peak RSS
 * flat as N grows, one that collects every receipt first grows with N.
 *
 *   npm run build && npx tsx bench/reparse.ts [--json] [--sizes 2000,20000,60000] [--node-flags "..."]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoReceipts } from '../src/demo/receipts.js';
import { encodeReceiptText } from '../src/escpos/encoder.js';
import { JournalStore } from '../src/journal/store.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const { values } = parseArgs({ options: { json: { type: 'boolean' }, sizes: { type: 'string', default: '2000,20000,60000' }, 'node-flags': { type: 'string', default: '' } } });
const nodeFlags = values['node-flags'].split(' ').filter((f) => f !== '');
const sizes = values.sizes.split(',').map(Number);

/** A journal of n receipts, a minute apart from 2026-01-01 08:00 (store-local wall clock). */
function buildJournal(dir: string, n: number): number {
  mkdirSync(dir, { recursive: true });
  const store = new JournalStore(join(dir, 'journal.db'));
  let t = new Date('2026-01-01T08:00:00Z');
  const gen = demoReceipts(7, () => (t = new Date(t.getTime() + 60_000)));
  let bytes = 0;
  const batch: Parameters<JournalStore['append']>[0][number][] = [];
  for (let i = 0; i < n; i++) {
    const r = gen.next().value;
    if (r === undefined) break;
    const chunk = encodeReceiptText(r.lines);
    bytes += chunk.length;
    batch.push({ dir: 'pos>printer', bytes: chunk, wallTime: t.getTime() - 8 * 3_600_000, mono: i, delivered: true });
    if (batch.length === 1000) store.append(batch.splice(0), 'bench-boot', true);
  }
  store.append(batch.splice(0), 'bench-boot', true);
  store.close();
  return bytes;
}

/** Runs the real CLI under GNU time: wall seconds, peak RSS and the command's summary line. */
function reparse(config: string): { seconds: number; peakRssMB: number; summary: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...nodeFlags, CLI, 'reparse', '--config', config], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  // exit 1 means some documents failed to parse: reported, and the figures still count
  if (r.status !== 0 && r.status !== 1) throw new Error(`reparse exited ${r.status}: ${r.stderr}`);
  const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds, peakRssMB: kb / 1024, summary: r.stdout.trim() };
}

const rows: { receipts: number; journalMB: number; seconds: number; receiptsPerS: number; peakRssMB: number; rssVsSmallest: number; summary: string }[] = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'tillbox-reparse-'));
  try {
    const bytes = buildJournal(join(dir, 'data'), n);
    const config = join(dir, 'tillbox.yaml');
    writeFileSync(config, `dataDir: ${join(dir, 'data')}\nstore: { id: bench, timezone: Asia/Shanghai, currency: CNY }\nlog: { level: warn }\n`);
    const r = reparse(config);
    const smallest = rows[0]?.peakRssMB ?? r.peakRssMB;
    rows.push({
      receipts: n, journalMB: +(bytes / 2 ** 20).toFixed(1), seconds: +r.seconds.toFixed(2), receiptsPerS: Math.round(n / r.seconds),
      peakRssMB: +r.peakRssMB.toFixed(1), rssVsSmallest: +(r.peakRssMB / smallest).toFixed(2), summary: r.summary,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const result = { bench: 'reparse', nodeFlags, rows, loadavg: loadavg().map((v) => +v.toFixed(1)) };
if (values.json) console.log(JSON.stringify(result));
else for (const r of rows) console.log(`${String(r.receipts).padStart(7)} receipts  ${r.journalMB} MB journal  ${r.seconds} s  ${r.receiptsPerS}/s  peak RSS ${r.peakRssMB} MB (${r.rssVsSmallest} x smallest)\n          ${r.summary}`);
