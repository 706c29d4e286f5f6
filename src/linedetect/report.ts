import { decodeAll } from '../escpos/decoder.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';
import type { DateOrder } from '../receipt/text/dates.js';
import { dateOrderHint, dateOrderVotes, orderFromVotes } from '../receipt/text/date-order.js';
import { judgeBytes, type ByteVerdict } from './detect-bytes.js';
import { guessPaper, type PaperGuess } from './paper.js';
import { classifySide, type LineSide } from './plausibility.js';
import { settingLabel, type LineSetting } from './settings.js';
import { configuredReading, type TextDetection, type TextDetector } from './text-mode.js';

/** What `doctor --detect` saw: bytes from one side or both, at the configured setting. */
export interface DetectInput {
  source: 'journal' | 'listen';
  configured: LineSetting;
  /** POS -> printer bytes. */
  pos: Uint8Array;
  /** Printer -> POS bytes (status replies). */
  printer: Uint8Array;
  decoder: DecoderOptions;
  /** The text detector (src/escpos/detect.ts once merged); absent: the configured reading. */
  detectText?: TextDetector;
  /** The order the daemon has learned for this till (till-date-orders.json), if any. */
  learnedDateOrder?: DateOrder | null;
}

export interface DetectReport {
  line: ByteVerdict;
  text: TextDetection;
  paper: PaperGuess;
  dateOrder: { order: DateOrder | null; evidence: string[] };
  sides: { pos: { side: LineSide; why: string }; printer: { side: LineSide; why: string }; swapped: boolean };
  documents: number;
  yaml: string;
}

/** Decode this wide for the paper guess, so the decoder's wrapping does not cut the longest line. */
const DETECT_COLUMNS = 96;

export function detectReport(input: DetectInput): DetectReport {
  const line = judgeBytes(input.pos, input.configured);
  const docs: DecodedDocument[] = input.pos.length === 0 ? [] : decodeAll(Buffer.from(input.pos), { ...input.decoder, columns: DETECT_COLUMNS }).filter((d) => d.lines.some((l) => l.text.trim() !== ''));
  const stats = line.stats;
  // Hook for h5's detector: pass `detectText` (src/escpos/detect.ts) in DetectInput.
  const text = input.detectText !== undefined ? input.detectText(input.pos, null) : configuredReading(input.decoder, docs, stats.doubleByteOn, stats.codePages);
  const paper = guessPaper(docs.map(alignedTrim), stats.printWidths, input.decoder.columns ?? 48);
  const dateOrder = detectDateOrder(docs, input.learnedDateOrder ?? null);
  const pos = classifySide(input.pos);
  const printer = classifySide(input.printer);
  const swapped = pos.side === 'printer' && printer.side === 'pos';
  const report = { line, text, paper, dateOrder, sides: { pos, printer, swapped }, documents: docs.length };
  return { ...report, yaml: proposedYaml(report, input) };
}

/** Lines as the till laid them out: centred and right-aligned lines without the decoder's padding. */
function alignedTrim(d: DecodedDocument): DecodedDocument {
  return { ...d, lines: d.lines.map((l) => ({ ...l, text: l.align === 'left' ? l.text.trimEnd() : l.text.trim() })) };
}

function detectDateOrder(docs: readonly DecodedDocument[], learned: DateOrder | null): DetectReport['dateOrder'] {
  const votes = { DMY: 0, MDY: 0, YMD: 0 };
  const evidence: string[] = [];
  for (const d of docs) {
    const v = dateOrderVotes(d.lines.map((l) => l.text));
    for (const k of ['DMY', 'MDY', 'YMD'] as const) if (v.votes[k] > 0) votes[k]++;
    if (evidence.length < 2) evidence.push(...v.evidence.slice(0, 2 - evidence.length));
  }
  const seen = orderFromVotes(votes);
  if (seen !== null) return { order: seen, evidence: [`${votes.DMY} receipts day-first, ${votes.MDY} month-first, ${votes.YMD} year-first`, ...evidence] };
  if (learned !== null) return { order: learned, evidence: ['learned by the running daemon (till-date-orders.json)'] };
  const hints = docs.map((d) => dateOrderHint(d.lines.map((l) => l.text))).filter((h) => h !== null);
  const first = hints[0];
  if (first !== undefined) return { order: first.order, evidence: [`no unambiguous date yet; the receipts say: ${first.evidence.join(', ')}`] };
  return { order: null, evidence: ['no unambiguous date (a day over 12) yet: leave parser.dateOrder at auto, it learns'] };
}

