/**
 * The pty rig bench/tap.ts and bench/footer.ts share: two socat pty pairs (POS end ⇄ middle,
 * middle ⇄ printer end), a middle that is either the real daemon (`node dist/cli.js run`, journal
 * and analytics child included) or any other process, and the printer end collecting what it gets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SerialPort } from 'serialport';
import { stringify } from 'yaml';
import { closeEnd, openEnd, PtyPair } from '../tests/support/socat.js';
import { waitFor } from '../tests/support/tmp.js';

export const CLI = join(resolve(import.meta.dirname, '..'), 'dist', 'cli.js');

export interface PtyRig {
  name: string;
  pos: SerialPort;
  printer: SerialPort;
  /** Everything the printer end received, in order. */
  received: Buffer[];
  /** The middle process. */
  pid: number;
  stop(): Promise<void>;
}

export interface MiddleSpec {
  /** The middle process, given the two device paths it relays between. */
  spawn(posSide: string, printerSide: string): ChildProcess;
  /** Resolves once the middle relays (e.g. its ready log line). */
  ready(proc: ChildProcess): Promise<void>;
}

/** A rig with `middle` between the pairs, ends opened at 115200 baud. */
export async function ptyRig(name: string, dir: string, middle: MiddleSpec): Promise<PtyRig> {
  const a = await PtyPair.create(join(dir, `${name}-posT`), join(dir, `${name}-posD`));
  const b = await PtyPair.create(join(dir, `${name}-prnD`), join(dir, `${name}-prnT`));
  const proc = middle.spawn(a.b, b.a);
  await middle.ready(proc);
  const pos = await openEnd(a.a, 115200);
  const printer = await openEnd(b.b, 115200);
  const received: Buffer[] = [];
  printer.on('data', (d: Buffer) => received.push(d));
  return {
    name,
    pos,
    printer,
    received,
    pid: proc.pid ?? 0,
    async stop() {
      await closeEnd(pos);
      await closeEnd(printer);
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      await a.kill();
      await b.kill();
    },
  };
}

/**
 * The real daemon as the middle: a config with the two device paths, a data dir and a loopback
 * web port, plus `extra`. `onLine` gets each stdout line (pino JSON); ready once `readyWhen` says
 * so, or (without it) once the journal exists and a second has passed. `sides` replaces the
 * serial pos/printer keys (bench/tap.ts --usb puts the same ptys on the USB path).
 */
export function daemonMiddle(dir: string, name: string, opts: { extra?: Record<string, unknown>; sides?: (posSide: string, printerSide: string) => Record<string, unknown>; nodeFlags?: string[]; onLine?: (line: string) => void; readyWhen?: () => boolean }): MiddleSpec {
  if (!existsSync(CLI)) throw new Error('dist/cli.js missing: run npm run build first');
  const dataDir = join(dir, `data-${name}`);
  return {
    spawn(posSide, printerSide) {
      const cfg = join(dir, `${name}.yaml`);
      const sides = opts.sides?.(posSide, printerSide) ?? { pos: { path: posSide, baudRate: 115200 }, printer: { path: printerSide, baudRate: 115200 } };
      writeFileSync(cfg, stringify({ ...sides, dataDir, web: { host: '127.0.0.1', port: 0 }, ...opts.extra }));
      const proc = spawn(process.execPath, [...(opts.nodeFlags ?? []), CLI, 'run', '--config', cfg], { stdio: ['ignore', opts.onLine !== undefined ? 'pipe' : 'ignore', 'inherit'] });
      let buf = '';
      proc.stdout?.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          opts.onLine?.(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      return proc;
    },
    async ready() {
      if (opts.readyWhen !== undefined) return void (await waitFor(opts.readyWhen, 30_000));
      await waitFor(() => existsSync(join(dataDir, 'journal.db')), 20_000);
      await new Promise((r) => setTimeout(r, 1000));
    },
  };
}

export const totalBytes = (bufs: Buffer[]): number => bufs.reduce((n, x) => n + x.length, 0);

/** One chunk through: ns from the write at the POS end to its last byte at the printer end. */
export async function roundTrip(r: PtyRig, chunk: Buffer): Promise<number> {
  const before = totalBytes(r.received);
  const t0 = process.hrtime.bigint();
  r.pos.write(chunk);
  for (;;) {
    if (totalBytes(r.received) >= before + chunk.length) return Number(process.hrtime.bigint() - t0);
    await new Promise<void>((res) => r.printer.once('data', () => res()));
  }
}
