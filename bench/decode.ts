/**
 * ESC/POS decoder throughput: the corpus captures and a synthetic 10 MB stream of receipts,
 * against the 115200-baud line rate (11.52 kB/s) and against a baseline measured in the same run
 * (iconv-lite decoding the same bytes as GB18030 in one call: no commands, no layout).
 *
 *   npx tsx bench/decode.ts [--json] [--corpus DIR] [--mb N]
 *
 * Figures are CPU time of this process (user + system), so other load on the machine inflates
 * them less than wall time would; wall-clock MB/s is printed too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { decodeAll, StreamDecoder } from '../src/escpos/decoder.js';
import { EscPosBuilder } from '../src/escpos/encoder.js';
import type { DecoderOptions } from '../src/escpos/types.js';

const LINE_RATE = 115_200 / 10; // bytes per second on 8N1

const { values } = parseArgs({ options: { json: { type: 'boolean' }, corpus: { type: 'string' }, mb: { type: 'string' } } });
const corpusDir = resolve(values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus'));
const targetBytes = Math.round(Number(values.mb ?? 10) * 1024 * 1024);

/** A stream of realistic receipts: GB18030 items with tabs and positions, a logo, a QR, a cut. */
function syntheticStream(size: number, fsAmp = true): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  const names = ['光明酸奶', '农夫山泉 550ml', '康师傅红烧牛肉面', 'Coca-Cola 330ml', '金龙鱼大米 5kg', '伊利纯牛奶', '鸡蛋 10枚', 'Bananas 1.2kg'];
  for (let n = 0; total < size; n++) {
    const b = new EscPosBuilder('gb18030').init();
    if (fsAmp) b.raw([0x1c, 0x26]);
    b.align('center');
    if (n % 4 === 0) b.rasterImage(384, 48); // a logo on every fourth receipt
    b.size(2, 2).bold(true).line('联华超市 第 018 号店').size(1, 1).bold(false).align('left');
    b.line(`收银台: 03   单号: ${String(100000 + n)}`).line(`时间: 2026-11-23 10:${String(n % 60).padStart(2, '0')}:00`).line('-'.repeat(48));
    b.tabStops([26, 34]);
    const items = 5 + (n % 15);
    let sum = 0;
    for (let i = 0; i < items; i++) {
      const price = 150 + ((n * 37 + i * 101) % 4000);
      sum += price;
      b.text(names[(n + i) % names.length] as string).tab().text(`${1 + (i % 3)}`).tab().text((price / 100).toFixed(2)).newline();
      if (i % 5 === 4) b.text('  会员折扣').absolutePosition(408).line('-0.50');
    }
    b.line('-'.repeat(48)).bold(true).text('合计').absolutePosition(408).line((sum / 100).toFixed(2)).bold(false);
    b.line('会员: 138****5678  积分 +12').qr(`https://t.example/r/${n}`).feed(3).cut({ partial: true, feed: 3 }).drawerKick();
    const buf = b.toBuffer();
    parts.push(buf);
    total += buf.length;
  }
  return Buffer.concat(parts);
}

interface Figure {
  name: string;
  bytes: number;
  documents: number;
  mbPerSecCpu: number;
  mbPerSecWall: number;
  baselineMbPerSecCpu: number;
  ratioToBaseline: number;
  timesLineRate: number;
}

function cpuSeconds(fn: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - w0) / 1000 };
}

/** Repeat until at least `minSeconds` of CPU, report bytes per CPU second (best of 3 rounds). */
function rate(bytes: number, fn: () => void, minSeconds = 0.6): { cpu: number; wall: number } {
  fn(); // warm up
  let best = { cpu: 0, wall: 0 };
  for (let round = 0; round < 3; round++) {
    let reps = 0;
    let cpu = 0;
    let wall = 0;
    while (cpu < minSeconds) {
      const t = cpuSeconds(fn);
      cpu += t.cpu;
      wall += t.wall;
      reps++;
    }
    const r = { cpu: (bytes * reps) / cpu / 1e6, wall: (bytes * reps) / wall / 1e6 };
    if (r.cpu > best.cpu) best = r;
  }
  return best;
}

