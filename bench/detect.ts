/**
 * Line-settings detection (issue 11 item 4): generated till receipts x line settings, each sent
 * through the bit-stream model (bytes -> line levels sampled at 1.8432 MHz, with the sender's
 * clock 1-1.5 % off) and read back by the strict UART model at every candidate setting.
 *
 *   bit stream: baud/framing detected from a prefix of the traffic, the capture starting in the
 *               middle of a character; accuracy per cell at 2 KB and
 *               the bytes needed (the shortest prefix from which every longer one is right too);
 *   bytes only: what the daemon sees (bytes from a UART at the configured setting, 9600 8N1 here):
 *               the verdict on them and the guessed rate.
 *
 *   npx tsx bench/detect.ts [--json] [--quick] [--all-framings]
 *
 * The encoding / double-byte part of the detection bench is bench/detect-text.ts (written with
 * src/escpos/detect.ts); this file only says whether it is there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cropSignal, serialise, uart } from '../src/linedetect/bitstream.js';
import { judgeBytes } from '../src/linedetect/detect-bytes.js';
import { detectLine } from '../src/linedetect/detect-line.js';
import { sampleTraffic, type SampleReceiptOptions } from '../src/linedetect/sample.js';
import { CANDIDATE_BAUDS, CANDIDATE_FRAMINGS, framingLabel, parseFraming, settingLabel, type LineSetting } from '../src/linedetect/settings.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, 'all-framings': { type: 'boolean' } } });
const PREFIXES = [32, 64, 128, 256, 512, 1024, 2048];
const TRAFFIC = 2048;
const framings = values['all-framings'] === true ? CANDIDATE_FRAMINGS : (['7E1', '8N1', '8N2'].map(parseFraming) as Omit<LineSetting, 'baudRate'>[]);

/** Receipt shapes per cell: paper widths, text kinds (7-bit lines carry ASCII only), item counts. */
function shapes(s: LineSetting): Omit<SampleReceiptOptions, 'items'>[] {
  const texts: SampleReceiptOptions['text'][] = s.dataBits === 7 ? ['ascii'] : ['ascii', 'gbk', 'cp858'];
  const all = [32, 42, 48].flatMap((columns) => texts.map((text) => ({ columns, text })));
  return values.quick === true ? all.slice(0, 2) : all;
}

interface Cell {
  setting: string;
  samples: number;
  rightAt2k: number;
  /** Per sample: bytes needed, or null when even 2 KB was not enough. */
  needed: (number | null)[];
  msPerDetection: number;
}

const cells: Cell[] = [];
let seed = 1;
for (const baudRate of CANDIDATE_BAUDS) {
  for (const f of framings) {
    const truth: LineSetting = { baudRate, ...f };
    const cell: Cell = { setting: settingLabel(truth), samples: 0, rightAt2k: 0, needed: [], msPerDetection: 0 };
    let ms = 0;
    let runs = 0;
    for (const shape of shapes(truth)) {
      const traffic = sampleTraffic(seed++, TRAFFIC, shape).subarray(0, TRAFFIC);
      const clockError = [0.01, -0.015, 0][seed % 3] ?? 0;
      const right = PREFIXES.map((n) => {
        const t0 = performance.now();
        // The capture starts part-way into a character (a third of the way into the first bytes).
        const sig = serialise(traffic.subarray(0, n), truth, { clockError });
        const d = detectLine(cropSignal(sig, (sig.edges[3] ?? 0) + 1));
        ms += performance.now() - t0;
        runs++;
        return d.best !== null && d.best.label === cell.setting;
      });
      cell.samples++;
      if (right[right.length - 1] === true) cell.rightAt2k++;
      let from: number | null = null;
      for (let i = right.length - 1; i >= 0 && right[i] === true; i--) from = PREFIXES[i] ?? null;
      cell.needed.push(from);
    }
    cell.msPerDetection = ms / Math.max(1, runs);
    cells.push(cell);
  }
}

