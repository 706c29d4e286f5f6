import { isKnownCodePage, isKnownIntlSet } from './codepages.js';
import type { Effect } from './commands.js';
import { DEFAULT_TAB_STOPS, type Interpreter } from './interpreter.js';
import type { Barcode } from './types.js';

/**
 * One handler per effect kind. The mapped type makes the compiler reject a table that misses
 * an effect, so every command the tokenizer can produce has a defined meaning here.
 * `a` holds the command's kept argument bytes (valid only during the call).
 */
type Handler = (ip: Interpreter, a: Uint8Array, start: number, end: number) => void;

const at = (a: Uint8Array, i: number): number => a[i] ?? 0;
const u16 = (a: Uint8Array, i: number): number => at(a, i) + at(a, i + 1) * 256;

/** Blank lines a feed command adds at most: 255 lines of white paper are not receipt content. */
const MAX_FEED_LINES = 4;

// GS k symbologies: function A (0–6) and function B (65–79).
const BARCODES: Record<number, string> = {
  0: 'UPC-A', 1: 'UPC-E', 2: 'EAN13', 3: 'EAN8', 4: 'CODE39', 5: 'ITF', 6: 'CODABAR',
  65: 'UPC-A', 66: 'UPC-E', 67: 'EAN13', 68: 'EAN8', 69: 'CODE39', 70: 'ITF', 71: 'CODABAR', 72: 'CODE93', 73: 'CODE128',
  74: 'GS1-128', 75: 'GS1-DATABAR-OMNI', 76: 'GS1-DATABAR-TRUNCATED', 77: 'GS1-DATABAR-LIMITED', 78: 'GS1-DATABAR-EXPANDED', 79: 'CODE128-AUTO',
};

// GS ( k cn: the 2D symbol families.
const SYMBOLS: Record<number, { kind: Barcode['kind']; symbology: string }> = {
  48: { kind: 'pdf417', symbology: 'PDF417' },
  49: { kind: 'qr', symbology: 'QR' },
  50: { kind: 'maxicode', symbology: 'MAXICODE' },
  51: { kind: 'other-2d', symbology: 'GS1-DATABAR' },
  52: { kind: 'other-2d', symbology: 'COMPOSITE' },
  53: { kind: 'aztec', symbology: 'AZTEC' },
  54: { kind: 'datamatrix', symbology: 'DATAMATRIX' },
  // Not Epson numbering, but emulators and some clones send Aztec as cn 55.
  55: { kind: 'aztec', symbology: 'AZTEC' },
};

const utf8 = new globalThis.TextDecoder('utf-8', { fatal: true });

