import { codePageTable } from './codepages.js';
import { CLASS_COMMON, CLASS_INVALID, CLASS_OTHER, CLASS_TOP, classTable, isScriptLetter, RECEIPT_SYMBOLS, thaiFrequency, type DetectEncoding, type Script } from './detect-sets.js';

/**
 * Log-likelihood of a run of text bytes under one reading: a double-byte encoding or a
 * single-byte code page. Each reading is a small unigram model over character classes (frequent,
 * common, rare, not a character); the reading with the highest likelihood explains the bytes
 * best. ASCII costs the same in every reading, so only how the high bytes read decides.
 */
export interface PageCandidate {
  page: number;
  script: Script;
  label: string;
}

/** The single-byte code pages detection chooses among (ESC t numbers). */
export const PAGE_CANDIDATES: readonly PageCandidate[] = [
  { page: 0, script: 'latin', label: 'CP437' },
  { page: 2, script: 'latin', label: 'CP850' },
  { page: 19, script: 'latin', label: 'CP858' },
  { page: 16, script: 'latin', label: 'Windows-1252' },
  { page: 18, script: 'central', label: 'CP852' },
  { page: 17, script: 'cyrillic', label: 'CP866' },
  { page: 21, script: 'thai', label: 'TIS-620 (CP874)' },
  { page: 52, script: 'vietnamese', label: 'Windows-1258' },
  { page: 30, script: 'vietnamese', label: 'TCVN-3' },
];

const ASCII_LL = Math.log(1 / 95);
const INVALID_LL = Math.log(1e-7);
const OTHER_PAIR_LL = Math.log(0.05 / 20000);
const HALF_KANA_LL = Math.log(0.3 / 63);
/** A letter next to a letter reads as part of a word: worth this many nats more than a lone one. */
const WORD_BONUS = 1;
/** …and a letter with no letter beside it (a one-letter word between digits or spaces) is unlikely. */
const LONE_LETTER = -2;
const ACCENT_PAIR = -2;
const SINGLE_OTHER_LL = Math.log(0.05 / 128);
/** A receipt symbol (currency, degree, fraction …) costs the same on every page that has it. */
const SYMBOL_LL = Math.log(0.1 / 20);

export interface PairStats {
  ll: number;
  highBytes: number;
  /** High bytes that are part of a valid character. */
  validBytes: number;
  common: number;
  frequent: number;
  chars: number;
}

const pairLl = new Map<DetectEncoding, Float64Array>();

function pairLogs(enc: DetectEncoding): Float64Array {
  let l = pairLl.get(enc);
  if (l === undefined) {
    const t = classTable(enc);
    l = new Float64Array(4);
    l[CLASS_INVALID] = INVALID_LL;
    l[CLASS_OTHER] = OTHER_PAIR_LL;
    l[CLASS_COMMON] = Math.log(0.5 / t.commonSize);
    l[CLASS_TOP] = Math.log(0.45 / t.topSize);
    pairLl.set(enc, l);
  }
  return l;
}

const inRange = (x: number | undefined, lo: number, hi: number): boolean => x !== undefined && x >= lo && x <= hi;

export function scoreDoubleByte(enc: DetectEncoding, s: Uint8Array): PairStats {
  const { pairs } = classTable(enc);
  const logs = pairLogs(enc);
  const st: PairStats = { ll: 0, highBytes: 0, validBytes: 0, common: 0, frequent: 0, chars: 0 };
  const n = s.length;
  let i = 0;
  while (i < n) {
    const b = s[i] as number;
    if (b < 0x80) {
      st.ll += ASCII_LL;
      i++;
      continue;
    }
    st.highBytes++;
    if (enc === 'shift_jis' && b >= 0xa1 && b <= 0xdf) {
      st.ll += HALF_KANA_LL;
      st.validBytes++;
      st.common++;
      st.chars++;
      i++;
      continue;
    }
    if (i + 1 >= n) {
      st.ll += INVALID_LL; // a lead byte with nothing after it in the text
      break;
    }
    if (enc === 'gb18030' && inRange(s[i + 1], 0x30, 0x39) && inRange(s[i + 2], 0x81, 0xfe) && inRange(s[i + 3], 0x30, 0x39)) {
      st.ll += OTHER_PAIR_LL;
      st.highBytes++;
      st.validBytes += 2;
      st.chars++;
      i += 4;
      continue;
    }
    const b1 = s[i + 1] as number;
    const cls = pairs[(b << 8) | b1] as number;
    if (cls === CLASS_INVALID) {
      st.ll += INVALID_LL;
      i++;
      continue;
    }
    st.ll += logs[cls] as number;
    st.chars++;
    st.validBytes++;
    if (b1 >= 0x80) {
      st.highBytes++;
      st.validBytes++;
    }
    if (cls >= CLASS_COMMON) st.common++;
    if (cls === CLASS_TOP) st.frequent++;
    i += 2;
  }
  return st;
}

