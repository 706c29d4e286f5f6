/**
 * The soak's parts, all real and all on this machine: the links (bench/soak/links.ts: socat pty
 * pairs for the till and printer cables, or TCP 9100 with the printer a listener, plus two baseline
 * links fed the same bytes at the same moments), the line process that writes and reads them
 * (bench/soak/line.ts), `tillbox run` from dist/ with its data directory on a tmpfs that can be
 * filled to the last block, a private mosquitto, and a libfaketime offset file through which the
 * daemon's wall clock (never its monotonic clock) can be stepped at run time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { getPriority, setPriority } from 'node:os';
import { stringify } from 'yaml';
import { hashPassword } from '../../src/web/auth/password.js';
import { childrenOf } from '../proc-sample.js';
import { startMosquitto, type Mosquitto } from '../../tests/support/mosquitto.js';
import { freePort, waitFor } from '../../tests/support/tmp.js';
import { LineClient } from './line-client.js';
import { serialLinks, tcpLinks, type Links } from './links.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
export const PASSWORD = 'soak-owner-password';
/** The tmpfs is sized so the disk light is green (≥ 200 MiB free) until the fill fault runs. */
const TMPFS_SIZE = '512m';

/** One end-to-end link: its arrivals at the printer end (harness ms and bytes), filled in by the Till at the end. */
export interface Link {
  name: string;
  arrivals: { t: number; bytes: Buffer }[];
}

export interface TapStart {
  spawn: number;
  portsOpen?: number;
  journalOpen?: number;
  ready?: number;
}

export interface RigOptions {
  dir: string;
  baud: number;
  /** TCP 9100 mode: the till prints to the tap's pos.listen, the tap to a printer listener */
  tcp: boolean;
  /** pause between receipts (ms) */
  gapMs: number;
  /** nightly-job cron, so the jobs run mid-soak */
  cron: string;
  /** tap.journalNice for the daemon (absent: its default) */
  journalNice?: number;
  log: (s: string) => void;
}

export class SoakRig {
  readonly opts: RigOptions;
  readonly data: string;
  readonly faketimeFile: string;
  readonly tmpfs: boolean;
  readonly faketime: boolean;
  readonly line = new LineClient();
  broker!: Mosquitto;
  webPort = 0;
  tap: ChildProcess | undefined;
  tapStarts = 0;
  /** Each start of the tap: when it was spawned and when its log said the ports, the journal and "tap ready" (harness ms). */
  readonly starts: TapStart[] = [];
  readonly tapLink: Link = { name: 'tap', arrivals: [] };
  readonly baselines: Link[] = [
    { name: 'direct', arrivals: [] },
    { name: 'forwarder', arrivals: [] },
  ];
  private links: Links | undefined;
  private logFile!: WriteStream;
  private readonly readyWaiters: (() => void)[] = [];
  private clockOffsetS = 0;

  constructor(opts: RigOptions) {
    this.opts = opts;
    this.data = join(opts.dir, 'data');
    this.faketimeFile = join(opts.dir, 'faketime');
    mkdirSync(this.data, { recursive: true });
    this.tmpfs = mountTmpfs(this.data);
    this.faketime = existsSync(FAKETIME_LIB);
  }

  async start(): Promise<void> {
    const d = this.opts.dir;
    this.broker = await startMosquitto();
    this.webPort = await freePort();
    const links = this.opts.tcp ? await tcpLinks(atUnitNice) : await serialLinks(d, this.opts.baud, atUnitNice);
    this.links = links;
    writeFileSync(this.faketimeFile, '+0\n');
    const config = {
      store: { id: 'soak-store', timezone: 'Asia/Shanghai', currency: 'CNY' },
      box: { id: 'soak-box' },
      ...links.config,
      dataDir: this.data,
      web: { host: '127.0.0.1', port: this.webPort, adminPasswordHash: await hashPassword(PASSWORD) },
      mqtt: { url: this.broker.url },
      insights: { cron: this.opts.cron },
      ...(this.opts.journalNice === undefined ? {} : { tap: { journalNice: this.opts.journalNice } }),
      log: { level: 'info' },
    };
    writeFileSync(join(d, 'tillbox.yaml'), stringify(config));
    this.logFile = createWriteStream(join(d, 'daemon.log'));
    await this.line.start(links.lines, this.opts.baud, this.opts.gapMs, REPO);
    await this.startTap();
  }

