import iconv from 'iconv-lite';
import { codePageTable, withIntlSet } from './codepages.js';

/**
 * Bytes -> text with the printer's character state: a single-byte code page (ESC t, ESC R),
 * double-byte mode (FS &) in a configurable CJK encoding, or UTF-8 (FS ( C). Character
 * boundaries are found here, not by iconv, so a character whose bytes are split by a command
 * or a chunk boundary is held back and still decodes once its last byte arrives.
 */
const UTF16 = new globalThis.TextDecoder('utf-16le');

export type DoubleByteEncoding = 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr' | 'jis';

/** Cell width of decoded text: 1 or 2 columns per character, or 0 = by Unicode East Asian width. */
export type WidthMode = 0 | 1 | 2;

export interface TextOut {
  put(text: string, width: WidthMode): void;
  undecodable(offset: number, message: string): void;
}

type Framing = (bytes: ArrayLike<number>, i: number, end: number) => number;
// A framing returns the byte length of the character at i (1 for ASCII), 0 when more bytes are
// needed than `end` allows, or -1 when the byte at i cannot start a valid character here.

const inRange = (x: number | undefined, lo: number, hi: number): boolean => x !== undefined && x >= lo && x <= hi;

const gbFraming = (four: boolean): Framing => (s, i, end) => {
  const b0 = s[i] as number;
  if (b0 < 0x80) return 1;
  if (b0 === 0x80 || b0 === 0xff) return -1;
  if (i + 1 >= end) return 0;
  const b1 = s[i + 1];
  if (four && inRange(b1, 0x30, 0x39)) {
    if (i + 2 >= end) return 0;
    if (!inRange(s[i + 2], 0x81, 0xfe)) return -1;
    if (i + 3 >= end) return 0;
    return inRange(s[i + 3], 0x30, 0x39) ? 4 : -1;
  }
  return inRange(b1, 0x40, 0xfe) && b1 !== 0x7f ? 2 : -1;
};

const twoByte = (lead: (b: number) => boolean, trail: (b: number) => boolean, single: (b: number) => boolean = (b) => b < 0x80): Framing => (s, i, end) => {
  const b0 = s[i] as number;
  if (single(b0)) return 1;
  if (!lead(b0)) return -1;
  if (i + 1 >= end) return 0;
  return trail(s[i + 1] as number) ? 2 : -1;
};

const utf8Framing: Framing = (s, i, end) => {
  const b0 = s[i] as number;
  if (b0 < 0x80) return 1;
  const len = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : -1;
  if (len < 0) return -1;
  for (let k = 1; k < len; k++) {
    if (i + k >= end) return 0;
    if (!inRange(s[i + k], 0x80, 0xbf)) return -1;
  }
  return len;
};

const FRAMINGS: Record<DoubleByteEncoding | 'utf8', { framing: Framing; iconvName: string }> = {
  gb18030: { framing: gbFraming(true), iconvName: 'gb18030' },
  gbk: { framing: gbFraming(false), iconvName: 'gbk' },
  big5: { framing: twoByte((b) => b >= 0x81 && b <= 0xfe, (b) => (b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe)), iconvName: 'big5' },
  shift_jis: {
    framing: twoByte((b) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc), (b) => b >= 0x40 && b <= 0xfc && b !== 0x7f, (b) => b < 0x80 || (b >= 0xa1 && b <= 0xdf)),
    iconvName: 'shift_jis',
  },
  'euc-kr': { framing: twoByte((b) => b >= 0x81 && b <= 0xfe, (b) => b >= 0x41 && b <= 0xfe), iconvName: 'cp949' },
  // FS C 0: JIS code system, every printable byte pairs up; a JIS pair is an EUC-JP pair with the high bits cleared.
  jis: { framing: twoByte((b) => b >= 0x21 && b <= 0x7e, (b) => b >= 0x21 && b <= 0x7e, (b) => b === 0x20), iconvName: 'euc-jp' },
  utf8: { framing: utf8Framing, iconvName: 'utf8' },
};

