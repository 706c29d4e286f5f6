import type { LineSetting } from './settings.js';

/**
 * A serial line's levels over time, sampled at a fixed rate and stored run-length encoded: the
 * sample indices where the level toggles. The line idles at mark (1) before the first edge, so
 * even-indexed edges fall (1 -> 0) and odd-indexed ones rise. This is what a logic analyser on
 * the POS TX wire records; a pty cannot carry it, so line detection is written against it.
 */
export interface LineSignal {
  sampleRate: number;
  /** Samples recorded. */
  length: number;
  edges: Int32Array;
}

/** 16 samples per bit at 115200 baud, as a UART's 16x oversampling clock. */
export const SAMPLE_RATE = 1_843_200;

export interface SerialiseOptions {
  sampleRate?: number;
  /** The sender's clock error as a fraction (0.01: 1 % fast). UARTs tolerate about 2 %. */
  clockError?: number;
  /** Characters sent back to back before an idle gap (a POS writes in bursts). */
  burst?: number;
  /** Idle bit times between bursts. */
  gapBits?: number;
}

function parityBit(byte: number, dataBits: number, parity: LineSetting['parity']): number {
  let ones = 0;
  for (let i = 0; i < dataBits; i++) ones += (byte >> i) & 1;
  return parity === 'even' ? ones & 1 : (ones & 1) ^ 1;
}

/** Bytes as a UART at `s` puts them on the wire: start bit, data LSB first, parity, stop bits. */
export function serialise(bytes: Uint8Array, s: LineSetting, opts: SerialiseOptions = {}): LineSignal {
  const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
  const bit = sampleRate / (s.baudRate * (1 + (opts.clockError ?? 0)));
  const burst = opts.burst ?? 64;
  const gap = (opts.gapBits ?? 30) * bit;
  const edges: number[] = [];
  let level = 1;
  let t = 12 * bit;
  const put = (v: number): void => {
    if (v !== level) {
      edges.push(Math.round(t));
      level = v;
    }
    t += bit;
  };
  bytes.forEach((byte, n) => {
    if (n > 0 && n % burst === 0) t += gap;
    put(0);
    for (let i = 0; i < s.dataBits; i++) put((byte >> i) & 1);
    if (s.parity !== 'none') put(parityBit(byte, s.dataBits, s.parity));
    for (let i = 0; i < s.stopBits; i++) put(1);
  });
  t += 12 * bit;
  return { sampleRate, length: Math.ceil(t), edges: Int32Array.from(edges) };
}

export interface UartResult {
  bytes: Uint8Array;
  frames: number;
  framingErrors: number;
  parityErrors: number;
}

/**
 * A receiver at `s` over a recorded signal: finds each falling edge, samples mid-bit, checks
 * parity and every stop bit. It is stricter than most UART chips (which check the first stop bit
 * only) on purpose: it measures how the sender frames its characters, so 8N1 traffic sent back to
 * back fails an 8N2 reading. Errored frames still yield their byte, as a UART's data register does.
 */
export function uart(sig: LineSignal, s: LineSetting): UartResult {
  const bit = sig.sampleRate / s.baudRate;
  const edges = sig.edges;
  const out = new Uint8Array(Math.ceil(sig.length / (bit * 9)) + 1);
  let n = 0;
  let frames = 0;
  let framingErrors = 0;
  let parityErrors = 0;
  let p = 0; // edges at or before the last sampled instant
  const levelAt = (t: number): number => {
    while (p < edges.length && (edges[p] as number) <= t) p++;
    return (p & 1) === 0 ? 1 : 0;
  };
  const bits = 1 + s.dataBits + (s.parity === 'none' ? 0 : 1) + s.stopBits;
  for (;;) {
    const k = (p & 1) === 0 ? p : p + 1; // next falling edge
    if (k >= edges.length) break;
    const start = edges[k] as number;
    if (start + (bits - 0.5) * bit > sig.length) break;
    const mid = (i: number): number => start + (i + 0.5) * bit;
    if (levelAt(mid(0)) !== 0) continue; // a glitch, not a start bit
    let byte = 0;
    let ones = 0;
    for (let i = 0; i < s.dataBits; i++) {
      const v = levelAt(mid(1 + i));
      byte |= v << i;
      ones += v;
    }
    let i = 1 + s.dataBits;
    if (s.parity !== 'none') {
      const v = levelAt(mid(i++));
      if (((ones + v) & 1) !== (s.parity === 'even' ? 0 : 1)) parityErrors++;
    }
    let framed = true;
    for (let j = 0; j < s.stopBits; j++) if (levelAt(mid(i++)) !== 1) framed = false;
    if (!framed) framingErrors++;
    frames++;
    out[n++] = byte;
  }
  return { bytes: out.subarray(0, n), frames, framingErrors, parityErrors };
}

/** The signal from sample `start` on: a capture that begins in the middle of a character. */
export function cropSignal(sig: LineSignal, start: number): LineSignal {
  let k = 0;
  while (k < sig.edges.length && (sig.edges[k] as number) <= start) k++;
  const rest = Array.from(sig.edges.subarray(k), (e) => e - start);
  // An odd number of edges before the cut: the line is low there, as if it had just fallen.
  return { sampleRate: sig.sampleRate, length: Math.max(0, sig.length - start), edges: Int32Array.from(k % 2 === 1 ? [0, ...rest] : rest) };
}
