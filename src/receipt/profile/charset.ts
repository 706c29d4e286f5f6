/**
 * Sets of Unicode code points as sorted, merged [lo, hi] ranges: what one regex atom can match.
 * Used only by the pattern safety check (safe-pattern.ts), which needs "can these two overlap?".
 */
export type CharSet = readonly (readonly [number, number])[];

const MAX_CP = 0x10ffff;
export const EMPTY: CharSet = [];
export const ANY: CharSet = [[0, MAX_CP]];

export function union(...sets: CharSet[]): CharSet {
  const all = sets.flat().map((r) => [r[0], r[1]] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function complement(s: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of s) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as readonly [number, number];
    const y = b[j] as readonly [number, number];
    if (x[1] < y[0]) i++;
    else if (y[1] < x[0]) j++;
    else return true;
  }
  return false;
}

export function single(cp: number): CharSet {
  return [[cp, cp]];
}

export const DIGIT: CharSet = [[0x30, 0x39]];
// With the i and u flags \w also matches U+017F and U+212A (they fold to s and k).
export const WORD: CharSet = union([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0x17f, 0x17f], [0x212a, 0x212a]]);
export const SPACE: CharSet = union([[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]]);
export const DOT: CharSet = complement(union([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]));

/** Where case folding happens (Latin, Greek, Cyrillic, Armenian, Georgian, extended Latin, full-width). */
const CASED: CharSet = [[0x41, 0x5a], [0x61, 0x7a], [0xb5, 0x587], [0x10a0, 0x10ff], [0x13a0, 0x13fd], [0x1c80, 0x1cbf], [0x1e00, 0x1fff], [0x2126, 0x2184], [0x24b6, 0x24e9], [0x2c00, 0x2d2d], [0xa640, 0xa7ff], [0xab70, 0xabbf], [0xff21, 0xff5a], [0x10400, 0x104ff], [0x10c80, 0x10cff], [0x118a0, 0x118df], [0x1e900, 0x1e94b]];

/**
 * The set closed under simple case mapping (the profiles' i flag), for the cased blocks above.
 * Over-approximating is safe here (more overlap means more patterns refused, never fewer).
 */
export function foldCase(s: CharSet): CharSet {
  const extra: [number, number][] = [];
  for (const [lo, hi] of s) {
    for (const [clo, chi] of CASED) {
      const a = Math.max(lo, clo);
      const b = Math.min(hi, chi);
      for (let cp = a; cp <= b; cp++) {
        const ch = String.fromCodePoint(cp);
        for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
          const c = v.codePointAt(0);
          if (c !== undefined && v.length === String.fromCodePoint(c).length && c !== cp) extra.push([c, c]);
        }
      }
    }
  }
  return extra.length === 0 ? s : union(s, extra);
}
