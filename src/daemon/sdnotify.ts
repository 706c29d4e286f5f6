import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * sd_notify(3) for Type=notify units. Node has no unix datagram sockets, so each message is sent by
 * the `systemd-notify` helper (the unit needs NotifyAccess=all because the sender is the helper's
 * PID). The helper waits on a barrier until the manager has processed the message, which avoids
 * the race where a helper that has already exited cannot be mapped to the unit. With NOTIFY_SOCKET
 * unset every call is a no-op.
 */
export class SdNotifier {
  private readonly env: Env;
  private readonly log: Logger;
  private readonly command: string;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private watchdogInFlight = 0;
  private failedOnce = false;

  constructor(env: Env, logger: Logger, command = 'systemd-notify') {
    this.env = env;
    this.log = logger.child({ module: 'sdnotify' });
    this.command = command;
  }

  get enabled(): boolean {
    return (this.env['NOTIFY_SOCKET'] ?? '') !== '';
  }

  /** Sends one state line (READY=1, STOPPING=1, STATUS=...); resolves once the helper has started. */
  notify(state: string, onExit?: () => void): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return new Promise((resolve) => {
      const child = spawn(this.command, [state], { env: { ...this.env } as NodeJS.ProcessEnv, stdio: 'ignore' });
      child.once('spawn', () => resolve());
      child.once('error', (err) => {
        if (!this.failedOnce) this.log.error({ err, state }, 'cannot run systemd-notify');
        this.failedOnce = true;
        onExit?.();
        resolve();
      });
      child.once('exit', (code) => {
        if (code !== 0 && !this.failedOnce) {
          this.failedOnce = true;
          this.log.warn({ code, state }, 'systemd-notify reported a failure (further failures are not logged)');
        }
        onExit?.();
      });
      child.unref();
    });
  }

  /**
   * WATCHDOG=1 every WATCHDOG_USEC/2 from a main-thread timer, so a blocked event loop (the one the
   * byte path runs on) stops the pings and systemd restarts the service.
   */
  startWatchdog(): void {
    const usec = Number(this.env['WATCHDOG_USEC'] ?? '');
    const pid = this.env['WATCHDOG_PID'];
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return;
    if (pid !== undefined && pid !== '' && Number(pid) !== process.pid) return;
    const everyMs = Math.max(50, Math.floor(usec / 2000));
    this.watchdogTimer = setInterval(() => {
      // A helper stuck on its barrier must not pile up more of them.
      if (this.watchdogInFlight >= 2) return;
      this.watchdogInFlight++;
      void this.notify('WATCHDOG=1', () => this.watchdogInFlight--);
    }, everyMs);
    this.log.info({ everyMs }, 'watchdog pings enabled');
  }

  stopWatchdog(): void {
    clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
