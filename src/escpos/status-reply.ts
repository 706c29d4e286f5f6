/**
 * What the printer says about itself, read from the bytes the tap already relays: the till asks
 * with DLE EOT n (0x10 0x04 n, ESC/POS "transmit real-time status") and the printer answers with
 * one status byte whose fixed bits are 0xx1xx10 (bit 1 and 4 set, bits 0 and 7 clear). Pure: the
 * caller feeds chunks in journal order with their wall time and reads the judgement.
 *
 *   n=1 printer status   bit 3: offline
 *   n=2 offline cause    bit 2: cover open; bit 5: printing stopped at paper end
 *   n=4 roll paper       bits 2-3: paper near end; bits 5-6: paper end
 * Automatic status back (GS a) is not read here: it is not an answer to a question we saw.
 */
import type { PrinterPaper } from '../web/deps.js';

const DLE = 0x10;
const EOT = 0x04;
/** Questions waiting for an answer; a till that asks without reading cannot grow this. */
export const MAX_PENDING_STATUS_QUERIES = 8;

const isStatusByte = (b: number): boolean => (b & 0x93) === 0x12;

export class PrinterStatusReader {
  readonly #pending: number[] = [];
  /** Carries a DLE or DLE EOT split across two chunks. */
  #tail: number[] = [];
  #cover = false;
  #paperEnd = false;
  #nearEnd = false;
  #offline = false;
  #at: number | null = null;

  feed(dir: 'pos>printer' | 'printer>pos', bytes: Uint8Array, wallMs: number): void {
    if (dir === 'pos>printer') return this.#question(bytes);
    for (const b of bytes) {
      if (this.#pending.length === 0) return;
      if (!isStatusByte(b)) continue;
      this.#answer(this.#pending.shift() ?? 0, b, wallMs);
    }
  }

  #question(bytes: Uint8Array): void {
    const all = this.#tail.length === 0 ? bytes : Uint8Array.from([...this.#tail, ...bytes]);
    this.#tail = [];
    // indexOf (native) rather than a byte loop: a POS job can be megabytes without one DLE.
    for (let i = all.indexOf(DLE); i !== -1 && i < all.length; i = all.indexOf(DLE, i + 1)) {
      if (i + 1 >= all.length) this.#tail = [DLE];
      else if (all[i + 1] === EOT) {
        const n = all[i + 2];
        if (n === undefined) this.#tail = [DLE, EOT];
        else if (n >= 1 && n <= 4) {
          if (this.#pending.length >= MAX_PENDING_STATUS_QUERIES) this.#pending.shift();
          this.#pending.push(n);
          i += 2;
        }
      }
    }
  }

  #answer(n: number, b: number, wallMs: number): void {
    if (n === 1) this.#offline = (b & 0x08) !== 0;
    else if (n === 2) {
      this.#cover = (b & 0x04) !== 0;
      this.#paperEnd = (b & 0x20) !== 0;
    } else if (n === 4) {
      this.#nearEnd = (b & 0x0c) !== 0;
      this.#paperEnd = (b & 0x60) !== 0;
    } else return;
    this.#at = wallMs;
  }

  /** The last judgement, null before the printer answered any question. */
  state(): PrinterPaper | null {
    if (this.#at === null) return null;
    const state = this.#cover ? 'cover_open' : this.#paperEnd ? 'paper_out' : this.#nearEnd ? 'paper_near_end' : this.#offline ? 'offline' : 'ok';
    return { state, at: new Date(this.#at).toISOString() };
  }
}