/** Symbol payloads are usually UTF-8; anything else is kept byte for byte (latin1). */
function payload(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

function printImage(ip: Interpreter): void {
  ip.layout.flush(ip.align);
  ip.images++;
  ip.bitImageRun = false;
}

function feedBlank(ip: Interpreter, n: number): void {
  for (let k = 0; k < Math.min(n, MAX_FEED_LINES); k++) ip.layout.endLine(ip.align);
}

function addBarcode(ip: Interpreter, b: Omit<Barcode, 'line'>): void {
  ip.layout.flush(ip.align);
  ip.barcodes.push({ ...b, line: ip.layout.lines.length });
}

/** GS ( L / GS 8 L functions that print (2/50 buffered, 69 NV, 85 download); the rest store or configure. */
function graphics(ip: Interpreter, fn: number): void {
  if (fn === 2 || fn === 50 || fn === 69 || fn === 85) printImage(ip);
}

export const HANDLERS: { readonly [K in Effect]: Handler } = {
  lineFeed: (ip) => ip.layout.endLine(ip.align),
  carriageReturn: () => {}, // serial printers ignore CR unless auto line feed is switched on (CR LF is the usual pair)
  tab: (ip) => ip.layout.tab(ip.tabStops, ip.align),
  formFeed: (ip) => {
    ip.layout.flush(ip.align);
    ip.pageMode = false;
  },
  cancel: (ip) => {
    if (ip.pageMode) ip.layout.clear();
  },
  init: (ip) => {
    ip.layout.clear(); // ESC @ clears the print buffer
    ip.powerOn();
  },
  printMode: (ip, a) => {
    const n = at(a, 0);
    ip.emphasized = (n & 0x08) !== 0;
    ip.setStyle({ font: n & 1, width: n & 0x20 ? 2 : 1, height: n & 0x10 ? 2 : 1, underline: n & 0x80 ? 1 : 0 });
  },
  charSize: (ip, a, start) => {
    const n = at(a, 0);
    if ((n & 0x88) !== 0) ip.warn('bad-argument', start, `GS ! ${n}: width and height are 1..8`);
    ip.setStyle({ width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 });
  },
  align: (ip, a) => {
    const n = at(a, 0) % 48;
    if (n <= 2) ip.align = n === 0 ? 'left' : n === 1 ? 'center' : 'right';
  },
  bold: (ip, a) => {
    ip.emphasized = (at(a, 0) & 1) === 1;
    ip.setStyle({});
  },
  doubleStrike: (ip, a) => {
    ip.doubleStrike = (at(a, 0) & 1) === 1;
    ip.setStyle({});
  },
  underline: (ip, a) => {
    const n = at(a, 0) % 48;
    if (n <= 2) ip.setStyle({ underline: n });
  },
  inverse: (ip, a) => ip.setStyle({ inverse: (at(a, 0) & 1) === 1 }),
  italicOn: (ip) => ip.setStyle({ italic: true }),
  italicOff: (ip) => ip.setStyle({ italic: false }),
  font: (ip, a) => {
    const n = at(a, 0);
    ip.setStyle({ font: n >= 97 ? n - 97 + 5 : n % 48 });
  },
  codePage: (ip, a, start) => {
    const n = at(a, 0);
    if (!isKnownCodePage(n)) ip.warn('ignored', start, `ESC t ${n}: code page not in the table, decoding as CP437`);
    ip.chars.setCodePage(n, ip.printerOut);
    ip.explicit.page = true;
  },
  intlCharset: (ip, a, start) => {
    const n = at(a, 0);
    if (!isKnownIntlSet(n)) ip.warn('ignored', start, `ESC R ${n}: international character set not known, using USA`);
    ip.chars.setIntlSet(n, ip.printerOut);
  },
  doubleByteOn: (ip) => {
    ip.chars.setDoubleByte(true, ip.printerOut);
    ip.explicit.mode = true;
  },
  doubleByteOff: (ip) => {
    ip.chars.setDoubleByte(false, ip.printerOut);
    ip.explicit.mode = true;
  },
  kanjiCodeSystem: (ip, a, start) => {
    const n = at(a, 0) % 48;
    if (n === 0 || n === 1 || n === 2) ip.explicit.encoding = true;
    if (n === 0) ip.chars.setDoubleByteEncoding('jis', ip.printerOut);
    else if (n === 1 || n === 2) ip.chars.setDoubleByteEncoding('shift_jis', ip.printerOut);
    else ip.warn('bad-argument', start, `FS C ${at(a, 0)}: not a Kanji code system`);
  },
  encodingSystem: (ip, a, start) => {
    // FS ( C pL pH fn …: fn 48 selects the character encoding system (m 1: one-byte, 2: UTF-8).
    if (at(a, 2) !== 48) return;
    const m = at(a, 3) % 48;
    if (m === 1 || m === 2) {
      ip.chars.setUtf8(m === 2, ip.printerOut);
      ip.explicit.mode = true;
    } else ip.warn('bad-argument', start, `FS ( C fn 48: encoding ${at(a, 3)} not supported`);
  },
  absolutePosition: (ip, a) => ip.layout.absolute(u16(a, 0), ip.align),
  relativePosition: (ip, a) => {
    const v = u16(a, 0);
    ip.layout.relative(v >= 0x8000 ? v - 0x10000 : v, ip.align);
  },
  tabStops: (ip, a) => {
    const stops: number[] = [];
    for (const v of a) {
      if (v === 0 || (stops.length > 0 && v * ip.style.width <= (stops[stops.length - 1] as number))) break;
      stops.push(v * ip.style.width);
    }
    ip.tabStops = stops.length > 0 || a.length > 0 ? stops : DEFAULT_TAB_STOPS;
  },
  leftMargin: (ip, a) => ip.layout.setLeftMargin(u16(a, 0)),
  printWidth: (ip, a) => ip.layout.setPrintWidth(u16(a, 0)),
  feedLines: (ip, a) => {
    const n = at(a, 0);
    if (n === 0) return ip.layout.flush(ip.align);
    ip.layout.endLine(ip.align);
    feedBlank(ip, n - 1);
  },
  feedDots: (ip, a) => {
    if (ip.layout.dirty) ip.layout.endLine(ip.align);
    else feedBlank(ip, Math.round(at(a, 0) / 30));
  },
  cut: (ip, _a, _start, end) => ip.close('cut', end),
  barcode: (ip, a, start) => {
    const m = at(a, 0);
    const symbology = BARCODES[m];
    const data = m <= 6 ? a.subarray(1, a[a.length - 1] === 0 ? a.length - 1 : a.length) : a.subarray(2);
    if (symbology === undefined) ip.warn('bad-argument', start, `GS k ${m}: unknown barcode system`);
    addBarcode(ip, { kind: 'barcode', symbology: symbology ?? `GS k ${m}`, data: Buffer.from(data).toString('latin1') });
  },
  symbol2d: (ip, a, start) => {
    // GS ( k pL pH cn fn [m] d…: fn 80 stores the data, fn 81 prints the stored symbol.
    const cn = at(a, 2);
    const fn = at(a, 3);
    if (fn === 80) ip.symbols.set(cn, payload(a.subarray(5)));
    else if (fn === 81) {
      const family = SYMBOLS[cn] ?? { kind: 'other-2d' as const, symbology: `GS ( k cn ${cn}` };
      const data = ip.symbols.get(cn);
      if (data === undefined) ip.warn('bad-argument', start, `${family.symbology} printed with no data stored`);
      addBarcode(ip, { ...family, data: data ?? '' });
    }
  },
  graphics: (ip, a) => graphics(ip, at(a, 3)), // GS ( L pL pH m fn
  graphicsLong: (ip, a) => graphics(ip, at(a, 5)), // GS 8 L p1 p2 p3 p4 m fn
  rasterImage: (ip) => printImage(ip),
  bitImage: (ip) => {
    // A logo sent as ESC * stripes (each ended by LF) is one image, and its lines carry no text.
    if (!ip.bitImageRun) ip.images++;
    ip.bitImageRun = true;
    ip.layout.markImage();
  },
  nvImage: (ip) => printImage(ip),
  downloadedImage: (ip) => printImage(ip),
  imageDefinition: () => {},
  realtimeStatus: () => {},
  realtimeControl: (ip, a) => {
    if (at(a, 0) === 1) ip.drawerKicks++;
  },
  drawerKick: (ip) => {
    ip.drawerKicks++;
  },
  peripheral: (ip, a, start) => {
    const n = at(a, 0);
    if (n === 0) return ip.warn('bad-argument', start, 'ESC = 0: no device selected');
    const printerOn = (n & 1) === 1;
    if (printerOn && !ip.printerOn) ip.endDisplayLine();
    ip.printerOn = printerOn;
    ip.displayOn = (n & 2) === 2;
  },
  pageModeOn: (ip) => {
    ip.pageMode = true;
  },
  standardMode: (ip) => {
    ip.layout.flush(ip.align);
    ip.pageMode = false;
  },
  status: () => {},
  setting: () => {},
};
