import {
  b,
  barcodeRule,
  bitImageRule,
  cutRule,
  dleDc4Rule,
  dleEotRule,
  downloadRule,
  fixed,
  gs8LRule,
  nulFrom,
  nvDefineRule,
  pLpH,
  rasterRule,
  userCharsRule,
  type LengthRule,
} from './lengths.js';

export { fixed, OVERSIZED, type LengthRule } from './lengths.js';

/**
 * The ESC/POS command table: prefix bytes -> argument length rule -> effect.
 * The tokenizer walks this table; the interpreter maps every `Effect` to a handler in a table
 * typed `{ [K in Effect]: … }`, so adding an effect here without a handler fails to compile.
 * Lengths follow the Epson ESC/POS command reference (TM-T88 family), each bounded by what a
 * printer accepts (lengths.ts, limits.ts); commands other vendors add with the same framing
 * (GS ( x / ESC ( x / FS ( x with pL pH) are skipped by their length.
 */
export type Effect =
  | 'lineFeed' | 'carriageReturn' | 'tab' | 'formFeed' | 'cancel'
  | 'init' | 'printMode' | 'charSize' | 'align' | 'bold' | 'doubleStrike' | 'underline' | 'inverse'
  | 'italicOn' | 'italicOff' | 'font'
  | 'codePage' | 'intlCharset' | 'doubleByteOn' | 'doubleByteOff' | 'kanjiCodeSystem' | 'encodingSystem'
  | 'absolutePosition' | 'relativePosition' | 'tabStops' | 'leftMargin' | 'printWidth'
  | 'feedLines' | 'feedDots' | 'cut'
  | 'barcode' | 'symbol2d' | 'graphics' | 'graphicsLong' | 'rasterImage' | 'bitImage' | 'nvImage' | 'downloadedImage' | 'imageDefinition'
  | 'realtimeStatus' | 'realtimeControl' | 'drawerKick' | 'peripheral'
  | 'pageModeOn' | 'standardMode'
  | 'status' | 'setting';

export interface CommandDef {
  /** Human name, e.g. "GS v 0". */
  name: string;
  args: LengthRule;
  effect: Effect;
  /** Argument bytes retained for the effect; the rest (image data) is skipped. Default: all, up to KEEP_MAX. */
  keep?: number;
  /** Returns a problem description when the arguments are out of the documented range. */
  check?: (a: Uint8Array) => string | undefined;
  /** Framed but not understood (e.g. GS ( x with an unknown x): skipped by length, warned as unknown. */
  unknown?: true;
}

/** Upper bound on kept argument bytes for data commands (GS ( k holds at most 65 535). */
export const KEEP_MAX = 65_600;

const oneOf = (...ok: number[]) => (a: Uint8Array): string | undefined =>
  ok.includes(b(0, a)) ? undefined : `argument ${b(0, a)} not one of ${ok.join(', ')}`;

const def = (name: string, args: LengthRule, effect: Effect, extra: Partial<CommandDef> = {}): CommandDef => ({ name, args, effect, ...extra });

// ---- the trie -------------------------------------------------------------------------------

export interface Node {
  def?: CommandDef;
  children?: (Node | undefined)[];
  /** Used when the next byte has no child (e.g. GS ( x for any x): consumes that byte. */
  wildcard?: CommandDef;
  /** Name of the prefix for warnings. */
  prefix: string;
}

function node(prefix: string, entries: Record<number, CommandDef | Node>, wildcard?: CommandDef): Node {
  const children: (Node | undefined)[] = new Array<Node | undefined>(256);
  for (const [k, v] of Object.entries(entries)) {
    children[Number(k)] = 'args' in v ? { def: v, prefix: v.name } : v;
  }
  return wildcard ? { children, prefix, wildcard } : { children, prefix };
}

const c = (ch: string): number => ch.charCodeAt(0);
const F = fixed;

