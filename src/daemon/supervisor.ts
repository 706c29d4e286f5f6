import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.js';
import { isChildMessage, type HeartbeatPing } from './messages.js';
import { reniceProcess } from './priority.js';
import type { Env } from './sdnotify.js';

export interface SupervisorOptions {
  /** The script to run in the child (normally dist/daemon/analytics-main.js). */
  entry: string;
  args: readonly string[];
  env: Env;
  logger: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that lived this long resets the back-off. */
  stableAfterMs?: number;
  /** Node flags for the child (default ANALYTICS_NODE_FLAGS). */
  execArgv?: readonly string[];
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  startupGraceMs?: number;
  /**
   * Niceness for every thread of the child (tap.analyticsNice; 0: unchanged). Set right after each
   * fork and again when the child says it is ready (threads started in between by a thread not yet
   * changed would otherwise keep nice 0); threads it starts later inherit it.
   */
  nice?: number;
  /** Messages from the child (footer replies); must not throw. */
  onMessage?: (msg: unknown) => void;
}

/** How often the supervisor pings the child over IPC; the child answers from its event loop. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/**
 * A child that has said it is ready and then answers no ping for this long is killed (SIGKILL)
 * and restarted with the usual back-off: its event loop is stuck (a runaway regex, a tight loop),
 * and a stuck child keeps the page, the ledger and sync down without ever exiting (issue 17).
 */
export const HEARTBEAT_TIMEOUT_MS = 15_000;
/** Before it says it is ready, the child may be catching up a long journal backlog synchronously. */
export const HEARTBEAT_STARTUP_GRACE_MS = 120_000;

/**
 * The analytics child's heap bounds. A small young generation keeps the RSS of an outbox drain
 * near 110 MB instead of 150-180 MB (bench/sync.ts); the old-space cap makes a runaway child die
 * and be restarted rather than push the box into swap while the tap needs memory.
 */
export const ANALYTICS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=256'];

export interface SupervisorStats {
  running: boolean;
  pid: number | null;
  restarts: number;
  /** Messages not sent because the child was not reading them. */
  skippedMessages: number;
  /** Children killed because their event loop stopped answering the heartbeat. */
  heartbeatKills?: number;
}

/**
 * Runs the analytics child and restarts it with back-off when it exits. Nothing here waits for the
 * child: messages to a child that is not reading them are skipped, not queued, so a hung child
 * costs the tap nothing.
 */
export class Supervisor {
  private readonly opts: Required<SupervisorOptions>;
  private readonly log: Logger;
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private pendingSends = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly stat: SupervisorStats = { running: false, pid: null, restarts: 0, skippedMessages: 0, heartbeatKills: 0 };

  constructor(opts: SupervisorOptions) {
    this.opts = {
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      stableAfterMs: 60_000,
      execArgv: ANALYTICS_NODE_FLAGS,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      startupGraceMs: HEARTBEAT_STARTUP_GRACE_MS,
      nice: 0,
      onMessage: () => undefined,
      ...opts,
    };
    this.log = opts.logger.child({ module: 'supervisor' });
    this.backoffMs = this.opts.minBackoffMs;
  }

  start(): void {
    this.stopping = false;
    this.spawn();
  }

  stats(): SupervisorStats {
    return { ...this.stat };
  }

  /** Passes a signal on to the running child (SIGHUP: re-read the log level); nothing when none runs. */
  signal(sig: NodeJS.Signals): void {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill(sig);
  }

  /** Best effort, never blocks: skipped while earlier messages are still unsent. true: sent. */
  send(msg: object): boolean {
    const child = this.child;
    if (child === undefined || !child.connected || this.pendingSends >= 4) {
      this.stat.skippedMessages++;
      return false;
    }
    this.pendingSends++;
    try {
      child.send(msg, () => {
        this.pendingSends--;
      });
    } catch {
      this.pendingSends--;
      this.stat.skippedMessages++;
      return false;
    }
    return true;
  }


  /** SIGTERM, then SIGKILL after timeoutMs. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.heartbeat);
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const child = fork(this.opts.entry, [...this.opts.args], {
      env: { ...this.opts.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...this.opts.execArgv],
    });
    this.child = child;
    this.pendingSends = 0;
    this.startedAt = Date.now();
    this.stat.running = true;
    this.stat.pid = child.pid ?? null;
    const reniced = child.pid !== undefined ? reniceProcess(child.pid, this.opts.nice) : 0;
    this.log.info({ pid: child.pid, entry: this.opts.entry, nice: reniced > 0 ? this.opts.nice : 0 }, 'analytics child started');
    child.on('error', (err) => this.log.error({ err }, 'analytics child error'));
    this.watch(child);
    child.on('message', (m: unknown) => this.opts.onMessage(m));
    child.once('exit', (code, signal) => {
      if (child !== this.child) return;
      clearInterval(this.heartbeat);
      this.child = undefined;
      this.stat.running = false;
      this.stat.pid = null;
      if (this.stopping) {
        this.log.info({ code, signal }, 'analytics child stopped');
        return;
      }
      if (Date.now() - this.startedAt >= this.opts.stableAfterMs) this.backoffMs = this.opts.minBackoffMs;
      this.log.error({ code, signal, restartInMs: this.backoffMs }, 'analytics child exited; restarting it (forwarding is unaffected)');
      this.restartTimer = setTimeout(() => {
        this.stat.restarts++;
        this.spawn();
      }, this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
    });
  }

  /**
   * IPC heartbeat, timed by the monotonic clock. The supervisor only listens and kills: it never
   * waits for the child, so the tap's byte path is unaffected by a stuck child.
   */
  private watch(child: ChildProcess): void {
    let ready = false;
    const started = performance.now();
    let lastHeard = started;
    let seq = 0;
    child.on('message', (msg: unknown) => {
      if (!isChildMessage(msg)) return;
      if (msg.type === 'analytics-ready' && !ready) {
        ready = true;
        if (child.pid !== undefined) reniceProcess(child.pid, this.opts.nice);
        this.log.info({ pid: child.pid, startupMs: Math.round(performance.now() - started) }, 'analytics child ready');
      }
      lastHeard = performance.now();
    });
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (child !== this.child || child.exitCode !== null || child.signalCode !== null) return;
      const silentMs = performance.now() - lastHeard;
      const limit = ready ? this.opts.heartbeatTimeoutMs : this.opts.startupGraceMs;
      if (silentMs > limit) {
        clearInterval(this.heartbeat);
        this.stat.heartbeatKills = (this.stat.heartbeatKills ?? 0) + 1;
        this.log.error({ pid: child.pid, silentMs: Math.round(silentMs), limitMs: limit, ready }, 'analytics child stopped answering its heartbeat; killing it');
        child.kill('SIGKILL');
        return;
      }
      const ping: HeartbeatPing = { type: 'ping', seq: ++seq };
      this.send(ping);
    }, this.opts.heartbeatIntervalMs);
    this.heartbeat.unref();
  }
}