export class TextDecoder {
  private mode: 'single' | 'double' | 'utf8' = 'single';
  private page = 0;
  private intl = 0;
  private table: Uint16Array = codePageTable(0);
  private dbcs: DoubleByteEncoding;
  private cache: (string | undefined)[] | undefined; // characters of `dbcs`, filled as they appear
  private readonly pending: number[] = [];
  private pendingOffset = 0;
  private readonly run = { start: 0, wide: false, ascii: true, text: '' };

  constructor(dbcs: DoubleByteEncoding) {
    this.dbcs = dbcs;
  }

  get currentMode(): 'single' | 'double' | 'utf8' {
    return this.mode;
  }

  get currentPage(): number {
    return this.page;
  }

  get currentIntl(): number {
    return this.intl;
  }

  setCodePage(page: number, out: TextOut): void {
    this.flushPending(out);
    this.page = page;
    this.table = withIntlSet(codePageTable(page), this.intl);
  }

  setIntlSet(set: number, out: TextOut): void {
    this.flushPending(out);
    this.intl = set;
    this.table = withIntlSet(codePageTable(this.page), set);
  }

  /** Double-byte (FS &) on or off; a pending half character survives only a no-op switch. */
  setDoubleByte(on: boolean, out: TextOut): void {
    if (this.mode === 'utf8') return; // UTF-8 takes precedence over Kanji mode (FS ( C)
    const mode = on ? 'double' : 'single';
    if (mode !== this.mode) this.flushPending(out);
    this.mode = mode;
  }

  setDoubleByteEncoding(enc: DoubleByteEncoding, out: TextOut): void {
    if (enc !== this.dbcs) {
      this.flushPending(out);
      this.cache = undefined;
    }
    this.dbcs = enc;
  }

  /** FS ( C fn 48: UTF-8 (true) or back to one-byte code pages / Kanji mode (false). */
  setUtf8(on: boolean, out: TextOut): void {
    this.flushPending(out);
    this.mode = on ? 'utf8' : 'single';
  }

  /** Text bytes [start, end) of `s`; `offset` is the stream offset of s[start]. */
  decode(s: Buffer, start: number, end: number, offset: number, out: TextOut): void {
    if (this.mode === 'single') return this.single(s, start, end, out);
    const utf8 = this.mode === 'utf8';
    const { framing, iconvName } = FRAMINGS[utf8 ? 'utf8' : this.dbcs];
    const wideMode: WidthMode = utf8 ? 0 : 2;
    let i = start;
    if (this.pending.length > 0) {
      const tmp = [...this.pending];
      let len = 0;
      for (let k = i; k < end && tmp.length < 4; k++) {
        tmp.push(s[k] as number);
        len = framing(tmp, 0, tmp.length);
        if (len !== 0) break;
      }
      if (len === 0) {
        this.pending.push(...tmp.slice(this.pending.length));
        return;
      }
      if (len > 0) {
        const b = Buffer.from(tmp.slice(0, len));
        out.put(utf8 ? b.toString('utf8') : this.piece(b, 0, len, iconvName), len === 1 ? 1 : wideMode);
        i += len - this.pending.length;
      } else {
        out.undecodable(this.pendingOffset, `incomplete ${iconvName} character ${hexes(this.pending)} before ${hexes([s[i] as number])}`);
        out.put('\ufffd', 1);
      }
      this.pending.length = 0;
    }
    // Characters go out in runs of one width class: one-byte (1 column) or multi-byte (CJK).
    // (No closures here: this is the hot path, and a closure per call costs an allocation.)
    const r = this.run;
    r.start = i;
    r.wide = false;
    r.ascii = true;
    r.text = '';
    while (i < end) {
      const len = framing(s, i, end);
      if (len > 0) {
        const wide = len > 1;
        if (wide !== r.wide) {
          this.flushRun(s, i, utf8, wideMode, out);
          r.start = i;
          r.wide = wide;
        }
        if (!utf8) {
          const b0 = s[i] as number;
          if (len > 1 || b0 >= 0x80) {
            if (!wide && r.ascii) r.text = s.toString('latin1', r.start, i); // katakana joins an ASCII run
            r.ascii = wide;
            r.text += this.piece(s, i, len, iconvName);
          } else if (!r.ascii) r.text += String.fromCharCode(b0);
        }
        i += len;
        continue;
      }
      this.flushRun(s, i, utf8, wideMode, out);
      if (len === 0) {
        for (let k = i; k < end; k++) this.pending.push(s[k] as number);
        this.pendingOffset = offset + (i - start);
        return;
      }
      out.undecodable(offset + (i - start), `byte ${hexes([s[i] as number])} is not a valid ${iconvName} character here`);
      out.put('\ufffd', 1);
      i++;
      r.start = i;
      r.wide = false;
    }
    this.flushRun(s, i, utf8, wideMode, out);
  }