export interface SingleStats {
  ll: number;
  highBytes: number;
  /** High bytes right after another high byte. */
  highRuns: number;
  letters: number;
  symbols: number;
}

interface PageModel {
  ll: Float64Array;
  letter: Uint8Array;
  /** Combining marks (Windows-1258 tones), which follow a letter by design. */
  combining: Uint8Array;
}
const pageModels = new Map<number, PageModel>();

function pageModel(c: PageCandidate): PageModel {
  let m = pageModels.get(c.page);
  if (m === undefined) {
    const table = codePageTable(c.page);
    const letter = new Uint8Array(256);
    const symbol = new Uint8Array(256);
    const combining = new Uint8Array(256);
    for (let b = 0x80; b < 256; b++) {
      const ch = String.fromCharCode(table[b] as number);
      if (isScriptLetter(c.script, ch)) letter[b] = 1;
      if (ch >= '\u0300' && ch <= '\u036f') combining[b] = 1;
      else if (RECEIPT_SYMBOLS.has(ch)) symbol[b] = 1;
    }
    const nL = letter.reduce((a, x) => a + x, 0);
    // Latin-script pages write words that mix ASCII and accented letters; other scripts do not.
    if (c.script === 'latin' || c.script === 'central' || c.script === 'vietnamese') for (let b = 0x41; b <= 0x7a; b++) if (b <= 0x5a || b >= 0x61) letter[b] = 1;
    const ll = new Float64Array(256).fill(ASCII_LL);
    for (let b = 0x80; b < 256; b++) ll[b] = letter[b] === 1 ? Math.log(0.85 / Math.max(1, nL)) : symbol[b] === 1 ? SYMBOL_LL : SINGLE_OTHER_LL;
    // Thai has no spaces between words and a short alphabet: letter frequencies carry the evidence.
    if (c.script === 'thai') for (let b = 0x80; b < 256; b++) if (letter[b] === 1) ll[b] = Math.log(0.85 * thaiFrequency(String.fromCharCode(table[b] as number)));
    m = { ll, letter, combining };
    pageModels.set(c.page, m);
  }
  return m;
}

export function scoreSinglePage(c: PageCandidate, s: Uint8Array): SingleStats {
  const { ll, letter, combining } = pageModel(c);
  const latinish = c.script === 'latin' || c.script === 'central' || c.script === 'vietnamese';
  const st: SingleStats = { ll: 0, highBytes: 0, highRuns: 0, letters: 0, symbols: 0 };
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const b = s[i] as number;
    st.ll += ll[b] as number;
    if (b < 0x80) continue;
    st.highBytes++;
    if ((s[i - 1] ?? 0) >= 0x80) st.highRuns++;
    if (letter[b] === 1) {
      st.letters++;
      const prev = s[i - 1] ?? 0;
      const next = s[i + 1] ?? 0;
      st.ll += letter[prev] === 1 || letter[next] === 1 ? WORD_BONUS : LONE_LETTER;
      // Latin-script words rarely put two accented letters side by side (Vietnamese stacks marks).
      if (latinish && prev >= 0x80 && letter[prev] === 1 && !combining[b]) st.ll += ACCENT_PAIR;
    } else if (ll[b] === SYMBOL_LL) {
      st.symbols++;
      // …and a symbol glued to a letter (Pe±a, ¥ód) is most likely a letter of another page.
      if (letter[s[i - 1] ?? 0] === 1) st.ll += LONE_LETTER;
      if (letter[s[i + 1] ?? 0] === 1) st.ll += LONE_LETTER;
    }
  }
  return st;
}
