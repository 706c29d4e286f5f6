import * as table from './commands.js';
import type { CommandDef, Node } from './commands.js';
import { MAX_RESYNC_BYTES, RESYNC_TEXT_RUN } from './limits.js';
import type { DecodeWarningKind } from './types.js';

/** Where tokens go. Offsets are stream byte offsets. `args` is only valid during the call. */
export interface TokenSink {
  text(bytes: Buffer, start: number, end: number, offset: number): void;
  command(def: CommandDef, args: Uint8Array, start: number, end: number): void;
  warning(kind: DecodeWarningKind, offset: number, message: string): void;
  /** After damaged data, a new job (ESC @) begins at `offset`: the damaged document ends there. */
  jobStart?(offset: number): void;
}

const enum State {
  Idle,
  Prefix,
  Args,
  /** Skipping damaged data until a plausible document start (see resync()). */
  Resync,
}

const ESC = 0x1b;
const GS = 0x1d;

const VIEWS = 16;
// Local bindings: module namespace reads in the byte loop would each be a property lookup.
const ROOT = table.ROOT;
const KEEP_MAX = table.KEEP_MAX;
const STRICT_PREFIX = table.STRICT_PREFIX;
const OVERSIZED = table.OVERSIZED;

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * A streaming, table-driven ESC/POS tokenizer. Every input byte is looked at once (argument
 * rules only see kept header bytes), so time is linear in the input; it never throws; an
 * unknown command costs at most its own prefix and one byte. Real-time commands (DLE EOT/ENQ/DC4)
 * are recognised between any two tokens, including inside a text run or a double-byte character,
 * but not inside another command's arguments, where 0x10 is an ordinary argument value.
 * Every declared length is bounded (limits.ts): a command declaring more than a printer accepts
 * is damaged data, and the tokenizer skips to the next plausible document start (resync()).
 */
export class Tokenizer {
  private state = State.Idle;
  private node: Node | undefined;
  private def: CommandDef | undefined;
  private start = 0; // stream offset of the command's first byte
  private args = new Uint8Array(64);
  private views: (Uint8Array | undefined)[] = [];
  private have = 0; // argument bytes seen
  private kept = 0; // argument bytes stored
  private keep = 0;
  private need = 0; // next threshold of `have`
  private total = -1; // total argument length once known
  private pos = 0; // stream offset of the next byte
  private wildByte = 0; // the byte a wildcard entry consumed (named in its warning)
  // resynchronisation after damaged data
  private skipped = 0; // bytes skipped so far
  private prefixByte = 0; // ESC or GS just seen (0: none)
  private prefixAt = 0;
  private run: Buffer | undefined; // the current run of printable bytes
  private runLength = 0;
  private runStart = 0;

  get offset(): number {
    return this.pos;
  }

  /** True while a command is only partly received (a cut here would split its arguments). */
  get inCommand(): boolean {
    return this.state === State.Prefix || this.state === State.Args;
  }

  /** The caller saw an idle gap: a resynchronisation ends there (what follows is decoded again). */
  idle(): void {
    if (this.state === State.Resync) this.state = State.Idle;
  }

  /** Stream offset where the partly received command began (valid when `inCommand`). */
  get commandStart(): number {
    return this.start;
  }

