import type { CommandDef } from '../escpos/commands.js';
import { Tokenizer, type TokenSink } from '../escpos/tokenizer.js';

/** What a byte sample looks like as ESC/POS: the statistics detection weighs, with the reasons. */
export interface ByteStats {
  bytes: number;
  /** Printable ASCII, 0x20-0x7e. */
  printable: number;
  /** 0x80-0xff: code-page or double-byte text, or the garbage of a wrong rate. */
  high: number;
  nul: number;
  ff: number;
  lineFeeds: number;
  /** Commands the ESC/POS table knows, with arguments in range. */
  commands: number;
  /** Unknown commands, out-of-range arguments, stray control bytes. */
  badCommands: number;
  sawInit: boolean;
  sawCut: boolean;
  /** `GS W` print-area widths (dots) in the sample. */
  printWidths: number[];
  /** `FS &` (double-byte mode on) commands. */
  doubleByteOn: number;
  /** Printable runs of 4 or more: words, not status bytes. */
  textRuns: number;
  /** `ESC t` code pages selected in the sample. */
  codePages: number[];
  /** Bytes whose 8 bits have even / odd parity: all of one kind means a 7-bit line read as 8 bits. */
  evenParity: number;
  /** Bytes with one low run then one high run, LSB first (0x00, 0x80, 0xc0 ... 0xfe): a stretched start bit. */
  stretched: number;
  /** 0 (garbage) to 1 (clean ESC/POS text and commands). */
  score: number;
}

/** The longest sample plausibility looks at: enough for a verdict, bounded for a doctor run. */
export const PLAUSIBILITY_MAX_BYTES = 64 * 1024;

const STRETCHED = new Set([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe]);

export function byteStats(input: Uint8Array): ByteStats {
  const data = input.subarray(0, PLAUSIBILITY_MAX_BYTES);
  const s: ByteStats = { bytes: data.length, printable: 0, high: 0, nul: 0, ff: 0, lineFeeds: 0, commands: 0, badCommands: 0, sawInit: false, sawCut: false, printWidths: [], codePages: [], doubleByteOn: 0, textRuns: 0, evenParity: 0, stretched: 0, score: 0 };
  let run = 0;
  for (const b of data) {
    if (b >= 0x20 && b < 0x7f) {
      s.printable++;
      if (++run === 4) s.textRuns++;
    } else {
      run = 0;
      if (b >= 0x80) s.high++;
    }
    if (b === 0) s.nul++;
    if (b === 0xff) s.ff++;
    if (b === 0x0a) s.lineFeeds++;
    if (STRETCHED.has(b)) s.stretched++;
    let x = b;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    if ((x & 1) === 0) s.evenParity++;
  }
  const sink: TokenSink = {
    text: () => undefined,
    command: (def: CommandDef, args: Uint8Array) => {
      // Unknown and out-of-range commands also come as warnings: counted there, once.
      if (def.unknown !== true && def.check?.(args) === undefined) s.commands++;
      if (def.name === 'ESC @') s.sawInit = true;
      else if (def.name === 'GS V') s.sawCut = true;
      else if (def.name === 'GS W') s.printWidths.push((args[0] ?? 0) + 256 * (args[1] ?? 0));
      else if (def.name === 'ESC t') s.codePages.push(args[0] ?? 0);
      else if (def.name === 'FS &') s.doubleByteOn++;
    },
    warning: (kind) => {
      if (kind !== 'undecodable-text') s.badCommands++;
    },
  };
  const tok = new Tokenizer();
  tok.feed(Buffer.from(data.buffer, data.byteOffset, data.length), sink);
  tok.end(sink);
  s.score = plausibility(s);
  return s;
}

function plausibility(s: ByteStats): number {
  if (s.bytes === 0) return 0;
  // High bytes count half: real code-page and GBK text has them, and so does garbage.
  const text = Math.min(1, (s.printable + 0.5 * s.high + s.lineFeeds) / s.bytes);
  const commands = s.commands + s.badCommands === 0 ? 0.5 : s.commands / (s.commands + s.badCommands);
  const junk = (s.nul + s.ff) / s.bytes;
  const v = 0.6 * text + 0.25 * commands + (s.sawInit ? 0.075 : 0) + (s.sawCut ? 0.075 : 0) - 0.5 * junk;
  return Math.max(0, Math.min(1, Math.round(v * 1000) / 1000));
}

export type LineSide = 'pos' | 'printer' | 'silent' | 'unclear';

/**
 * Which side of the till a port's incoming bytes come from: the POS sends ESC/POS (commands and
 * words); a printer sends only short status bytes (ASB, DLE EOT replies), never text.
 */
export function classifySide(bytes: Uint8Array): { side: LineSide; why: string } {
  if (bytes.length === 0) return { side: 'silent', why: 'sent nothing' };
  const s = byteStats(bytes);
  if (s.commands >= 3 && s.textRuns >= 2) return { side: 'pos', why: `sends ESC/POS: ${s.commands} commands, ${s.textRuns} runs of text in ${s.bytes} bytes` };
  if (s.textRuns === 0 && s.lineFeeds === 0) return { side: 'printer', why: `sends only ${s.bytes} status-like bytes, no text` };
  return { side: 'unclear', why: `${s.bytes} bytes, ${s.commands} commands, ${s.textRuns} runs of text` };
}
