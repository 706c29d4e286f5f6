/**
 * Benchmark of the nightly insights computation (computeInsights) on a generated store:
 * 100,000 members and about 2 million member receipts (seeded, generated lazily so the input
 * never sits in memory), one basket per receipt.
 *
 *   npx tsx bench/insights.ts [--json] [--members N] [--receipts N] [--corpus DIR]
 *
 * Baseline, measured in the same run: one pass that generates the same input and only sums
 * spend per member in a Map (the unavoidable cost of reading the input). Figures: wall time of
 * each, their ratio, peak RSS (process high-water mark) and the fitted BG/NBD parameters next to
 * the ones the data were generated from (the generator *is* a BG/NBD process, so the fit should
 * recover them). With --corpus, also times the CDNOW fit and the Groceries rules.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mineRules } from '../src/insights/basket-rules.js';
import { fitBgNbd, groupCbs } from '../src/insights/bgnbd.js';
import type { Purchase } from '../src/insights/members.js';
import { computeInsights } from '../src/insights/report.js';
import { seededRandom } from '../src/demo/random.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    members: { type: 'string', default: '100000' },
    receipts: { type: 'string', default: '2000000' },
    corpus: { type: 'string' },
    seed: { type: 'string', default: '20261123' },
  },
});
const MEMBERS = Number(values.members);
const TARGET_RECEIPTS = Number(values.receipts);
const SEED = Number(values.seed);
const rng = seededRandom;
const WEEK = 7 * 86_400_000;
const NOW = new Date('2026-11-23T18:30:00Z'); // 02:30 Shanghai, when the nightly job runs
const YEARS = 2;


/** Marsaglia–Tsang gamma(shape, 1) sampler. */
function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * Math.pow(rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = rand() || 1e-12;
      const u2 = rand();
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

// The generating BG/NBD process (weeks) and Gamma-Gamma spend (fen), tuned for ~20 receipts/member.
const TRUE = { r: 0.9, alpha: 2.0, a: 0.8, b: 12 };
const SPEND = { p: 6, q: 4, gamma: 2500 };
const CATALOGUE = 2000;

/** Members one after another: each one's receipts and, with each, a basket. */
function* store(seed: number, receiptsPerMemberScale: number): Generator<{ purchase: Purchase; basket: string[] }> {
  const rand = rng(seed);
  const span = YEARS * 52;
  const names = Array.from({ length: CATALOGUE }, (_, i) => `sku${String(i).padStart(4, '0')}`);
  // Zipf-like popularity: item k with weight 1/(k+1); sampled through the cumulative table.
  const cum = new Float64Array(CATALOGUE);
  let acc = 0;
  for (let k = 0; k < CATALOGUE; k++) cum[k] = acc += 1 / (k + 1);
  const pick = (): string => {
    const u = rand() * acc;
    let lo = 0;
    let hi = CATALOGUE - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return names[lo] as string;
  };
  for (let m = 0; m < MEMBERS; m++) {
    const member = `88${String(10_000_000 + m)}`;
    const lambda = (gamma(rand, TRUE.r) / TRUE.alpha) * receiptsPerMemberScale;
    const pDrop = (() => {
      const x = gamma(rand, TRUE.a);
      return x / (x + gamma(rand, TRUE.b));
    })();
    const nu = gamma(rand, SPEND.q) / SPEND.gamma; // spend rate: mean spend p/ν
    let t = rand() * span; // first purchase, weeks since the start
    let first = true;
    for (;;) {
      const amount = Math.max(1, Math.round(gamma(rand, SPEND.p) / nu));
      const basket: string[] = [];
      const size = 1 + Math.floor(-Math.log(rand() || 1e-12) * 3);
      for (let i = 0; i < size; i++) basket.push(pick());
      if (rand() < 0.15) basket.push('豆浆', '油条'); // a planted pair
      yield { purchase: { member, time: new Date(NOW.getTime() - (span - t) * WEEK), amount }, basket };
      // BG/NBD: a member may drop out after any repeat purchase (not after the first).
      if (!first && rand() < pDrop) break;
      first = false;
      t += -Math.log(rand() || 1e-12) / Math.max(lambda, 1e-9);
      if (t >= span) break;
    }
  }
}

/** Splits one generator into the two streams computeInsights reads one after the other. */
function streams(seed: number, scale: number): { purchases: Iterable<Purchase>; baskets: Iterable<string[]> } {
  return {
    purchases: (function* () {
      for (const x of store(seed, scale)) yield x.purchase;
    })(),
    baskets: (function* () {
      for (const x of store(seed, scale)) yield x.basket;
    })(),
  };
}

const mb = (kib: number): number => Math.round(kib / 1024);

// Calibrate the rate scale on a 2 % sample of members so the full run lands near the target.
const t0 = performance.now();
const sampleMembers = Math.max(200, Math.round(MEMBERS * 0.02));
const fullMembers = MEMBERS;
let scale = 1;
{
  for (let i = 0; i < 6; i++) {
    let n = 0;
    const rand = rng(SEED + 1);
    // Cheap estimate: mean receipts per member for this scale from a sample run.
    for (let m = 0; m < sampleMembers; m++) {
      const lambda = (gamma(rand, TRUE.r) / TRUE.alpha) * scale;
      const x = gamma(rand, TRUE.a);
      const pDrop = x / (x + gamma(rand, TRUE.b));
      let t = rand() * YEARS * 52;
      let first = true;
      for (;;) {
        n++;
        if (!first && rand() < pDrop) break;
        first = false;
        t += -Math.log(rand() || 1e-12) / Math.max(lambda, 1e-9);
        if (t >= YEARS * 52) break;
      }
    }
    const perMember = n / sampleMembers;
    scale *= Math.pow(TARGET_RECEIPTS / fullMembers / perMember, 1.2);
  }
}
const calibrateMs = performance.now() - t0;

// Baseline: generate everything once, sum spend per member.
const b0 = performance.now();
const sums = new Map<string, number>();
let receipts = 0;
let basketItems = 0;
for (const x of store(SEED, scale)) {
  sums.set(x.purchase.member, (sums.get(x.purchase.member) ?? 0) + x.purchase.amount);
  receipts++;
  basketItems += x.basket.length;
}
const baselineMs = performance.now() - b0;
const baselineMembers = sums.size;
sums.clear();
const rssAfterBaseline = process.resourceUsage().maxRSS;

const cpu0 = process.cpuUsage();
const c0 = performance.now();
const { purchases, baskets } = streams(SEED, scale);
const report = computeInsights({ purchases, baskets, now: NOW, options: { timeZone: 'Asia/Shanghai', minSupport: 0.01, minConfidence: 0.2 } });
const computeMs = performance.now() - c0;
const cpu = process.cpuUsage(cpu0);
const computeCpuMs = (cpu.user + cpu.system) / 1000;
const peakRss = process.resourceUsage().maxRSS;

const result: Record<string, unknown> = {
  members: baselineMembers,
  receipts,
  basketItems,
  baselineMs: Math.round(baselineMs),
  computeMs: Math.round(computeMs),
  computeCpuMs: Math.round(computeCpuMs),
  ratioComputeToBaseline: Number((computeMs / baselineMs).toFixed(2)),
  peakRssMB: mb(peakRss),
  rssAfterBaselineMB: mb(rssAfterBaseline),
  calibrateMs: Math.round(calibrateMs),
  bgnbd: { status: report.bgnbd.status, fitted: report.bgnbd.params, generatedWith: { ...TRUE, r: TRUE.r, alpha: TRUE.alpha / scale } },
  gammaGamma: { status: report.gammaGamma.status, fitted: report.gammaGamma.params, generatedWith: SPEND },
  rules: { total: report.rules.totalRules, top: report.rules.top[0] ?? null },
  atRisk: report.atRisk.length,
  node: process.version,
};

if (values.corpus !== undefined) {
  const cdnow = join(values.corpus, 'cdnow', 'derived_cbs_sample_exact.csv');
  const groceries = join(values.corpus, 'groceries', 'groceries_lantz.csv');
  if (existsSync(cdnow)) {
    const rows = readFileSync(cdnow, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => {
      const c = l.split(',');
      return { x: Number(c[2]), tx: Number(c[3]), T: Number(c[4]) };
    });
    const s = performance.now();
    const fit = fitBgNbd(groupCbs(rows));
    result['cdnowFitMs'] = Math.round(performance.now() - s);
    result['cdnowLogLikelihood'] = fit.logLikelihood;
  }
  if (existsSync(groceries)) {
    const bs = readFileSync(groceries, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(',').map((x) => x.trim()));
    const s = performance.now();
    const m = mineRules(bs, { minSupport: 0.006, minConfidence: 0.25 });
    result['groceriesRulesMs'] = Math.round(performance.now() - s);
    result['groceriesRules'] = m.rules.length;
  }
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const f = (v: unknown): string => JSON.stringify(v);
  process.stdout.write(
    [
      `insights bench: ${baselineMembers} members, ${receipts} receipts, ${basketItems} basket items (seed ${SEED})`,
      `  baseline (generate + sum per member): ${result['baselineMs']} ms`,
      `  computeInsights (generate + everything): ${result['computeMs']} ms wall, ${result['computeCpuMs']} ms CPU  = ${result['ratioComputeToBaseline']} × baseline`,
      `  peak RSS ${result['peakRssMB']} MB (after baseline: ${result['rssAfterBaselineMB']} MB)`,
      `  BG/NBD ${report.bgnbd.status}: fitted ${f(report.bgnbd.params)}`,
      `         generated with r ${TRUE.r}, alpha ${(TRUE.alpha / scale).toFixed(4)}, a ${TRUE.a}, b ${TRUE.b}`,
      `  Gamma-Gamma ${report.gammaGamma.status}: fitted ${f(report.gammaGamma.params)}; generated with ${f(SPEND)}`,
      `  rules: ${report.rules.totalRules}; at risk: ${report.atRisk.length}`,
      ...(result['cdnowFitMs'] !== undefined ? [`  CDNOW BG/NBD fit: ${result['cdnowFitMs']} ms`] : []),
      ...(result['groceriesRulesMs'] !== undefined ? [`  Groceries rules: ${result['groceriesRulesMs']} ms (${result['groceriesRules']} rules)`] : []),
      '  (shared, loaded machine: timings are noisy)',
      '',
    ].join('\n'),
  );
}
