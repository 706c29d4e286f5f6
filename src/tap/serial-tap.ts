import type { Config } from '../config/types.js';
import type { JournalDirection } from '../journal/types.js';
import type { Logger } from '../log.js';
import type { FooterHold } from './footer-hold.js';
import type { FooterLink } from './footer-link.js';
import { RelayCounters } from './relay-counters.js';
import { SerialSide } from './serial-side.js';
import type { Recorder, Tap, TapStats } from './types.js';
import { usbGadgetDevice, usbPrinterDevice } from './usb-side.js';

/**
 * POS line ⇄ printer line, each a serial port or a USB printer device (usblp, the printer gadget). Each chunk is written to the other side first, inside the
 * data event, and only then handed to the recorder (the journal), so recording can never delay it.
 */
export class SerialTap implements Tap {
  private readonly pos: SerialSide;
  private readonly printer: SerialSide;
  private readonly counters: RelayCounters;
  private readonly hold: FooterHold | undefined;

  constructor(config: Pick<Config, 'pos' | 'printer' | 'tap' | 'usb' | 'dataDir'>, record: Recorder, logger: Logger, footer?: FooterLink) {
    const common = { reopenMinMs: config.tap.reopenMinMs, reopenMaxMs: config.tap.reopenMaxMs, logger };
    // A USB side is the same side logic over another device (usb-side.ts); the relay below is shared.
    this.pos = config.pos.usbGadget
      ? new SerialSide({ ...common, name: 'pos', path: config.pos.gadgetPath, line: config.pos, device: usbGadgetDevice(config) })
      : new SerialSide({ ...common, name: 'pos', path: config.pos.path, line: config.pos });
    this.printer =
      config.printer.usb !== undefined
        ? new SerialSide({ ...common, name: 'printer', path: config.printer.usb, line: config.printer, device: usbPrinterDevice(config, logger) })
        : new SerialSide({ ...common, name: 'printer', path: config.printer.path, line: config.printer });
    this.counters = new RelayCounters(record);
    this.hold = footer?.holdFor('serial', (b) => this.printer.write(b), (d, b, delivered) => this.counters.forwarded(d, b, delivered), () => this.pos.resume());
    this.relay(this.pos, this.printer, 'pos>printer');
    this.relay(this.printer, this.pos, 'printer>pos');
    // Back-pressure: a side that cannot keep up pauses the other; a side that goes down releases it,
    // so the other side's bytes keep being read (and journaled as undelivered).
    this.printer.onDrain = () => this.pos.resume();
    this.pos.onDrain = () => this.printer.resume();
    this.printer.onState = () => this.pos.resume();
    this.pos.onState = () => this.printer.resume();
  }

  /** Each chunk from one side is written to the other first, then counted and journaled. */
  private relay(from: SerialSide, to: SerialSide, dir: JournalDirection): void {
    const hold = dir === 'pos>printer' ? this.hold : undefined;
    from.onChunk = (chunk) => {
      // With footers on, POS bytes go through the hold (src/tap/footer-hold.ts): it writes them and
      // has each write journaled with its own result (a queued byte may go out later, or not).
      if (hold !== undefined) {
        if (hold.push(chunk) === 'full') from.pause();
        return;
      }
      const res = to.write(chunk);
      if (res === 'full') from.pause();
      this.counters.forwarded(dir, chunk, res !== 'down');
    };
  }

  async start(): Promise<void> {
    // A USB device that is not there yet is waited for: a printer switched off, a POS not yet
    // connected, or both behind the bypass switch (their devices appear once it is energised).
    await this.pos.start(this.pos.kind === 'usb');
    try {
      await this.printer.start(this.printer.kind === 'usb');
    } catch (err) {
      await this.pos.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.hold?.close();
    await Promise.all([this.pos.stop(), this.printer.stop()]);
  }

  posLosses(): number {
    return this.pos.losses;
  }

  stats(): TapStats {
    return {
      pos: this.pos.stats(),
      printer: this.printer.stats(),
      ...this.counters.snapshot(),
    };
  }
}
