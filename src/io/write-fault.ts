/**
 * Writes that fail (mostly: the data disk is full) are a state, not an event: every part that
 * writes to disk keeps what it could not write, retries, and reports the state once, then once a
 * minute while it lasts, then once more when it clears. A failure retried every 200 ms must not
 * write a stack trace every 200 ms (issue 17 item 6): the log would fill the disk that is full.
 */
import { statfsSync } from 'node:fs';
import type { Logger } from '../log.js';

/** While a write fault lasts, it is logged at most this often (after its first line, with the error). */
export const FAULT_LOG_EVERY_MS = 60_000;

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Whether an error (or one of its causes) says the disk or quota is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** No block left for this process's user on the filesystem holding `dir` (false when unknown). */
export function dirFull(dir: string): boolean {
  try {
    return statfsSync(dir).bavail === 0;
  } catch {
    return false;
  }
}

/** The code of an error for status and logs: the first `code` along the cause chain, else its name. */
export function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.name : 'unknown';
}

export interface FaultState {
  /** 'disk_full' or 'write_failed'. */
  reason: 'disk_full' | 'write_failed';
  code: string;
  /** Epoch ms of the first failure of this episode. */
  since: number;
  /** Failures in this episode. */
  failures: number;
  /** The error came from storage (a SQLITE_* or errno code), not from a bug: the disk light may show it. */
  io: boolean;
}

const IO_CODE = /^(SQLITE_[A-Z_]+|E[A-Z]+)$/;

/**
 * One writer's fault episode: `fail(err)` on every failed attempt, `ok()` on every success.
 * Logs the first failure with its error, then a summary at most every FAULT_LOG_EVERY_MS, and
 * one line when writes succeed again.
 */
export class FaultLog {
  private state: FaultState | null = null;
  private lastLog = 0;
  private failuresSinceLog = 0;
  /** Episodes ended so far (writes that failed and then succeeded again). */
  recovered = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly now: () => number = Date.now,
    private readonly everyMs = FAULT_LOG_EVERY_MS,
    /** Classifies a failure; a caller that can look at the disk (statfs) may know better than the error. */
    private readonly full: (err: unknown) => boolean = isDiskFull,
  ) {}

  get current(): FaultState | null {
    return this.state === null ? null : { ...this.state };
  }

  fail(err: unknown, extra: Record<string, unknown> = {}): void {
    const t = this.now();
    this.failuresSinceLog++;
    if (this.state === null) {
      const code = errorCode(err);
      this.state = { reason: this.full(err) ? 'disk_full' : 'write_failed', code, since: t, failures: 1, io: IO_CODE.test(code) };
      this.lastLog = t;
      this.failuresSinceLog = 0;
      this.log.error({ err, ...extra, reason: this.state.reason }, `${this.what}: write failed; keeping the data and retrying (logged once a minute while it lasts)`);
      return;
    }
    this.state.failures++;
    this.state.code = errorCode(err);
    if (t - this.lastLog >= this.everyMs) {
      this.lastLog = t;
      this.log.error(
        { ...extra, reason: this.state.reason, code: this.state.code, failedForS: Math.round((t - this.state.since) / 1000), failuresSinceLastLine: this.failuresSinceLog, message: err instanceof Error ? err.message : String(err) },
        `${this.what}: still cannot write`,
      );
      this.failuresSinceLog = 0;
    }
  }

  ok(extra: Record<string, unknown> = {}): void {
    const s = this.state;
    if (s === null) return;
    this.state = null;
    this.recovered++;
    this.log.warn({ ...extra, reason: s.reason, failedForS: Math.round((this.now() - s.since) / 1000), failures: s.failures }, `${this.what}: writing again`);
  }
}
