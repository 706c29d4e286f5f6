import type { CommandDef } from '../escpos/commands.js';
import { Tokenizer, type TokenSink } from '../escpos/tokenizer.js';
import type { DecoderOptions } from '../escpos/types.js';

/** The character and layout state a footer prints in and must leave as it found it. */
export interface PrinterState {
  font: number;
  emphasized: boolean;
  doubleStrike: boolean;
  underline: number;
  width: number;
  height: number;
  inverse: boolean;
  italic: boolean;
  align: 0 | 1 | 2;
  /** ESC 3 n, or null for the default spacing (ESC 2). */
  lineSpacing: number | null;
  codePage: number;
  intlSet: number;
  doubleByte: boolean;
  utf8: boolean;
  /** FS C n (0: JIS, 1: Shift JIS) when one was sent, else null. */
  kanjiSystem: number | null;
  /** QR settings a footer's QR overwrites and restores (GS ( k fn 65 / 67 / 69). */
  qrModel: number;
  qrSize: number;
  qrLevel: number;
  /**
   * Barcode height (GS h), module width (GS w) and HRI position (GS H) when the POS set them since
   * the last ESC @; null: the printer's power-on default, which depends on the model and so cannot
   * be put back exactly (a footer then prints no barcode).
   */
  barcodeHeight: number | null;
  barcodeWidth: number | null;
  hriPosition: number | null;
  /** Text on the current line not yet ended by LF (a footer then starts with LF). */
  lineOpen: boolean;
}

/** Why the state cannot be trusted for a footer, or null. */
export type StateDoubt = null | 'no-init-seen' | 'page-mode' | 'rotated' | 'upside-down' | 'margins' | 'printer-deselected' | 'qr-data-pending';

/**
 * Follows the printer's state through a POS stream with the decoder's tokenizer and command
 * table. Only commands with a known, exactly restorable effect are modelled; anything that puts
 * the printer in a state a footer could disturb (page mode, rotation, margins, a stored QR not yet
 * printed) is a doubt, and a doubtful state gets no footer. Nothing is known until an ESC @ has
 * been seen in an unbroken stream (the state before it is whatever the printer was left in).
 */
export class PrinterStateTracker implements TokenSink {
  private readonly tokenizer = new Tokenizer();
  private readonly defaults: Pick<PrinterState, 'codePage' | 'doubleByte'>;
  state: PrinterState;
  private initSeen = false;
  private pageMode = false;
  private rotated = false;
  private upsideDown = false;
  private margins = false;
  private deselected = false;
  private qrPending = false;
  /** lineOpen just before the last cut (the state a footer inserted before that cut meets). */
  lineOpenAtCut = false;

  constructor(opts: DecoderOptions = {}) {
    // 'auto' (detected by the decoder, not known here) counts as the power-on default: a footer
    // then prints plain ASCII, which reads the same in single- and double-byte mode.
    this.defaults = { codePage: typeof opts.codePage === 'number' ? opts.codePage : 0, doubleByte: opts.startInDoubleByte === true || opts.startInDoubleByte === 'true' };
    this.state = this.powerOn();
  }

  feed(bytes: Buffer): void {
    this.tokenizer.feed(bytes, this);
  }

  doubt(): StateDoubt {
    if (!this.initSeen) return 'no-init-seen';
    if (this.pageMode) return 'page-mode';
    if (this.rotated) return 'rotated';
    if (this.upsideDown) return 'upside-down';
    if (this.margins) return 'margins';
    if (this.deselected) return 'printer-deselected';
    if (this.qrPending) return 'qr-data-pending';
    return null;
  }

  private powerOn(): PrinterState {
    return {
      font: 0, emphasized: false, doubleStrike: false, underline: 0, width: 1, height: 1, inverse: false, italic: false,
      align: 0, lineSpacing: null, codePage: this.defaults.codePage, intlSet: 0, doubleByte: this.defaults.doubleByte, utf8: false,
      kanjiSystem: null, qrModel: 50, qrSize: 3, qrLevel: 48, barcodeHeight: null, barcodeWidth: null, hriPosition: null, lineOpen: false,
    };
  }

