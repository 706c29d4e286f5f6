import iconv from 'iconv-lite';

/**
 * A small ESC/POS writer: the bytes a till sends, one method per command (Epson ESC/POS command
 * reference). Used by the encoder, the demo's simulated till, tests and benchmarks. Every method
 * returns `this`; `toBuffer()` joins the parts.
 */
export type TextEncoding = 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr' | 'cp437' | 'utf8' | string;

export type BarcodeSymbology = 'UPC-A' | 'UPC-E' | 'EAN13' | 'EAN8' | 'CODE39' | 'ITF' | 'CODABAR' | 'CODE93' | 'CODE128';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

// GS k function B symbology numbers (m = 65..73).
const BARCODE_M: Record<BarcodeSymbology, number> = {
  'UPC-A': 65, 'UPC-E': 66, EAN13: 67, EAN8: 68, CODE39: 69, ITF: 70, CODABAR: 71, CODE93: 72, CODE128: 73,
};

const ALIGN: Record<'left' | 'center' | 'right', number> = { left: 0, center: 1, right: 2 };

function u16(n: number): [number, number] {
  return [n & 0xff, (n >> 8) & 0xff];
}

/** A deterministic, non-trivial bit pattern for synthetic images (stripes, not all zero). */
function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export class EscPosBuilder {
  private readonly parts: Buffer[] = [];
  private enc: TextEncoding;

  constructor(encoding: TextEncoding = 'cp437') {
    this.enc = encoding;
  }

  /** Raw bytes, passed through unchanged. */
  raw(bytes: Uint8Array | number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  /** Which encoding `text()` uses from now on (no bytes are sent; pair it with the mode commands). */
  encoding(enc: TextEncoding): this {
    this.enc = enc;
    return this;
  }

  /** ESC @ — initialise the printer. */
  init(): this {
    return this.raw([ESC, 0x40]);
  }

  text(s: string): this {
    this.parts.push(this.enc === 'utf8' ? Buffer.from(s, 'utf8') : iconv.encode(s, this.enc));
    return this;
  }

  /** LF, `n` times. */
  newline(n = 1): this {
    return this.raw(new Array<number>(n).fill(0x0a));
  }

  /** Text then LF. */
  line(s: string): this {
    return this.text(s).newline();
  }

  align(a: 'left' | 'center' | 'right'): this {
    return this.raw([ESC, 0x61, ALIGN[a]]);
  }

  bold(on: boolean): this {
    return this.raw([ESC, 0x45, on ? 1 : 0]);
  }

  doubleStrike(on: boolean): this {
    return this.raw([ESC, 0x47, on ? 1 : 0]);
  }

  underline(dots: 0 | 1 | 2): this {
    return this.raw([ESC, 0x2d, dots]);
  }

  inverse(on: boolean): this {
    return this.raw([GS, 0x42, on ? 1 : 0]);
  }

  /** 0 = font A, 1 = font B. */
  font(n: number): this {
    return this.raw([ESC, 0x4d, n]);
  }

  /** GS ! — width and height multipliers, 1..8 each. */
  size(width: number, height: number): this {
    const w = Math.min(8, Math.max(1, Math.trunc(width))) - 1;
    const h = Math.min(8, Math.max(1, Math.trunc(height))) - 1;
    return this.raw([GS, 0x21, (w << 4) | h]);
  }

  /** ESC ! — the print-mode bit field (font B 1, bold 8, double height 16, double width 32, underline 128). */
  printMode(bits: number): this {
    return this.raw([ESC, 0x21, bits & 0xff]);
  }

  /** ESC t — select the single-byte code page (Epson numbering: 0 CP437, 2 CP850, 16 WPC1252 …). */
  codePage(n: number): this {
    return this.raw([ESC, 0x74, n]);
  }

  /** ESC R — international character set. */
  charset(n: number): this {
    return this.raw([ESC, 0x52, n]);
  }

  /** FS & (on) / FS . (off) — Chinese / Kanji double-byte mode. */
  doubleByte(on: boolean): this {
    return this.raw([FS, on ? 0x26 : 0x2e]);
  }

  /** FS ( C fn 48 — 1: one-byte code pages, 2: UTF-8. */
  encodingSystem(m: 1 | 2): this {
    return this.raw([FS, 0x28, 0x43, 2, 0, 0x30, m]);
  }

  /** HT. */
  tab(): this {
    return this.raw([0x09]);
  }

  /** ESC D — horizontal tab stops in character columns (ascending, at most 32). */
  tabStops(columns: number[]): this {
    return this.raw([ESC, 0x44, ...columns.slice(0, 32).map((c) => c & 0xff), 0]);
  }

  /** ESC $ — absolute horizontal position in dots (motion units). */
  absolutePosition(dots: number): this {
    return this.raw([ESC, 0x24, ...u16(dots)]);
  }

  /** ESC \ — relative horizontal position in dots, may be negative. */
  relativePosition(dots: number): this {
    return this.raw([ESC, 0x5c, ...u16(dots & 0xffff)]);
  }

  /** ESC d — print and feed `n` lines. */
  feed(n = 1): this {
    return this.raw([ESC, 0x64, n & 0xff]);
  }

  /** ESC J — print and feed `n` dots. */
  feedDots(n: number): this {
    return this.raw([ESC, 0x4a, n & 0xff]);
  }

  /** GS k function B: symbology plus data. */
  barcode(symbology: BarcodeSymbology, data: string, opts: { height?: number; width?: number; hri?: 0 | 1 | 2 | 3 } = {}): this {
    const bytes = Buffer.from(data, 'latin1');
    if (opts.height !== undefined) this.raw([GS, 0x68, opts.height & 0xff]);
    if (opts.width !== undefined) this.raw([GS, 0x77, opts.width & 0xff]);
    if (opts.hri !== undefined) this.raw([GS, 0x48, opts.hri]);
    this.raw([GS, 0x6b, BARCODE_M[symbology], Math.min(255, bytes.length)]);
    return this.raw(bytes.subarray(0, 255));
  }

  /** GS k function A (m = 0..6): data ended by NUL. */
  barcodeNul(m: number, data: string): this {
    return this.raw([GS, 0x6b, m, ...Buffer.from(data, 'latin1'), 0]);
  }

  /** QR code via GS ( k: model 2, module size, error correction, store data, print. */
  qr(data: string, opts: { size?: number; ec?: 'L' | 'M' | 'Q' | 'H' } = {}): this {
    const bytes = Buffer.from(data, 'utf8');
    const ec = { L: 48, M: 49, Q: 50, H: 51 }[opts.ec ?? 'M'];
    this.raw([GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0]); // fn 165: model 2
    this.raw([GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, opts.size ?? 6]); // fn 167: module size
    this.raw([GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, ec]); // fn 169: error correction
    this.raw([GS, 0x28, 0x6b, ...u16(bytes.length + 3), 0x31, 0x50, 0x30]).raw(bytes); // fn 180: store
    return this.raw([GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30]); // fn 181: print
  }

  /** PDF417 via GS ( k (cn 48): store then print. */
  pdf417(data: string): this {
    const bytes = Buffer.from(data, 'latin1');
    this.raw([GS, 0x28, 0x6b, ...u16(bytes.length + 3), 0x30, 0x50, 0x30]).raw(bytes);
    return this.raw([GS, 0x28, 0x6b, 3, 0, 0x30, 0x51, 0x30]);
  }

  /** GS v 0 — a raster image of `widthDots` × `heightDots`; data defaults to a synthetic pattern. */
  rasterImage(widthDots: number, heightDots: number, data?: Uint8Array): this {
    const xBytes = Math.ceil(widthDots / 8);
    const body = data ?? pattern(xBytes * heightDots, widthDots + heightDots);
    return this.raw([GS, 0x76, 0x30, 0, ...u16(xBytes), ...u16(heightDots)]).raw(body);
  }

  /** ESC * — one bit-image stripe (m 0/1: 8-dot, 32/33: 24-dot), then LF as tills send it. */
  bitImage(mode: 0 | 1 | 32 | 33, widthDots: number, data?: Uint8Array): this {
    const bytesPerColumn = mode >= 32 ? 3 : 1;
    const body = data ?? pattern(widthDots * bytesPerColumn, widthDots + mode);
    return this.raw([ESC, 0x2a, mode, ...u16(widthDots)]).raw(body).newline();
  }

  /** GS ( L fn 112 (store raster graphics) then fn 50 (print), or GS 8 L when the data exceeds 65 535 bytes. */
  graphics(widthDots: number, heightDots: number, data?: Uint8Array): this {
    const xBytes = Math.ceil(widthDots / 8);
    const body = data ?? pattern(xBytes * heightDots, widthDots * 3 + heightDots);
    const header = [0x30, 0x70, 0x30, 1, 1, 0x31, ...u16(widthDots), ...u16(heightDots)];
    const length = header.length + body.length;
    if (length <= 0xffff) this.raw([GS, 0x28, 0x4c, ...u16(length), ...header]);
    else this.raw([GS, 0x38, 0x4c, length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, (length >>> 24) & 0xff, ...header]);
    this.raw(body);
    return this.raw([GS, 0x28, 0x4c, 2, 0, 0x30, 0x32]);
  }

  /** FS p — print NV bit image `n` in mode `m`. */
  nvImage(n = 1, m = 0): this {
    return this.raw([FS, 0x70, n, m]);
  }

  /** GS V — cut: with `feed` (function B, feed n then cut) or a plain full/partial cut. */
  cut(opts: { partial?: boolean; feed?: number } = {}): this {
    if (opts.feed !== undefined) return this.raw([GS, 0x56, opts.partial ? 66 : 65, opts.feed & 0xff]);
    return this.raw([GS, 0x56, opts.partial ? 1 : 0]);
  }

  /** ESC p — drawer kick pulse on pin 2 (0) or 5 (1), on/off times in 2 ms units. */
  drawerKick(pin: 0 | 1 = 0, onTime = 25, offTime = 250): this {
    return this.raw([ESC, 0x70, pin, onTime & 0xff, offTime & 0xff]);
  }

  /** DLE DC4 1 — real-time drawer pulse. */
  realtimeDrawerKick(pin: 0 | 1 = 0, time = 5): this {
    return this.raw([DLE, 0x14, 1, pin, time]);
  }

  /** DLE EOT n — real-time status request. */
  statusRequest(n = 1): this {
    return this.raw([DLE, 0x04, n]);
  }

  /** ESC = 2 … ESC = 1 — text for the customer display, kept off the paper. */
  display(lines: string[]): this {
    this.raw([ESC, 0x3d, 2]);
    for (const l of lines) this.text(l).raw([0x0d, 0x0a]);
    return this.raw([ESC, 0x3d, 1]);
  }

  /** ESC L … FF — a page-mode block (print area, direction, then the text given). */
  pageMode(build: (b: this) => void, area?: { x: number; y: number; width: number; height: number }): this {
    this.raw([ESC, 0x4c]);
    if (area) this.raw([ESC, 0x57, ...u16(area.x), ...u16(area.y), ...u16(area.width), ...u16(area.height)]);
    this.raw([ESC, 0x54, 0]);
    build(this);
    return this.raw([0x0c]);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}