const escTable: Record<number, CommandDef | Node> = {
  0x0c: def('ESC FF', F(0), 'formFeed'),
  [c(' ')]: def('ESC SP', F(1), 'setting'),
  [c('!')]: def('ESC !', F(1), 'printMode'),
  [c('$')]: def('ESC $', F(2), 'absolutePosition'),
  [c('%')]: def('ESC %', F(1), 'setting'),
  [c('&')]: def('ESC &', userCharsRule, 'imageDefinition', { keep: Number.MAX_SAFE_INTEGER }),
  [c('*')]: def('ESC *', bitImageRule, 'bitImage', { keep: 3, check: oneOf(0, 1, 32, 33) }),
  [c('-')]: def('ESC -', F(1), 'underline', { check: oneOf(0, 1, 2, 48, 49, 50) }),
  [c('2')]: def('ESC 2', F(0), 'setting'),
  [c('3')]: def('ESC 3', F(1), 'setting'),
  [c('4')]: def('ESC 4', F(0), 'italicOn'),
  [c('5')]: def('ESC 5', F(0), 'italicOff'),
  [c('=')]: def('ESC =', F(1), 'peripheral'),
  [c('?')]: def('ESC ?', F(1), 'setting'),
  [c('@')]: def('ESC @', F(0), 'init'),
  [c('D')]: def('ESC D', nulFrom(0, 33), 'tabStops'),
  [c('E')]: def('ESC E', F(1), 'bold'),
  [c('G')]: def('ESC G', F(1), 'doubleStrike'),
  [c('J')]: def('ESC J', F(1), 'feedDots'),
  [c('K')]: def('ESC K', F(1), 'setting'),
  [c('L')]: def('ESC L', F(0), 'pageModeOn'),
  [c('M')]: def('ESC M', F(1), 'font'),
  [c('R')]: def('ESC R', F(1), 'intlCharset'),
  [c('S')]: def('ESC S', F(0), 'standardMode'),
  [c('T')]: def('ESC T', F(1), 'setting', { check: oneOf(0, 1, 2, 3, 48, 49, 50, 51) }),
  [c('U')]: def('ESC U', F(1), 'setting'),
  [c('V')]: def('ESC V', F(1), 'setting'),
  [c('W')]: def('ESC W', F(8), 'setting'),
  [c('\\')]: def('ESC \\', F(2), 'relativePosition'),
  [c('a')]: def('ESC a', F(1), 'align', { check: oneOf(0, 1, 2, 48, 49, 50) }),
  [c('c')]: def('ESC c', F(2), 'setting'),
  [c('d')]: def('ESC d', F(1), 'feedLines'),
  [c('e')]: def('ESC e', F(1), 'setting'),
  [c('i')]: def('ESC i', F(0), 'cut'),
  [c('m')]: def('ESC m', F(0), 'cut'),
  [c('p')]: def('ESC p', F(3), 'drawerKick'),
  [c('r')]: def('ESC r', F(1), 'setting'),
  [c('t')]: def('ESC t', F(1), 'codePage'),
  [c('u')]: def('ESC u', F(1), 'status'),
  [c('v')]: def('ESC v', F(0), 'status'),
  [c('{')]: def('ESC {', F(1), 'setting'),
  [c('(')]: node('ESC (', {}, def('ESC ( ?', pLpH, 'setting')),
};

const gsParen = node('GS (', {
  [c('k')]: def('GS ( k', pLpH, 'symbol2d'),
  [c('L')]: def('GS ( L', pLpH, 'graphics', { keep: 16 }),
  [c('A')]: def('GS ( A', pLpH, 'setting'),
  [c('C')]: def('GS ( C', pLpH, 'setting'),
  [c('D')]: def('GS ( D', pLpH, 'setting'),
  [c('E')]: def('GS ( E', pLpH, 'setting', { keep: 16 }),
  [c('H')]: def('GS ( H', pLpH, 'status'),
  [c('K')]: def('GS ( K', pLpH, 'setting'),
  [c('M')]: def('GS ( M', pLpH, 'setting'),
  [c('N')]: def('GS ( N', pLpH, 'setting'),
  [c('P')]: def('GS ( P', pLpH, 'setting'),
  [c('Q')]: def('GS ( Q', pLpH, 'setting', { keep: 16 }),
}, def('GS ( ?', pLpH, 'setting', { keep: 16, unknown: true }));