/** Detection off: every text setting fixed (the pre-issue-11 defaults, or double-byte for a till without FS &). */
const FIXED: DecoderOptions = { encoding: 'gb18030', startInDoubleByte: false, codePage: 0 };

function measure(name: string, input: Buffer, streamed = false, opts: DecoderOptions = {}): Figure {
  let documents = 0;
  const run = streamed
    ? () => {
        const d = new StreamDecoder(opts);
        let n = 0;
        for (let i = 0; i < input.length; i += 4096) n += d.push(input.subarray(i, i + 4096)).length;
        documents = n + d.end().length;
      }
    : () => {
        documents = decodeAll(input, opts).length;
      };
  const r = rate(input.length, run);
  const base = rate(input.length, () => iconv.decode(input, 'gb18030'));
  return {
    name,
    bytes: input.length,
    documents,
    mbPerSecCpu: round(r.cpu),
    mbPerSecWall: round(r.wall),
    baselineMbPerSecCpu: round(base.cpu),
    ratioToBaseline: round(r.cpu / base.cpu),
    timesLineRate: Math.round((r.cpu * 1e6) / LINE_RATE),
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

const figures: Figure[] = [];
const escposDir = join(corpusDir, 'escpos');
if (existsSync(escposDir)) {
  const files = readdirSync(escposDir).filter((f) => f.endsWith('.bin')).sort();
  figures.push(measure(`corpus escpos/ (${files.length} captures concatenated)`, Buffer.concat(files.map((f) => readFileSync(join(escposDir, f))))));
} else {
  process.stderr.write(`corpus not found at ${escposDir}: corpus figure skipped\n`);
}
const synthetic = syntheticStream(targetBytes);
figures.push(measure(`synthetic ${(synthetic.length / 1048576).toFixed(1)} MB receipt stream`, synthetic));
figures.push(measure('synthetic, streamed in 4 KiB chunks', synthetic, true));
// Issue 11: the same streams with detection off (all text settings fixed) and on (the default), in this run.
const off = measure('synthetic with FS &, detection off', synthetic, true, FIXED);
const implicit = syntheticStream(targetBytes, false);
const offImplicit = measure('synthetic without FS &, detection off (startInDoubleByte: true)', implicit, true, { ...FIXED, startInDoubleByte: true });
const onImplicit = measure('synthetic without FS &, detection on', implicit, true);
figures.push(off, offImplicit, onImplicit);
const on = figures[figures.length - 4] as Figure;
const detection = {
  withFsAmp: { onMbPerSecCpu: on.mbPerSecCpu, offMbPerSecCpu: off.mbPerSecCpu, ratio: round(on.mbPerSecCpu / off.mbPerSecCpu) },
  withoutFsAmp: { onMbPerSecCpu: onImplicit.mbPerSecCpu, offMbPerSecCpu: offImplicit.mbPerSecCpu, ratio: round(onImplicit.mbPerSecCpu / offImplicit.mbPerSecCpu) },
};

if (values.json === true) {
  process.stdout.write(`${JSON.stringify({ bench: 'decode', lineRateBytesPerSec: LINE_RATE, targetMbPerSec: 20, figures, detection })}\n`);
} else {
  process.stdout.write(`ESC/POS decode throughput (CPU time; 115200 baud = ${LINE_RATE / 1000} kB/s; target 20 MB/s)\n`);
  for (const f of figures) {
    process.stdout.write(
      `  ${f.name}: ${f.bytes} bytes, ${f.documents} documents\n` +
        `    ${f.mbPerSecCpu} MB/s CPU (${f.mbPerSecWall} MB/s wall) = ${f.timesLineRate.toLocaleString('en')} × line rate; ` +
        `baseline iconv gb18030 ${f.baselineMbPerSecCpu} MB/s, ratio ${f.ratioToBaseline}\n`,
    );
  }
  process.stdout.write(`  detection on/off (streamed): with FS & ${detection.withFsAmp.ratio}, without FS & ${detection.withoutFsAmp.ratio}\n`);
}
