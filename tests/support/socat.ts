import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { waitFor } from './tmp.js';

export const SOCAT = '/usr/bin/socat';

/**
 * A pseudo-terminal pair made by socat: bytes written to `a` come out of `b` and back. Paths are
 * symlinks to /dev/pts/N that socat removes when it exits (like an unplugged USB adapter).
 */
export class PtyPair {
  readonly a: string;
  readonly b: string;
  private proc: ChildProcess | undefined;

  constructor(a: string, b: string) {
    this.a = a;
    this.b = b;
  }

  static async create(a: string, b: string): Promise<PtyPair> {
    const pair = new PtyPair(a, b);
    await pair.start();
    return pair;
  }

  async start(): Promise<void> {
    this.proc = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(this.a) && existsSync(this.b), 5000, 10);
  }

  /** Kills socat (SIGTERM, so it removes its links) and waits until both links are gone. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(this.a) && !existsSync(this.b), 5000, 10);
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }
}

/** Opens one end of a pair as the test's "POS" or "printer" (no lock: the test owns it). */
export async function openEnd(path: string, baudRate = 9600): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, lock: false, autoOpen: false, hupcl: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err === null ? resolve() : reject(err))));
  return port;
}

export async function closeEnd(port: SerialPort): Promise<void> {
  if (!port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

/** Collects everything a port receives. */
export function collect(port: SerialPort): { bytes: () => Buffer; reset: () => void } {
  let chunks: Buffer[] = [];
  port.on('data', (c: Buffer) => chunks.push(c));
  return {
    bytes: () => Buffer.concat(chunks),
    reset: () => {
      chunks = [];
    },
  };
}