  feed(chunk: Buffer, sink: TokenSink): void {
    const base = this.pos;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.state === State.Idle) {
        let j = i;
        while (j < n && (chunk[j] as number) >= 0x20) j++;
        if (j > i) {
          sink.text(chunk, i, j, base + i);
          i = j;
          continue;
        }
        const byte = chunk[i] as number;
        const entry = ROOT[byte];
        this.start = base + i;
        i++;
        if (entry === undefined) {
          if (byte !== 0) sink.warning('ignored', this.start, `control byte ${hex(byte)} ignored`);
          continue;
        }
        if (entry.def !== undefined) {
          this.pos = base + i;
          this.beginArgs(entry.def, sink);
        } else {
          this.node = entry;
          this.state = State.Prefix;
        }
      } else if (this.state === State.Prefix) {
        const node = this.node as Node;
        const byte = chunk[i] as number;
        const next = node.children?.[byte];
        if (next !== undefined) {
          i++;
          if (next.def !== undefined) {
            this.pos = base + i;
            this.beginArgs(next.def, sink);
          } else this.node = next;
        } else if (node.wildcard !== undefined) {
          this.wildByte = byte;
          i++;
          this.pos = base + i;
          this.beginArgs(node.wildcard, sink);
        } else {
          // Unknown: drop the prefix, and the next byte too unless it is a control byte (it may
          // start the next command) or the prefix is one that never swallows a stranger (DLE).
          this.state = State.Idle;
          if (byte < 0x20 || STRICT_PREFIX.has(node.prefix)) {
            sink.warning('unknown-command', this.start, `unknown command ${node.prefix}${byte < 0x20 ? '' : ` ${hex(byte)}`}: prefix skipped`);
          } else {
            i++;
            sink.warning('unknown-command', this.start, `unknown command ${node.prefix} ${printable(byte)} skipped`);
          }
        }
      } else if (this.state === State.Args) {
        const take = Math.min(n - i, this.need - this.have);
        const store = Math.min(take, this.keep - this.kept);
        if (store > 0) {
          this.ensure(this.kept + store);
          if (store <= 16) for (let k = 0; k < store; k++) this.args[this.kept + k] = chunk[i + k] as number;
          else this.args.set(chunk.subarray(i, i + store), this.kept);
          this.kept += store;
        }
        this.have += take;
        i += take;
        if (this.have >= this.need) {
          this.pos = base + i;
          this.advance(sink);
        }
      } else {
        i = this.resync(chunk, i, base, sink);
      }
    }
    this.pos = base + n;
  }

  /** End of input: a partly received command becomes a `truncated` warning. */
  end(sink: TokenSink): void {
    if (this.state === State.Resync) this.state = State.Idle;
    if (this.state !== State.Idle) {
      const name = this.state === State.Prefix ? (this.node as Node).prefix : (this.def as CommandDef).name;
      sink.warning('truncated', this.start, `${name} cut off by the end of input (${this.pos - this.start} bytes)`);
      this.state = State.Idle;
    }
  }

  private beginArgs(def: CommandDef, sink: TokenSink): void {
    this.def = def;
    this.have = 0;
    this.kept = 0;
    this.keep = Math.min(def.keep ?? KEEP_MAX, Number.MAX_SAFE_INTEGER);
    this.total = -1;
    this.state = State.Args;
    this.need = 0;
    this.advance(sink);
  }

  /** `have` reached `need`: ask the rule again, or finish the command. */
  private advance(sink: TokenSink): void {
    const def = this.def as CommandDef;
    for (;;) {
      if (this.total >= 0) {
        if (this.have >= this.total) return this.finish(def, sink);
        this.need = this.total;
        return;
      }
      const r = def.args(this.args, this.kept);
      if (r === OVERSIZED) return this.damaged(def, sink);
      if (r >= 0) {
        this.total = Math.max(r, this.have);
        continue;
      }
      this.need = Math.max(-r, this.have + 1);
      return;
    }
  }

  /** The command declared more than a printer accepts: drop its header and resynchronise. */
  private damaged(def: CommandDef, sink: TokenSink): void {
    const header = Array.from(this.args.subarray(0, Math.min(this.kept, 12)), (x) => x.toString(16).padStart(2, '0')).join(' ');
    sink.warning('oversized', this.start, `${def.name} (${header}) declares more data than a receipt printer accepts: damaged data skipped to the next document start`);
    this.state = State.Resync;
    this.skipped = 0;
    this.prefixByte = 0;
    this.runLength = 0;
  }

  /**
   * Skips damaged bytes until a plausible document start: ESC @ (a new job: the damaged
   * document ends before it), a cut (GS V, ESC i, ESC m: it ends the damaged document), or
   * RESYNC_TEXT_RUN printable bytes in a row (decoded as text of the damaged document). After
   * MAX_RESYNC_BYTES decoding resumes regardless. Byte by byte, so chunking changes nothing.
   */
  private resync(chunk: Buffer, i: number, base: number, sink: TokenSink): number {
    const n = chunk.length;
    while (i < n) {
      const byte = chunk[i] as number;
      const p = this.prefixByte;
      if (p !== 0) {
        this.prefixByte = 0;
        if ((p === ESC && (byte === 0x40 || byte === 0x69 || byte === 0x6d)) || (p === GS && byte === 0x56)) {
          this.state = State.Prefix;
          this.node = ROOT[p];
          this.start = this.prefixAt;
          if (byte === 0x40) sink.jobStart?.(this.prefixAt);
          return i; // the Prefix state takes this byte
        }
      }
      if (this.skipped >= MAX_RESYNC_BYTES) {
        this.state = State.Idle;
        sink.warning('oversized', base + i, `no document start found in ${MAX_RESYNC_BYTES} bytes of damaged data: decoding resumed`);
        return i;
      }
      this.skipped++;
      i++;
      if (byte === ESC || byte === GS) {
        this.prefixByte = byte;
        this.prefixAt = base + i - 1;
        this.runLength = 0;
      } else if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x0d || byte === 0x09) {
        if (this.runLength === 0) this.runStart = base + i - 1;
        const run = (this.run ??= Buffer.alloc(RESYNC_TEXT_RUN));
        run[this.runLength++] = byte;
        if (this.runLength === RESYNC_TEXT_RUN) {
          // Text again: decode the run (it is all text, LF, CR and HT, so it ends in Idle).
          this.state = State.Idle;
          this.pos = this.runStart;
          this.feed(run, sink);
          return i;
        }
      } else this.runLength = 0;
    }
    return i;
  }

  private finish(def: CommandDef, sink: TokenSink): void {
    this.state = State.Idle;
    const args = this.view(this.kept);
    if (def.unknown) sink.warning('unknown-command', this.start, `unknown command ${def.name.replace('?', printable(this.wildByte))} skipped by its declared length`);
    const problem = def.check?.(args);
    if (problem !== undefined) sink.warning('bad-argument', this.start, `${def.name}: ${problem}`);
    sink.command(def, args, this.start, this.pos);
  }

  /** args[0, n) as a view; short views are cached (most commands have 0–8 argument bytes). */
  private view(n: number): Uint8Array {
    if (n >= VIEWS) return this.args.subarray(0, n);
    let v = this.views[n];
    if (v === undefined) {
      v = this.args.subarray(0, n);
      this.views[n] = v;
    }
    return v;
  }

  private ensure(size: number): void {
    if (size <= this.args.length) return;
    const grown = new Uint8Array(Math.max(size, this.args.length * 2));
    grown.set(this.args.subarray(0, this.kept));
    this.args = grown;
    this.views = [];
  }
}

function printable(byte: number): string {
  return byte >= 0x21 && byte <= 0x7e ? String.fromCharCode(byte) : hex(byte);
}
