import { uart, type LineSignal } from './bitstream.js';
import { byteStats, type ByteStats } from './plausibility.js';
import { CANDIDATES, settingLabel, type LineSetting } from './settings.js';

/**
 * Framing plus parity errors a reading may have and still count as clean: two (a capture that
 * starts in the middle of a character misreads a frame or two before it is in step) plus this
 * share of the characters (line noise).
 */
export const CLEAN_ERROR_RATE = 0.005;
const CLEAN_ERRORS_FIXED = 2;
/** Plausibility scores this close are a tie (the same bytes read two ways). */
const PLAUSIBILITY_TIE = 0.02;
/** Characters a reading needs before it can be called right. */
export const MIN_FRAMES = 32;

export interface CandidateScore {
  setting: LineSetting;
  label: string;
  frames: number;
  framingErrors: number;
  parityErrors: number;
  errorRate: number;
  stats: ByteStats;
}

export interface LineDetection {
  best: CandidateScore | null;
  confidence: 'sure' | 'likely' | 'unsure';
  /** Every candidate, best first. */
  ranked: CandidateScore[];
  evidence: string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 0)} %`;

function describe(c: CandidateScore): string {
  const s = c.stats;
  const marks = [s.sawInit ? 'ESC @' : '', s.sawCut ? 'GS V' : ''].filter((x) => x !== '').join(' and ');
  return `${c.label}: ${c.frames} characters, ${c.framingErrors} framing and ${c.parityErrors} parity errors (${pct(c.errorRate)}), ${pct(s.printable / Math.max(1, s.bytes))} printable, ${s.commands} valid commands${marks === '' ? '' : `, ${marks} seen`}, plausibility ${s.score.toFixed(2)}`;
}

/**
 * Reads a recorded line at every candidate setting and picks the one a till is using: the
 * reading with no framing or parity errors whose bytes look most like ESC/POS. Two clean
 * readings of the same bytes (8N1 and 8N2 when the sender leaves gaps) go to the one with more
 * stop bits: a receiver set to 2 stop bits that sees no errors proves the sender sends 2, and a
 * printer at 1 stop bit accepts 2 anyway. Pure.
 */
export function detectLine(sig: LineSignal, candidates: readonly LineSetting[] = CANDIDATES): LineDetection {
  const scored: CandidateScore[] = candidates.map((setting) => {
    const r = uart(sig, setting);
    return { setting, label: settingLabel(setting), frames: r.frames, framingErrors: r.framingErrors, parityErrors: r.parityErrors, errorRate: r.frames === 0 ? 1 : (r.framingErrors + r.parityErrors) / r.frames, stats: byteStats(r.bytes) };
  });
  const clean = scored.filter((c) => c.framingErrors + c.parityErrors <= CLEAN_ERRORS_FIXED + CLEAN_ERROR_RATE * c.frames && c.frames >= MIN_FRAMES);
  const top = Math.max(0, ...clean.map((c) => c.stats.score));
  const rank = (a: CandidateScore, b: CandidateScore): number => {
    const ac = clean.includes(a);
    const bc = clean.includes(b);
    if (ac !== bc) return ac ? -1 : 1;
    if (!ac) return a.errorRate - b.errorRate || b.stats.score - a.stats.score;
    const at = a.stats.score >= top - PLAUSIBILITY_TIE;
    const bt = b.stats.score >= top - PLAUSIBILITY_TIE;
    if (at !== bt) return at ? -1 : 1;
    if (!at) return b.stats.score - a.stats.score;
    return b.setting.stopBits - a.setting.stopBits || a.errorRate - b.errorRate || b.setting.dataBits - a.setting.dataBits;
  };
  const ranked = [...scored].sort(rank);
  const best = clean.length === 0 ? null : (ranked[0] ?? null);
  const evidence: string[] = [];
  if (best === null) {
    evidence.push(`no candidate setting reads the line without framing or parity errors (best: ${ranked[0] === undefined ? 'none' : describe(ranked[0])})`);
    return { best: null, confidence: 'unsure', ranked, evidence };
  }
  evidence.push(describe(best));
  const otherRates = ranked.filter((c) => c.setting.baudRate !== best.setting.baudRate);
  const nearest = otherRates[0];
  if (nearest !== undefined) evidence.push(`best other rate ${describe(nearest)}`);
  const sameRate = ranked.filter((c) => c !== best && c.setting.baudRate === best.setting.baudRate).slice(0, 2);
  for (const c of sameRate) evidence.push(`same rate, other framing ${describe(c)}`);
  const wrongRatesClean = otherRates.filter((c) => clean.includes(c)).length;
  const confidence = wrongRatesClean === 0 && best.stats.score >= 0.6 ? 'sure' : best.stats.score >= 0.4 ? 'likely' : 'unsure';
  return { best, confidence, ranked, evidence };
}
