/**
 * The harness's handle on its line process (bench/soak/line.ts): forks it, checks that its clock
 * is the harness's clock, and turns its hrtime stamps into the harness's performance.now() ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { hrMs, type FromLine, type LineLink, type ToLine } from './line-protocol.js';

type Result = Extract<FromLine, { type: 'result' }>;

export class LineClient {
  /** hrtime ms minus performance.now() in this process: subtract it from the line process's stamps. */
  readonly offset = hrMs() - performance.now();
  private proc: ChildProcess | undefined;
  private readonly waiters: { match: (m: FromLine) => boolean; resolve: (m: FromLine) => void }[] = [];
  private failure: Error | undefined;
  onPrinted: (n: number) => void = () => undefined;

  /** Starts the line process with the harness's niceness (a child inherits its parent thread's). */
  async start(links: LineLink[], baud: number, gapMs: number, cwd: string): Promise<void> {
    const proc = fork(join(import.meta.dirname, 'line.ts'), [], { execArgv: ['--import', 'tsx'], cwd, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc = proc;
    proc.on('message', (raw) => this.onMessage(raw as FromLine));
    proc.once('exit', (code, signal) => this.fail(new Error(`line process exited (${code ?? signal})`)));
    const before = hrMs();
    const pong = (await this.request({ type: 'ping' }, (m) => m.type === 'pong')) as Extract<FromLine, { type: 'pong' }>;
    const after = hrMs();
    // process.hrtime is libuv's uv_hrtime, CLOCK_MONOTONIC on Linux: one clock for the whole machine.
    if (!(pong.hr >= before && pong.hr <= after)) throw new Error(`line process clock ${pong.hr} not within [${before}, ${after}]: not this process's clock`);
    await this.request({ type: 'open', links, baud, gapMs }, (m) => m.type === 'opened');
  }

  /** The line process's reading of the shared clock (for the clock check in tests). */
  async clock(): Promise<number> {
    return ((await this.request({ type: 'ping' }, (m) => m.type === 'pong')) as Extract<FromLine, { type: 'pong' }>).hr;
  }

  /** A line process stamp in this process's performance.now() ms. */
  local(hr: number): number {
    return hr - this.offset;
  }

  receipt(bytes: Buffer): void {
    this.send({ type: 'receipt', bytes });
  }

  async side(type: 'pos-down' | 'pos-up' | 'printer-down' | 'printer-up', link: string): Promise<void> {
    const side = type.startsWith('pos') ? 'pos' : 'printer';
    await this.request({ type, link }, (m) => m.type === 'done' && m.link === link && m.side === side);
  }

  /** No more receipts: resolves with everything written and read once the last receipt is out (`drop`: stop after the one being printed). */
  async end(drop = false): Promise<Result> {
    return (await this.request({ type: 'end', drop }, (m) => m.type === 'result')) as Result;
  }

  close(): void {
    const p = this.proc;
    this.proc = undefined;
    if (p !== undefined && p.exitCode === null) p.kill('SIGTERM');
  }

  private send(m: ToLine): void {
    if (this.failure !== undefined) throw this.failure;
    this.proc?.send(m);
  }

  private request(m: ToLine, match: (m: FromLine) => boolean): Promise<FromLine> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.waiters.push({ match, resolve: (x) => (x.type === 'error' ? reject(new Error(x.message)) : resolve(x)) });
      this.send(m);
    });
  }

  private onMessage(m: FromLine): void {
    if (m.type === 'printed') return this.onPrinted(m.n);
    if (m.type === 'error') return this.fail(new Error(`line process: ${m.message}`));
    const i = this.waiters.findIndex((w) => w.match(m));
    if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(m);
  }

  private fail(err: Error): void {
    if (this.proc === undefined && this.failure === undefined) return; // closed on purpose
    this.failure ??= err;
    for (const w of this.waiters.splice(0)) w.resolve({ type: 'error', message: err.message });
  }
}
