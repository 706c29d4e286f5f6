import { serialise, uart } from './bitstream.js';
import { byteStats, type ByteStats } from './plausibility.js';
import { sampleTraffic } from './sample.js';
import { CANDIDATE_BAUDS, framingLabel, settingLabel, type LineSetting } from './settings.js';

/**
 * What bytes alone say about the line they came over. The daemon's UART has already turned the
 * line into bytes at the configured setting: framing and parity errors are gone (Linux delivers
 * such characters as plain bytes, or as NUL), so only the bytes' statistics remain:
 *  - clean ESC/POS (valid commands, printable runs, ESC @ ... GS V) proves the rate and the data
 *    bits are right; it cannot tell 1 from 2 stop bits, nor see a parity bit the UART checks away;
 *  - every byte of one 8-bit parity, with bit 7 set on about half, is a 7-bit line with parity
 *    read as 8N1 (7E1 or 7O1);
 *  - garbage (NUL, 0xFF, 0x80/0xC0/0xE0/0xF0 ... runs, no valid commands) means a wrong rate; which
 *    one is a guess, by the byte histogram that till traffic at each other rate leaves when read at
 *    the configured one (simulated here with the bit-stream model).
 */
export interface ByteVerdict {
  verdict: 'clean' | 'seven-bit' | 'wrong-rate' | 'too-little';
  /** The setting the bytes point to (the configured one when clean). */
  proposed: LineSetting | null;
  stats: ByteStats;
  evidence: string[];
}

/** Bytes a verdict needs: two receipts' worth. */
export const VERDICT_MIN_BYTES = 128;
/** Plausibility at or above this is clean ESC/POS. */
export const CLEAN_SCORE = 0.75;

const pct = (n: number, of: number): string => `${Math.round((100 * n) / Math.max(1, of))} %`;

export function judgeBytes(bytes: Uint8Array, configured: LineSetting): ByteVerdict {
  const stats = byteStats(bytes);
  const evidence: string[] = [];
  const summary = `${stats.bytes} bytes at ${settingLabel(configured)}: ${pct(stats.printable, stats.bytes)} printable, ${pct(stats.high, stats.bytes)} high, ${pct(stats.nul + stats.ff, stats.bytes)} NUL/0xFF, ${stats.commands} valid and ${stats.badCommands} bad commands${stats.sawInit ? ', ESC @' : ''}${stats.sawCut ? ', GS V' : ''}; plausibility ${stats.score.toFixed(2)}`;
  evidence.push(summary);
  if (stats.bytes < VERDICT_MIN_BYTES) {
    evidence.push(`fewer than ${VERDICT_MIN_BYTES} bytes: print a few receipts and run again`);
    return { verdict: 'too-little', proposed: null, stats, evidence };
  }
  if (configured.dataBits === 8 && configured.parity === 'none' && stats.high >= stats.bytes * 0.1) {
    const even = stats.evenParity === stats.bytes;
    const odd = stats.evenParity === 0;
    if (even || odd) {
      const proposed: LineSetting = { ...configured, dataBits: 7, parity: even ? 'even' : 'odd', stopBits: 1 };
      evidence.push(`every byte has ${even ? 'even' : 'odd'} parity over 8 bits and ${pct(stats.high, stats.bytes)} have bit 7 set: a 7-bit line with ${even ? 'even' : 'odd'} parity read as 8N1 (${framingLabel(proposed)})`);
      return { verdict: 'seven-bit', proposed, stats, evidence };
    }
  }
  if (stats.score >= CLEAN_SCORE) {
    evidence.push(`clean ESC/POS at ${settingLabel(configured)}: the rate and data bits are right (bytes alone cannot tell 1 from 2 stop bits, or see a parity bit)`);
    return { verdict: 'clean', proposed: configured, stats, evidence };
  }
  const guess = guessRate(bytes, configured);
  evidence.push(`not ESC/POS at ${configured.baudRate} baud: the rate is wrong; closest match to till traffic read at ${configured.baudRate}: ${guess.baudRate} baud (a guess: set it and run again)`);
  evidence.push(`${pct(stats.stretched, stats.bytes)} of bytes are one low run then high (0x00 0x80 0xC0 ... 0xFE): ${stats.stretched > stats.bytes * 0.35 ? 'the box samples faster than the till sends' : 'no sign that the box samples faster than the till sends'}`);
  return { verdict: 'wrong-rate', proposed: { ...configured, baudRate: guess.baudRate }, stats, evidence };
}

function histogram(bytes: Uint8Array): Float64Array {
  const h = new Float64Array(256);
  for (const b of bytes) h[b] = (h[b] ?? 0) + 1;
  for (let i = 0; i < 256; i++) h[i] = (h[i] ?? 0) / Math.max(1, bytes.length);
  return h;
}

/** The other rate whose traffic, read at the configured rate, leaves the byte histogram closest to the observed one. */
function guessRate(bytes: Uint8Array, configured: LineSetting): { baudRate: number; distance: number } {
  const seen = histogram(bytes.subarray(0, 8192));
  const reference = sampleTraffic(7, 4096, { columns: 42, text: 'ascii' });
  let best = { baudRate: configured.baudRate, distance: Infinity };
  for (const baudRate of CANDIDATE_BAUDS) {
    if (baudRate === configured.baudRate) continue;
    const got = uart(serialise(reference, { ...configured, baudRate }), configured).bytes;
    const h = histogram(got);
    let d = 0;
    for (let i = 0; i < 256; i++) d += Math.abs((h[i] ?? 0) - (seen[i] ?? 0));
    if (d < best.distance) best = { baudRate, distance: d };
  }
  return best;
}