const gsTable: Record<number, CommandDef | Node> = {
  [c('!')]: def('GS !', F(1), 'charSize'),
  [c('$')]: def('GS $', F(2), 'setting'),
  [c('(')]: gsParen,
  [c('*')]: def('GS *', downloadRule, 'imageDefinition', { keep: 2 }),
  [c('/')]: def('GS /', F(1), 'downloadedImage'),
  [c('8')]: node('GS 8', { [c('L')]: def('GS 8 L', gs8LRule, 'graphicsLong', { keep: 18 }) }),
  [c(':')]: def('GS :', F(0), 'setting'),
  [c('B')]: def('GS B', F(1), 'inverse'),
  [c('E')]: def('GS E', F(1), 'setting'),
  [c('H')]: def('GS H', F(1), 'setting'),
  [c('I')]: def('GS I', F(1), 'status'),
  [c('L')]: def('GS L', F(2), 'leftMargin'),
  [c('P')]: def('GS P', F(2), 'setting'),
  [c('T')]: def('GS T', F(1), 'setting'),
  [c('V')]: def('GS V', cutRule, 'cut', { check: oneOf(0, 1, 48, 49, 65, 66, 97, 98, 103, 104) }),
  [c('W')]: def('GS W', F(2), 'printWidth'),
  [c('\\')]: def('GS \\', F(2), 'setting'),
  [c('^')]: def('GS ^', F(3), 'setting'),
  [c('a')]: def('GS a', F(1), 'status'),
  [c('b')]: def('GS b', F(1), 'setting'),
  [c('c')]: def('GS c', F(0), 'setting'),
  [c('f')]: def('GS f', F(1), 'setting'),
  [c('g')]: def('GS g', F(4), 'status'),
  [c('h')]: def('GS h', F(1), 'setting'),
  [c('k')]: def('GS k', barcodeRule, 'barcode'),
  [c('r')]: def('GS r', F(1), 'status'),
  [c('v')]: def('GS v 0', rasterRule, 'rasterImage', { keep: 6, check: (a) => (b(0, a) === 0x30 || b(0, a) === 0 ? undefined : "GS v not followed by '0'") }),
  [c('w')]: def('GS w', F(1), 'setting'),
};

const fsTable: Record<number, CommandDef | Node> = {
  [c('!')]: def('FS !', F(1), 'setting'),
  [c('&')]: def('FS &', F(0), 'doubleByteOn'),
  [c('-')]: def('FS -', F(1), 'setting'),
  [c('.')]: def('FS .', F(0), 'doubleByteOff'),
  [c('2')]: def('FS 2', F(74), 'imageDefinition'),
  [c('?')]: def('FS ?', F(2), 'setting'),
  [c('C')]: def('FS C', F(1), 'kanjiCodeSystem'),
  [c('S')]: def('FS S', F(2), 'setting'),
  [c('W')]: def('FS W', F(1), 'setting'),
  [c('p')]: def('FS p', F(2), 'nvImage'),
  [c('q')]: def('FS q', nvDefineRule, 'imageDefinition', { keep: Number.MAX_SAFE_INTEGER }),
  [c('(')]: node('FS (', { [c('C')]: def('FS ( C', pLpH, 'encodingSystem') }, def('FS ( ?', pLpH, 'setting')),
};

const dleTable: Record<number, CommandDef | Node> = {
  0x04: def('DLE EOT', dleEotRule, 'realtimeStatus'),
  0x05: def('DLE ENQ', F(1), 'realtimeStatus'),
  0x14: def('DLE DC4', dleDc4Rule, 'realtimeControl'),
};

/** First-byte dispatch. Bytes >= 0x20 are text; control bytes without an entry are ignored. */
export const ROOT: (Node | undefined)[] = node('', {
  0x09: def('HT', F(0), 'tab'),
  0x0a: def('LF', F(0), 'lineFeed'),
  0x0c: def('FF', F(0), 'formFeed'),
  0x0d: def('CR', F(0), 'carriageReturn'),
  0x18: def('CAN', F(0), 'cancel'),
  0x10: node('DLE', dleTable),
  0x1b: node('ESC', escTable),
  0x1c: node('FS', fsTable),
  0x1d: node('GS', gsTable),
}).children ?? [];

/** Prefixes where an unknown second byte is never taken as part of the command. */
export const STRICT_PREFIX = new Set(['DLE']);