/** Bytes only: traffic at each rate read by a UART at 9600 8N1, judged as the daemon would. */
const configured: LineSetting = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
const bytesOnly = [...CANDIDATE_BAUDS.map((baudRate) => ({ baudRate, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const })), { ...configured, dataBits: 7 as const, parity: 'even' as const }, { ...configured, dataBits: 7 as const, parity: 'odd' as const }].map((truth) => {
  let right = 0;
  const verdicts: string[] = [];
  const n = values.quick === true ? 2 : 6;
  for (let i = 0; i < n; i++) {
    const traffic = sampleTraffic(500 + i, 4096, { columns: [32, 42, 48][i % 3] ?? 48, text: truth.dataBits === 7 ? 'ascii' : i % 2 === 0 ? 'ascii' : 'gbk' });
    const got = uart(serialise(traffic, truth, { clockError: 0.01 }), configured).bytes;
    const v = judgeBytes(got, configured);
    verdicts.push(v.verdict);
    if (v.proposed !== null && settingLabel(v.proposed) === settingLabel(truth)) right++;
  }
  return { truth: settingLabel(truth), samples: n, right, verdicts: [...new Set(verdicts)] };
});

const allSamples = cells.reduce((s, c) => s + c.samples, 0);
const allRight = cells.reduce((s, c) => s + c.rightAt2k, 0);
const neededAll = cells.flatMap((c) => c.needed);
const worstNeeded = neededAll.some((n) => n === null) ? null : Math.max(...(neededAll as number[]));
const textBench = existsSync(join(import.meta.dirname, 'detect-text.ts'));

if (values.json === true) {
  process.stdout.write(`${JSON.stringify({ trafficBytes: TRAFFIC, prefixes: PREFIXES, framings: framings.map(framingLabel), cells, accuracyAt2k: allRight / allSamples, worstBytesNeeded: worstNeeded, bytesOnly: { configured: settingLabel(configured), rows: bytesOnly }, textBench: textBench ? 'bench/detect-text.ts' : null })}\n`);
} else {
  console.log(`line settings from re-sampled bit streams: ${cells.length} cells, ${allSamples} traffic samples of ${TRAFFIC} bytes (receipts 32/42/48 columns, ASCII${framings.some((f) => f.dataBits === 8) ? ' / GBK / CP858 on 8-bit lines' : ''}, 1-40 items)`);
  console.log('setting        right at 2 KB   bytes needed (max / median)   ms per detection');
  for (const c of cells) {
    const ok = c.needed.filter((n): n is number => n !== null).sort((a, b) => a - b);
    const max = c.needed.some((n) => n === null) ? '>2048' : String(Math.max(...ok));
    console.log(`${c.setting.padEnd(14)} ${`${c.rightAt2k}/${c.samples}`.padStart(8)} ${`${((100 * c.rightAt2k) / c.samples).toFixed(0)} %`.padStart(6)}   ${max.padStart(8)} / ${String(ok[Math.floor(ok.length / 2)] ?? '-').padStart(5)}              ${c.msPerDetection.toFixed(1).padStart(6)}`);
  }
  console.log(`\nall: ${allRight}/${allSamples} right at 2 KB (${((100 * allRight) / allSamples).toFixed(1)} %); every sample right from ${worstNeeded === null ? 'more than 2048' : worstNeeded} bytes on`);
  console.log(`\nbytes only (what the daemon sees: a UART at ${settingLabel(configured)}), ${bytesOnly[0]?.samples ?? 0} samples of 4 KB each:`);
  console.log('till sends      proposed right   verdicts');
  for (const r of bytesOnly) console.log(`${r.truth.padEnd(14)} ${`${r.right}/${r.samples}`.padStart(8)}         ${r.verdicts.join(', ')}`);
  console.log(`\nencoding and double-byte detection: ${textBench ? 'npx tsx bench/detect-text.ts' : 'bench/detect-text.ts is not on this branch (written with src/escpos/detect.ts)'}`);
  console.log('(ms figures measured under shared load: compare them within this run only)');
}
