/**
 * Receipts per second for decode + parse on one core (target ≥ 2,000/s). Inputs: every corpus
 * receipt (SROIE + WildReceipt `lines_monospace`) rendered to ESC/POS by our encoder, plus 200
 * demo-till receipts (Chinese, GB18030), encoded once before timing. Reported in the same run:
 * decode only (the baseline), parse only (heuristics, no profile), decode + parse with no profile,
 * and decode + parse with the shipped profiles (auto-detect), with ratios against decode only.
 * Usage: npx tsx bench/parse.ts [--json] [--corpus DIR] [--seconds N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoReceipts } from '../src/demo/receipts.js';
import { decodeAll } from '../src/escpos/decoder.js';
import { encodeReceiptText } from '../src/escpos/encoder.js';
import type { DecodedDocument } from '../src/escpos/types.js';
import { loadProfiles, parseReceipt, shippedProfilesDir, type Profile } from '../src/receipt/index.js';
import { readCorpus } from './parse-eval.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, corpus: { type: 'string' }, seconds: { type: 'string' } } });
const dir = values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const seconds = Number(values.seconds ?? 3);

const inputs: Buffer[] = readCorpus(dir).map((r) => encodeReceiptText(r.lines_monospace, { encoding: 'gb18030' }));
let t = Date.UTC(2026, 10, 23, 1);
let n = 0;
for (const d of demoReceipts(3, () => new Date((t += 90_000)))) {
  if (n++ >= 200) break;
  inputs.push(encodeReceiptText(d.lines));
}
const bytes = inputs.reduce((s, b) => s + b.length, 0);
const profiles = loadProfiles([shippedProfilesDir()]);
const decodeOpts = { encoding: 'gb18030' as const, columns: 96 };
const docs: DecodedDocument[] = inputs.map((b) => decodeAll(b, decodeOpts)[0]).filter((d): d is DecodedDocument => d !== undefined);
const parseOpts = (p: Profile[]) => ({ profiles: p, currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'DMY' as const });

/**
 * Runs passes over all inputs until `seconds` of wall time have gone by, after warm-up passes
 * (JIT, regex compilation). Returns receipts per CPU second of this process (user + system):
 * on a shared, loaded machine wall time mostly measures the other tenants; wall rate is kept too.
 */
function measure(pass: () => void): { cpu: number; wall: number } {
  for (let i = 0; i < 3; i++) pass();
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let receipts = 0;
  let elapsed = 0;
  while (elapsed < seconds) {
    pass();
    receipts += inputs.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpu: receipts / ((cpu.user + cpu.system) / 1e6), wall: receipts / elapsed };
}

let sink = 0;
const decodeOnly = measure(() => {
  for (const b of inputs) sink += decodeAll(b, decodeOpts).length;
});
const parseOnly = measure(() => {
  for (const d of docs) sink += parseReceipt(d, parseOpts([])).receipt.items.length;
});
const both = measure(() => {
  for (const b of inputs) for (const d of decodeAll(b, decodeOpts)) sink += parseReceipt(d, parseOpts([])).receipt.items.length;
});
const withProfiles = measure(() => {
  for (const b of inputs) for (const d of decodeAll(b, decodeOpts)) sink += parseReceipt(d, parseOpts(profiles)).receipt.items.length;
});

const result = {
  receipts: inputs.length,
  avgBytes: Math.round(bytes / inputs.length),
  decodePerSec: Math.round(decodeOnly.cpu),
  parsePerSec: Math.round(parseOnly.cpu),
  decodeParsePerSec: Math.round(both.cpu),
  decodeParseProfilesPerSec: Math.round(withProfiles.cpu),
  decodeParseWallPerSec: Math.round(both.wall),
  ratioDecodeParseVsDecode: Math.round((both.cpu / decodeOnly.cpu) * 1000) / 1000,
  ratioProfilesVsNoProfile: Math.round((withProfiles.cpu / both.cpu) * 1000) / 1000,
  node: process.version,
  checksum: sink % 1000,
};
if (values.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  console.log(`${result.receipts} receipts (avg ${result.avgBytes} bytes), one core, ${seconds} s per figure, node ${result.node}; receipts per CPU second`);
  console.log(`  decode only            ${String(result.decodePerSec).padStart(8)} receipts/s  (baseline)`);
  console.log(`  parse only             ${String(result.parsePerSec).padStart(8)} receipts/s`);
  console.log(`  decode + parse         ${String(result.decodeParsePerSec).padStart(8)} receipts/s  (${result.ratioDecodeParseVsDecode} × decode only)`);
  console.log(`  decode + parse, auto   ${String(result.decodeParseProfilesPerSec).padStart(8)} receipts/s  (${result.ratioProfilesVsNoProfile} × no profile; 5 shipped profiles)`);
  console.log(`  decode + parse, wall   ${String(result.decodeParseWallPerSec).padStart(8)} receipts/s  (wall clock, includes waiting for other tenants)`);
  console.log('  (shared machine: figures are noisy; compare the ratios)');
}
