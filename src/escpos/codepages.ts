import iconv from 'iconv-lite';

/**
 * ESC t n code pages (Epson numbering, shared by most compatible printers) mapped to iconv-lite
 * encodings, and the ESC R international character sets. Each page is compiled once into a
 * 256-entry table so decoding a byte run is a table walk.
 */
export const CODE_PAGES: Readonly<Record<number, string>> = {
  0: 'cp437', 1: 'katakana', 2: 'cp850', 3: 'cp860', 4: 'cp863', 5: 'cp865',
  13: 'cp857', 14: 'cp737', 15: 'iso88597', 16: 'windows1252', 17: 'cp866', 18: 'cp852', 19: 'cp858',
  // Epson's Thai character codes 42, 11, 13, 14, 16, 17, 18 share the TIS-620 letter layout at
  // 0xA1–0xFB (they differ in a few vowel and symbol cells): read as TIS-620 / Windows-874.
  20: 'cp874', 21: 'cp874', 22: 'cp874', 23: 'cp874', 24: 'cp874', 25: 'cp874', 26: 'cp874',
  30: 'tcvn', 31: 'tcvn', // TCVN-3 (Vietnamese)
  32: 'cp720', 33: 'cp775', 34: 'cp855', 35: 'cp861', 36: 'cp862', 37: 'cp864', 38: 'cp869',
  39: 'iso88592', 40: 'iso885915', 44: 'cp1125', 45: 'windows1250', 46: 'windows1251', 47: 'windows1253',
  48: 'windows1254', 49: 'windows1255', 50: 'windows1256', 51: 'windows1257', 52: 'windows1258', 53: 'rk1048',
};

const tables = new Map<number, Uint16Array>();

function compile(page: number): Uint16Array {
  return Uint16Array.from(compileChars(page), (ch) => ch.charCodeAt(0));
}

function compileChars(page: number): string[] {
  const name = CODE_PAGES[page] ?? 'cp437';
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  if (name === 'katakana') {
    // JIS X 0201: ASCII below 0x80, half-width katakana at 0xA1–0xDF.
    const t = Array.from({ length: 256 }, (_, i) => (i < 0x80 ? String.fromCharCode(i) : '\ufffd'));
    for (let i = 0xa1; i <= 0xdf; i++) t[i] = String.fromCharCode(0xff61 + i - 0xa1);
    return t;
  }
  const text = iconv.decode(all, name);
  return Array.from(text);
}

/** The 256-entry table (UTF-16 units) of an ESC t page (unknown pages fall back to CP437; callers warn). */
export function codePageTable(page: number): Uint16Array {
  let t = tables.get(page);
  if (t === undefined) {
    t = compile(page);
    tables.set(page, t);
  }
  return t;
}

export function isKnownCodePage(page: number): boolean {
  return page in CODE_PAGES;
}

/** ESC R n: replacements for # $ @ [ \ ] ^ ` { | } ~ (Epson international character sets 0–15). */
const INTL_POSITIONS = [0x23, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d, 0x7e];
const INTL_SETS: Readonly<Record<number, string>> = {
  1: '#$à°ç§^`éùè¨', // France
  2: '#$§ÄÖÜ^`äöüß', // Germany
  3: '£$@[\\]^`{|}~', // UK
  4: '#$@ÆØÅ^`æøå~', // Denmark I
  5: '#¤ÉÄÖÅÜéäöåü', // Sweden
  6: '#$@°\\é^ùàòèì', // Italy
  7: '₧$@¡Ñ¿^`¨ñ}~', // Spain I
  8: '#$@[¥]^`{|}~', // Japan
  9: '#¤ÉÆØÅÜéæøåü', // Norway
  10: '#$ÉÆØÅÜéæøåü', // Denmark II
  11: '#$á¡Ñ¿é`íñóú', // Spain II
  12: '#$á¡Ñ¿éüíñóú', // Latin America
  13: '#$@[₩]^`{|}~', // Korea
  14: '#$ŽŠĐĆČžšđćč', // Slovenia / Croatia
  15: '#¥@[\\]^`{|}~', // China
};

/** A copy of `table` with the ESC R set applied to its ASCII positions (set 0 = USA: unchanged). */
export function withIntlSet(table: Uint16Array, set: number): Uint16Array {
  const chars = INTL_SETS[set];
  if (chars === undefined) return table;
  const t = table.slice();
  Array.from(chars).forEach((ch, k) => {
    t[INTL_POSITIONS[k] as number] = ch.charCodeAt(0);
  });
  return t;
}

/** Sets 0–17 and the Indian ones (66–75, 82) are Epson's; those without a row above keep ASCII. */
export function isKnownIntlSet(set: number): boolean {
  return (set >= 0 && set <= 17) || (set >= 66 && set <= 75) || set === 82;
}