  private flushRun(s: Buffer, to: number, utf8: boolean, wideMode: WidthMode, out: TextOut): void {
    const r = this.run;
    if (to > r.start) {
      const str = utf8 || (!r.wide && r.ascii) ? s.toString(utf8 ? 'utf8' : 'latin1', r.start, to) : r.text;
      out.put(str, r.wide ? wideMode : 1);
    }
    r.text = '';
    r.ascii = true;
  }

  /** One whole character of a double-byte encoding at s[i], `len` bytes. */
  private piece(s: Uint8Array, i: number, len: number, iconvName: string): string {
    const cache = this.cache ?? (this.cache = cacheFor(iconvName));
    if (len === 2) return charOf(cache, iconvName, s[i] as number, s[i + 1] as number);
    if (len === 1) return charOf(cache, iconvName, s[i] as number, -1);
    return iconv.decode(Buffer.from(s.subarray(i, i + len)), iconvName);
  }

  /** A half character still waiting (e.g. at a mode switch or init) becomes U+FFFD. */
  flushPending(out: TextOut): void {
    if (this.pending.length === 0) return;
    out.undecodable(this.pendingOffset, `incomplete character ${hexes(this.pending)} never completed`);
    out.put('\ufffd', 1);
    this.pending.length = 0;
  }

  private single(s: Buffer, start: number, end: number, out: TextOut): void {
    let ascii = this.intl === 0;
    for (let i = start; ascii && i < end; i++) if ((s[i] as number) >= 0x80) ascii = false;
    if (ascii) {
      out.put(s.toString('latin1', start, end), 1);
      return;
    }
    // Every code page maps a byte to one UTF-16 unit: fill a unit array, decode it natively.
    const t = this.table;
    if (end - start <= 32) {
      let text = '';
      for (let i = start; i < end; i++) text += String.fromCharCode(t[s[i] as number] as number);
      out.put(text, 1);
      return;
    }
    const units = new Uint16Array(end - start);
    for (let i = start; i < end; i++) units[i - start] = t[s[i] as number] as number;
    out.put(UTF16.decode(units), 1);
  }

}

const caches = new Map<string, (string | undefined)[]>();

function cacheFor(name: string): (string | undefined)[] {
  let c = caches.get(name);
  if (c === undefined) {
    c = new Array<string | undefined>(65536);
    caches.set(name, c);
  }
  return c;
}

/** The character of lead b0 and trail b1 (b1 < 0: a one-byte character). */
function charOf(cache: (string | undefined)[], name: string, b0: number, b1: number): string {
  const code = b1 < 0 ? b0 : (b0 << 8) | b1;
  let ch = cache[code];
  if (ch === undefined) {
    const raw = b1 < 0 ? [b0] : [b0, b1];
    // JIS pairs are EUC-JP pairs with the high bits cleared.
    const bytes = name === 'euc-jp' ? raw.map((b) => (b > 0x20 ? b | 0x80 : b)) : raw;
    ch = iconv.decode(Buffer.from(bytes), name);
    cache[code] = ch;
  }
  return ch;
}

function hexes(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