type Parts = Omit<DetectReport, 'yaml'>;

function proposedYaml(r: Parts, input: DetectInput): string {
  const s = r.line.proposed ?? input.configured;
  const sure = r.line.verdict === 'clean' || r.line.verdict === 'seven-bit';
  const out = ['# tillbox doctor --detect: paste into tillbox.yaml (and check each line against its evidence)', 'pos:'];
  const note = sure ? `# ${r.line.verdict === 'clean' ? 'confirmed by clean ESC/POS' : 'parity found in bit 7'}` : r.line.verdict === 'wrong-rate' ? '# a guess from garbage bytes: set it and run again' : '# not enough traffic to tell';
  out.push(`  baudRate: ${s.baudRate}   ${note}`, `  dataBits: ${s.dataBits}`, `  parity: ${s.parity}`, `  stopBits: ${s.stopBits}   # bytes alone cannot tell 1 from 2; 2 is safe for a printer set to 1`);
  out.push('printer:   # a printer is usually set like the POS side', `  baudRate: ${s.baudRate}`, `  dataBits: ${s.dataBits}`, `  parity: ${s.parity}`, `  stopBits: ${s.stopBits}`);
  out.push('decoder:');
  if (r.paper.columns !== null) out.push(`  columns: ${r.paper.columns}   # ${r.paper.paper ?? '?'} paper`);
  if (r.text.confidence !== null) {
    out.push(`  startInDoubleByte: ${r.text.mode === 'double-byte'}`, `  encoding: ${r.text.encoding}`, `  codePage: ${r.text.codePage}`);
  } else out.push(`  # mode and encoding: as configured (${r.text.mode}, ${r.text.encoding}, code page ${r.text.codePage}); no detector on this build`);
  out.push('parser:', r.dateOrder.order === null ? '  dateOrder: auto   # nothing to go on yet' : `  dateOrder: ${r.dateOrder.order}   # or leave auto: it learns the same`);
  return `${out.join('\n')}\n`;
}

/** The report as the checklist-style text `doctor --detect` prints. */
export function formatReport(r: DetectReport, input: DetectInput, extra: string[]): string {
  const s = r.line.proposed ?? input.configured;
  const block = (title: string, value: string, evidence: readonly string[]): string => `${title}: ${value}\n${evidence.map((e) => `    - ${e}`).join('\n')}\n`;
  const parts = [
    `tillbox doctor --detect (${input.source === 'journal' ? 'read from the journal of the running daemon' : 'listened on the POS port, read-only'}): ${input.pos.length} bytes from the POS, ${input.printer.length} from the printer, ${r.documents} documents\n`,
    block('line', `${settingLabel(s)} (${r.line.verdict})`, r.line.evidence),
    block('printer text', `${r.text.mode}, ${r.text.encoding}, code page ${r.text.codePage}${r.text.confidence === null ? ' (as configured)' : ` (confidence ${r.text.confidence.toFixed(2)})`}`, r.text.evidence),
    block('paper', r.paper.columns === null ? 'unknown' : `${r.paper.columns} columns, ${r.paper.paper ?? '?'}`, r.paper.evidence),
    block('date order', r.dateOrder.order ?? 'unknown', r.dateOrder.evidence),
    block('sides', r.sides.swapped ? 'SWAPPED: swap pos.path and printer.path' : `pos port ${r.sides.pos.side}, printer port ${r.sides.printer.side}`, [`pos port ${r.sides.pos.why}`, `printer port ${r.sides.printer.why}`, ...extra]),
    r.yaml,
  ];
  return parts.join('\n');
}
