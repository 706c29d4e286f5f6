import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SerialPort } from 'serialport';
import { stringify } from 'yaml';
import { closeEnd, openEnd, PtyPair } from '../support/socat.js';
import { waitFor } from '../support/tmp.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

export type LogLine = Record<string, unknown> & { msg?: string };

/** A real `node …` process whose pino JSON lines on stdout are parsed as they come. */
export class DaemonProcess {
  readonly proc: ChildProcess;
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TILLBOX_') && k !== 'NOTIFY_SOCKET' && k !== 'WATCHDOG_USEC'));
    this.proc = spawn(process.execPath, args, { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line, raw: true });
        }
      }
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    this.exited = new Promise((res) => this.proc.once('exit', (code, signal) => res({ code, signal })));
  }

  static run(configFile: string, env: NodeJS.ProcessEnv = {}): DaemonProcess {
    return new DaemonProcess([CLI, 'run', '--config', configFile], env);
  }

  async waitLog(pred: (l: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return waitFor(() => this.logs.find(pred) ?? (this.proc.exitCode !== null ? Promise.reject(new Error(`daemon exited (${this.proc.exitCode}): ${this.stderr}`)) : undefined), timeoutMs, 10);
  }

  async waitMsg(msg: string, timeoutMs = 10_000): Promise<LogLine> {
    return this.waitLog((l) => l.msg === msg, timeoutMs);
  }

  count(msg: string): number {
    return this.logs.filter((l) => l.msg === msg).length;
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    return this.exited;
  }
}

/** Writes a tillbox.yaml into dir and returns its path. */
export function writeConfig(dir: string, doc: Record<string, unknown>): string {
  const file = join(dir, 'tillbox.yaml');
  // web on an ephemeral loopback port: the real analytics child serves the status page, and
  // parallel suites must not fight over 8080.
  writeFileSync(file, stringify({ dataDir: join(dir, 'data'), log: { level: 'debug' }, web: { host: '127.0.0.1', port: 0 }, ...doc }));
  return file;
}

export interface PtyDaemon {
  config: string;
  daemon: DaemonProcess;
  /** The till's end and the printer's end of the two pairs, open at 115200 baud. */
  pos: SerialPort;
  printer: SerialPort;
}

/**
 * The real daemon between two socat pty pairs (config: `extra` plus the two serial sides), up to
 * "analytics started", with both far ends opened. Everything started is undone through `cleanups`.
 */
export async function ptyDaemon(dir: string, cleanups: (() => Promise<void> | void)[], extra: Record<string, unknown>): Promise<PtyDaemon> {
  const pos = await PtyPair.create(join(dir, 'posT'), join(dir, 'posD'));
  const prn = await PtyPair.create(join(dir, 'prnD'), join(dir, 'prnT'));
  cleanups.push(() => pos.kill(), () => prn.kill());
  const config = writeConfig(dir, { pos: { path: pos.b, baudRate: 115200 }, printer: { path: prn.a, baudRate: 115200 }, ...extra });
  const daemon = DaemonProcess.run(config);
  cleanups.push(async () => void (await daemon.stop()));
  await daemon.waitMsg('tap ready');
  await daemon.waitMsg('analytics started', 20_000);
  const posEnd = await openEnd(pos.a, 115200);
  const printer = await openEnd(prn.b, 115200);
  cleanups.push(() => closeEnd(posEnd), () => closeEnd(printer));
  return { config, daemon, pos: posEnd, printer };
}