  /** Starts `tillbox run` (again, after a kill: what systemd's Restart=always does) and waits for "tap ready". */
  async startTap(): Promise<void> {
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TILLBOX_') && k !== 'NOTIFY_SOCKET'));
    if (this.faketime) {
      // Only the wall clock is offset: the daemon's monotonic clock must stay the real one.
      Object.assign(env, { LD_PRELOAD: FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: this.faketimeFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    }
    const proc = atUnitNice(() => spawn(process.execPath, ['--max-semi-space-size=1', '--lite-mode', CLI, 'run', '--config', join(this.opts.dir, 'tillbox.yaml')], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.tap = proc;
    this.tapStarts++;
    const start: TapStart = { spawn: performance.now() };
    this.starts.push(start);
    let ports = 0;
    let buf = '';
    const onData = (d: Buffer): void => {
      this.logFile.write(d);
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        const now = performance.now();
        // Serial: both sides' "port open"; TCP: the POS listener (the printer is connected per job).
        if (line.includes('"msg":"port open"') || line.includes('"msg":"listening for the POS"')) if (++ports === (this.opts.tcp ? 1 : 2)) start.portsOpen = now;
        if (line.includes('"msg":"journal open"')) start.journalOpen ??= now;
        if (line.includes('"msg":"tap ready"')) {
          start.ready = now;
          for (const w of this.readyWaiters.splice(0)) w();
        }
        buf = buf.slice(i + 1);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (d: Buffer) => this.logFile.write(d));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('tap not ready within 30 s: see daemon.log')), 30_000);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        res();
      });
    });
  }

  tapPid(): number | undefined {
    const p = this.tap;
    return p !== undefined && p.exitCode === null && p.signalCode === null ? p.pid : undefined;
  }

  /**
   * The analytics child, once it runs: the tap's child whose command line names analytics-main.
   * Not simply its first child: the tap also runs short-lived helpers (timedatectl for the clock
   * check), and a kill -9 or SIGSTOP aimed at one of those hit nothing the soak meant to hit.
   */
  analyticsPid(): number | undefined {
    const tap = this.tapPid();
    return tap === undefined ? undefined : analyticsChildOf(tap);
  }

  async waitAnalytics(timeoutMs = 30_000): Promise<number> {
    return waitFor(() => this.analyticsPid(), timeoutMs, 50);
  }

  async killTap(): Promise<void> {
    const p = this.tap;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  async stopTap(): Promise<void> {
    const p = this.tap;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  }

  /** The till's cable pulled for `downMs` (TCP: its connection dropped, and no new one meanwhile). */
  async posLoss(downMs: number): Promise<void> {
    await this.line.side('pos-down', 'tap');
    await this.links?.posPair?.kill();
    await sleep(downMs);
    await this.links?.posPair?.start();
    await this.line.side('pos-up', 'tap');
  }

  /** The printer's cable pulled for `downMs` (TCP: the printer switched off, its listener gone). */
  async printerLoss(downMs: number): Promise<void> {
    await this.line.side('printer-down', 'tap');
    await this.links?.prnPair?.kill();
    await sleep(downMs);
    await this.links?.prnPair?.start();
    await this.line.side('printer-up', 'tap');
  }

  /** Steps the daemon's wall clock by `seconds` (libfaketime reads the file on every clock call). */
  stepClock(seconds: number): void {
    this.clockOffsetS += seconds;
    writeFileSync(this.faketimeFile, `${this.clockOffsetS >= 0 ? '+' : ''}${this.clockOffsetS}\n`);
  }

  /** Fills the data directory's filesystem to the last block; returns a function that frees it. */
  fillDisk(): () => void {
    const file = join(this.data, 'soak-fill');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M'], { stdio: 'ignore' });
    } catch {
      // dd exits 1 with "No space left on device": that is the point.
    }
    try {
      // The last partial block too.
      execFileSync('dd', ['if=/dev/zero', `of=${file}-tail`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      /* full */
    }
    return () => {
      execFileSync('rm', ['-f', file, `${file}-tail`]);
    };
  }

  async close(): Promise<void> {
    await this.stopTap().catch(() => undefined);
    this.line.close();
    await this.links?.close();
    await this.broker?.close();
    await new Promise<void>((r) => (this.logFile === undefined ? r() : this.logFile.end(() => r())));
  }

  unmount(): void {
    if (this.tmpfs) execFileSync('umount', ['-l', this.data], { stdio: 'ignore' });
  }
}

/** A tmpfs over `dir` when we may mount (root); false otherwise (the disk-full fault is then skipped). */
function mountTmpfs(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** systemd/tillbox.service's Nice=: the tap starts at it, and so do the two baselines (same footing). */
export const UNIT_NICE = -5;
/**
 * The soak harness (till writer, printer reader, page poller, head office) runs at this niceness
 * when it may (root), so the machine's other load and its own helpers show less as latency.
 */
export const HARNESS_NICE = -10;

/** Runs `spawnIt` with this thread at UNIT_NICE (a child starts at its parent thread's niceness). */
export function atUnitNice<T>(spawnIt: () => T): T {
  const before = getPriority();
  try {
    setPriority(UNIT_NICE);
  } catch {
    return spawnIt(); // not permitted: everything at the harness's niceness
  }
  try {
    return spawnIt();
  } finally {
    setPriority(before);
  }
}

/** The child of `tap` running analytics-main.js, if any. */
export function analyticsChildOf(tap: number): number | undefined {
  return childrenOf(tap).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('analytics-main');
    } catch {
      return false; // gone meanwhile
    }
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