  text(): void {
    this.state.lineOpen = true;
  }

  warning(): void {}

  command(def: CommandDef, a: Uint8Array): void {
    const s = this.state;
    const n = a[0] ?? 0;
    switch (def.effect) {
      case 'init':
        this.state = this.powerOn();
        this.initSeen = true;
        this.pageMode = this.rotated = this.upsideDown = this.margins = this.deselected = this.qrPending = false;
        return;
      case 'cut':
        this.lineOpenAtCut = s.lineOpen;
        s.lineOpen = false;
        return;
      case 'lineFeed': case 'feedLines': case 'feedDots': case 'formFeed':
        s.lineOpen = false;
        return;
      case 'printMode':
        s.font = n & 1;
        s.emphasized = (n & 8) !== 0;
        s.height = n & 16 ? 2 : 1;
        s.width = n & 32 ? 2 : 1;
        s.underline = n & 128 ? 1 : 0;
        return;
      case 'charSize':
        s.width = ((n >> 4) & 7) + 1;
        s.height = (n & 7) + 1;
        return;
      case 'bold': s.emphasized = (n & 1) !== 0; return;
      case 'doubleStrike': s.doubleStrike = (n & 1) !== 0; return;
      case 'underline': s.underline = n >= 48 ? n - 48 : n; return;
      case 'inverse': s.inverse = (n & 1) !== 0; return;
      case 'italicOn': s.italic = true; return;
      case 'italicOff': s.italic = false; return;
      case 'font': s.font = n >= 48 ? n - 48 : n; return;
      case 'align': s.align = (n >= 48 ? n - 48 : n) === 1 ? 1 : (n >= 48 ? n - 48 : n) === 2 ? 2 : 0; return;
      case 'codePage': s.codePage = n; return;
      case 'intlCharset': s.intlSet = n; return;
      case 'doubleByteOn': s.doubleByte = true; return;
      case 'doubleByteOff': s.doubleByte = false; return;
      case 'kanjiCodeSystem': s.kanjiSystem = n >= 48 ? n - 48 : n; return;
      // FS ( C pL pH fn m: fn 48 selects the encoding system, m 2 = UTF-8.
      case 'encodingSystem': if (a[2] === 48) s.utf8 = a[3] === 2 || a[3] === 50; return;
      case 'pageModeOn': this.pageMode = true; return;
      case 'standardMode': this.pageMode = false; return;
      case 'leftMargin': case 'printWidth': this.margins = true; return;
      case 'peripheral': this.deselected = (n & 1) === 0; return;
      case 'symbol2d': this.qr(a); return;
      case 'setting': this.setting(def.name, n); return;
      default: return;
    }
  }

  private setting(name: string, n: number): void {
    if (name === 'ESC 2') this.state.lineSpacing = null;
    else if (name === 'ESC 3') this.state.lineSpacing = n;
    else if (name === 'ESC V') this.rotated = (n & 1) !== 0;
    else if (name === 'ESC {') this.upsideDown = (n & 1) !== 0;
    else if (name === 'GS h') this.state.barcodeHeight = n;
    else if (name === 'GS w') this.state.barcodeWidth = n;
    else if (name === 'GS H') this.state.hriPosition = n >= 48 ? n - 48 : n;
  }

  /** GS ( k pL pH cn fn …, QR only (cn 49). */
  private qr(a: Uint8Array): void {
    if (a[2] !== 49) return;
    const fn = a[3];
    if (fn === 65) this.state.qrModel = a[4] ?? 50;
    else if (fn === 67) this.state.qrSize = a[4] ?? 3;
    else if (fn === 69) this.state.qrLevel = a[4] ?? 48;
    else if (fn === 80) this.qrPending = true;
    else if (fn === 81) this.qrPending = false;
  }
}
