/**
 * Argument length rules of the command table (commands.ts): given the argument bytes seen so far
 * (`a`, the first `have` of them, as far as the command's `keep` allows), a rule returns the total
 * argument length (>= have), or -k: "show me at least k argument bytes first", or OVERSIZED: the
 * declared length is beyond what a receipt printer accepts (limits.ts), and the tokenizer
 * resynchronises. Lengths follow the Epson ESC/POS command reference (TM-T88 family).
 */
import {
  MAX_GRAPHICS_HEADER_BYTES,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_HEIGHT_DOTS,
  MAX_IMAGE_ROW_BYTES,
  MAX_IMAGE_WIDTH_DOTS,
  MAX_USER_CHAR_HEIGHT_BYTES,
  MAX_USER_CHAR_WIDTH_DOTS,
} from './limits.js';

export type LengthRule = (a: Uint8Array, have: number) => number;

/** A length rule's answer for a declared size no printer accepts: the tokenizer resynchronises. */
export const OVERSIZED = Number.NEGATIVE_INFINITY;

/** Argument byte i (0 while not received). */
export const b = (i: number, a: Uint8Array): number => a[i] ?? 0;
const u16 = (i: number, a: Uint8Array): number => b(i, a) + b(i + 1, a) * 256;

export const fixed = (n: number): LengthRule => () => n;
/** pL pH followed by that many bytes. */
export const pLpH: LengthRule = (a, have) => (have < 2 ? -2 : 2 + b(0, a) + b(1, a) * 256);
/** Bytes up to and including a NUL, at most `max` (then the command ends there). */
export const nulFrom = (start: number, max: number): LengthRule => (a, have) => {
  if (have <= start) return -(start + 1);
  if (a[have - 1] === 0 || have >= max) return have;
  return -(have + 1);
};


/** GS v 0 m xL xH yL yH d1…dk, k = x · y: x bytes a row (≤ MAX_IMAGE_ROW_BYTES), y rows (≤ MAX_IMAGE_HEIGHT_DOTS). */
export const rasterRule: LengthRule = (a, have) => {
  if (have < 1) return -1;
  if (b(0, a) !== 0x30 && b(0, a) !== 0) return 1; // malformed: consume only the selector (check() warns)
  if (have < 6) return -6;
  const x = u16(2, a);
  const y = u16(4, a);
  if (x > MAX_IMAGE_ROW_BYTES || y > MAX_IMAGE_HEIGHT_DOTS) return OVERSIZED;
  return 6 + x * y;
};

/** ESC * m nL nH d1…dk, k = n for 8-dot modes, 3n for 24-dot modes; n dots across (≤ MAX_IMAGE_WIDTH_DOTS). */
export const bitImageRule: LengthRule = (a, have) => {
  if (have < 3) return -3;
  const n = u16(1, a);
  if (n > MAX_IMAGE_WIDTH_DOTS) return OVERSIZED;
  return 3 + n * (b(0, a) >= 32 ? 3 : 1);
};

/** GS 8 L p1 p2 p3 p4 …: a 32-bit little-endian length (≤ one image and its function header). */
export const gs8LRule: LengthRule = (a, have) => {
  if (have < 4) return -4;
  const p = (b(0, a) | (b(1, a) << 8) | (b(2, a) << 16)) + b(3, a) * 0x1000000;
  return p > MAX_IMAGE_BYTES + MAX_GRAPHICS_HEADER_BYTES ? OVERSIZED : 4 + p;
};

/** GS * x y d1…d(x·y·8): x·8 dots across (≤ MAX_IMAGE_WIDTH_DOTS), y·8 dots down (≤ 2040). */
export const downloadRule: LengthRule = (a, have) => {
  if (have < 2) return -2;
  if (b(0, a) * 8 > MAX_IMAGE_WIDTH_DOTS) return OVERSIZED;
  return 2 + b(0, a) * b(1, a) * 8;
};

/** GS k m …: function A (m 0–6) ends with NUL, function B (m 65+) has a length byte. */
export const barcodeRule: LengthRule = (a, have) => {
  if (have < 1) return -1;
  if (b(0, a) <= 6) return nulFrom(1, 256)(a, have);
  return have < 2 ? -2 : 2 + b(1, a);
};

/** GS V m [n]: function A (m 0, 1, 48, 49) has no n. */
export const cutRule: LengthRule = (a, have) => (have < 1 ? -1 : [0, 1, 48, 49].includes(b(0, a)) ? 1 : 2);

/** DLE EOT n [a]: n 7 and 8 take one more byte. */
export const dleEotRule: LengthRule = (a, have) => (have < 1 ? -1 : b(0, a) === 7 || b(0, a) === 8 ? 2 : 1);

/** DLE DC4 fn …: fn 1 m t, fn 2 a b, fn 3 a b, fn 7 m, fn 8 d1…d7. */
export const dleDc4Rule: LengthRule = (a, have) => {
  if (have < 1) return -1;
  const fn = b(0, a);
  if (fn >= 1 && fn <= 3) return 3;
  if (fn === 7) return 2;
  if (fn === 8) return 8;
  return 1;
};

/** ESC & y c1 c2 [x d1…d(y·x)]…: one x byte then data per character c1..c2 (y, x bounded by limits.ts). */
export const userCharsRule: LengthRule = (a, have) => {
  if (have < 3) return -3;
  const y = b(0, a);
  if (y > MAX_USER_CHAR_HEIGHT_BYTES) return OVERSIZED;
  const count = Math.max(0, b(2, a) - b(1, a) + 1);
  let pos = 3;
  for (let k = 0; k < count; k++) {
    if (have <= pos) return -(pos + 1);
    if (b(pos, a) > MAX_USER_CHAR_WIDTH_DOTS) return OVERSIZED;
    pos += 1 + y * b(pos, a);
  }
  return Math.max(pos, have);
};

/** FS q n [xL xH yL yH d1…d(x·y·8)]…: n NV images, each x dots across and y·8 dots down, MAX_IMAGE_BYTES in all. */
export const nvDefineRule: LengthRule = (a, have) => {
  if (have < 1) return -1;
  let pos = 1;
  for (let k = 0; k < b(0, a); k++) {
    if (have < pos + 4) return -(pos + 4);
    const x = u16(pos, a);
    const y = u16(pos + 2, a);
    if (x > MAX_IMAGE_WIDTH_DOTS || y * 8 > MAX_IMAGE_HEIGHT_DOTS) return OVERSIZED;
    pos += 4 + x * y * 8;
    if (pos > 1 + 4 * 255 + MAX_IMAGE_BYTES) return OVERSIZED;
  }
  return Math.max(pos, have);
};
