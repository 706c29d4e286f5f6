import { Worker } from 'node:worker_threads';
import { TillboxError } from '../errors.js';
import type { Logger } from '../log.js';
import { FaultLog, isDiskFull } from '../io/write-fault.js';
import type { ChunkMessage, FromWorker, JournalDirection, WriterSettings } from './types.js';
import { DROP_LOG_EVERY_MS, JOURNAL_RETRY_MS, type JournalStats, type JournalWriterOptions } from './writer-options.js';

export { DROP_LOG_EVERY_MS, JOURNAL_RETRY_MS, type JournalStats, type JournalWriterOptions } from './writer-options.js';

export interface JournalStartOptions {
  /**
   * When the journal cannot be opened and this says yes (the data disk is full), start() resolves
   * anyway: forwarding must not wait for the disk. Chunks wait in the bounded queue while the
   * writer is retried with back-off (at most JOURNAL_REOPEN_MAX_MS apart).
   */
  retryIf?: (err: Error) => boolean;
}

/** Longest pause between two attempts to (re)start the writer. */
export const JOURNAL_REOPEN_MAX_MS = 30_000;

interface InFlight {
  bytes: number;
  at: number;
}

/**
 * Main-thread side of the journal: `record()` copies a chunk to the writer worker and returns at
 * once. Forwarding never depends on it: when the worker is slow, dead or restarting, chunks beyond
 * a bounded queue are dropped, counted and logged loudly, and the worker is restarted with back-off.
 */
export class JournalWriter {
  private readonly opts: Required<Omit<JournalWriterOptions, 'logger' | 'diskFull'>>;
  private readonly log: Logger;
  private worker: Worker | undefined;
  private ready = false;
  private stopping = false;
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private readonly waiting: ChunkMessage[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = 500;
  private lastDropLog = 0;
  private overflowing = false;
  /** Chunks were dropped since the last POS chunk went through: the next one is a link break. */
  private holeBefore = false;
  /** The first open failed and start() was told to go on: keep trying to open it. */
  private retryOpen = false;
  private readonly fault: FaultLog;
  private readonly stats: JournalStats = {
    posted: 0, committed: 0, dropped: 0, droppedBytes: 0, stalled: null, stallsRecovered: 0, lagChunks: 0, lagMs: 0, lastSeq: 0, workerRestarts: 0, writerUp: false,
  };

  constructor(opts: JournalWriterOptions) {
    this.log = opts.logger.child({ module: 'journal' });
    const diskFull = opts.diskFull;
    this.fault = new FaultLog(this.log, 'journal', Date.now, undefined, (err) => isDiskFull(err) || diskFull?.() === true);
    this.opts = {
      dbPath: opts.dbPath,
      maxBytes: opts.maxBytes,
      maxAgeDays: opts.maxAgeDays,
      flushMs: opts.flushMs ?? 20,
      flushRows: opts.flushRows ?? 512,
      retentionEveryMs: opts.retentionEveryMs ?? 60_000,
      retryMs: opts.retryMs ?? JOURNAL_RETRY_MS,
      nice: opts.nice ?? 0,
      maxInFlightChunks: opts.maxInFlightChunks ?? 100_000,
      maxInFlightBytes: opts.maxInFlightBytes ?? 4 * 1024 * 1024,
      workerUrl: opts.workerUrl ?? new URL('./writer-worker.js', import.meta.url),
    };
  }

  /** Starts the worker and resolves once the journal is open; TBX_JOURNAL_OPEN_FAILED otherwise (see retryIf). */
  async start(opts: JournalStartOptions = {}): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.spawn((err) => {
        if (err === undefined) return resolve();
        if (opts.retryIf?.(err) === true) {
          this.retryOpen = true;
          return resolve();
        }
        reject(new TillboxError('TBX_JOURNAL_OPEN_FAILED', `${this.opts.dbPath}: ${err.message}`, { cause: err }));
      });
    });
  }

  /** Hands one chunk to the journal. Never throws, never waits. */
  record(dir: JournalDirection, bytes: Uint8Array, delivered: boolean, wallTime: number, mono: number, linkBreak = false): void {
    this.stats.posted++;
    // A hole in the journal (chunks dropped before this one) ends the document as a lost link does:
    // the pipeline must not join the bytes before the hole to those after it.
    const brk = linkBreak || (dir === 'pos>printer' && this.holeBefore);
    // A chunk is usually a view into a 64 KiB read pool, and structured clone would copy the whole
    // pool per message; copy just the bytes into their own buffer and transfer that instead.
    const msg: ChunkMessage = { kind: 'chunk', dir, bytes: new Uint8Array(bytes), wallTime, mono, delivered, ...(brk ? { brk: true as const } : {}) };
    // Once over the bound, drop everything until the queue has drained to half of it: one hole in
    // the journal rather than many (a later small chunk slipping in would splice two documents).
    if (
      this.overflowing ||
      this.inFlight.length + this.waiting.length >= this.opts.maxInFlightChunks ||
      this.inFlightBytes + bytes.byteLength > this.opts.maxInFlightBytes
    ) {
      this.overflowing = true;
      this.drop(1, bytes.byteLength, this.stats.stalled === null ? 'journal queue full' : `journal queue full while the journal cannot write (${this.stats.stalled.code})`, dir === 'pos>printer');
      return;
    }
    if (dir === 'pos>printer') this.holeBefore = false;
    if (!this.ready || this.worker === undefined) {
      this.waiting.push(msg);
      this.inFlightBytes += bytes.byteLength;
      return;
    }
    this.post(this.worker, msg);
  }

  snapshot(): JournalStats {
    const oldest = this.inFlight[0]?.at ?? this.waiting[0]?.wallTime;
    return {
      ...this.stats,
      lagChunks: this.inFlight.length + this.waiting.length,
      lagMs: oldest === undefined ? 0 : Math.max(0, Date.now() - oldest),
      writerUp: this.ready,
    };
  }

  /** Commits what is queued and closes the database. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (worker === undefined) {
      // Never opened (full disk at start): what waited for it is not journaled; count it.
      const lost = this.waiting.splice(0);
      if (lost.length > 0) this.drop(lost.length, lost.reduce((n, m) => n + m.bytes.byteLength, 0), 'journal never opened');
      return;
    }
    const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    if (this.ready) worker.postMessage({ kind: 'close' });
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  private post(worker: Worker, msg: ChunkMessage): void {
    // Read the length first: transferring the buffer detaches it (byteLength 0 afterwards), which
    // left the byte bound counting nothing at all.
    const bytes = msg.bytes.byteLength;
    try {
      worker.postMessage(msg, [msg.bytes.buffer as ArrayBuffer]);
      this.inFlight.push({ bytes, at: msg.wallTime });
      this.inFlightBytes += bytes;
    } catch (err) {
      this.drop(1, bytes, `journal post failed: ${(err as Error).message}`, msg.dir === 'pos>printer');
    }
  }

  private spawn(onStarted?: (err?: Error) => void): void {
    const worker = new Worker(this.opts.workerUrl, {
      workerData: {
        dbPath: this.opts.dbPath,
        maxBytes: this.opts.maxBytes,
        maxAgeDays: this.opts.maxAgeDays,
        flushMs: this.opts.flushMs,
        flushRows: this.opts.flushRows,
        retentionEveryMs: this.opts.retentionEveryMs,
        retryMs: this.opts.retryMs,
        nice: this.opts.nice,
      } satisfies WriterSettings,
      // A small young generation keeps the writer's RSS low on a 512 MB box; its queue is bounded
      // by maxInFlightBytes anyway, and running out of heap only restarts the writer.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    });
    this.worker = worker;
    let readySeen = false;
    let reported = false;
    worker.on('message', (msg: FromWorker) =>
      this.onMessage(worker, msg, () => {
        readySeen = true;
        reported = true;
        onStarted?.();
      }),
    );
    worker.on('error', (err) => {
      if (!reported) onStarted?.(err);
      reported = true;
      // A journal that cannot be opened (full disk) and is retried is a state, logged once a minute;
      // a first start that is not retried rejects with TBX_JOURNAL_OPEN_FAILED instead.
      if (readySeen) this.log.error({ err }, 'journal writer failed');
      else if (onStarted === undefined || this.retryOpen) this.noteStall(err);
    });
    worker.on('exit', (code) => {
      if (!reported) onStarted?.(new Error(`journal writer exited with code ${code}`));
      reported = true;
      this.onExit(worker, code, onStarted === undefined || readySeen || this.retryOpen, readySeen);
    });
  }

  private onMessage(worker: Worker, msg: FromWorker, started: () => void): void {
    switch (msg.type) {
      case 'ready': {
        this.ready = true;
        this.stats.lastSeq = msg.lastSeq;
        this.restartDelayMs = 500;
        this.log.info({ lastSeq: msg.lastSeq, path: this.opts.dbPath }, 'journal open');
        if (this.stats.stalled !== null) {
          this.stats.stalled = null;
          this.stats.stallsRecovered++;
          this.fault.ok({ queuedChunks: this.waiting.length });
        }
        const queued = this.waiting.splice(0);
        for (const m of queued) {
          this.inFlightBytes -= m.bytes.byteLength;
          this.post(worker, m);
        }
        started();
        return;
      }
      case 'committed': {
        const done = this.inFlight.splice(0, msg.count);
        for (const d of done) this.inFlightBytes -= d.bytes;
        this.stats.committed += msg.count;
        this.stats.lastSeq = msg.lastSeq;
        if (this.overflowing && this.inFlightBytes <= this.opts.maxInFlightBytes / 2 && this.inFlight.length + this.waiting.length <= this.opts.maxInFlightChunks / 2) {
          this.overflowing = false;
        }
        if (this.stats.stalled !== null) {
          this.stats.stalled = null;
          this.stats.stallsRecovered++;
          this.fault.ok({ dropped: this.stats.dropped, droppedBytes: this.stats.droppedBytes, lastSeq: msg.lastSeq });
        }
        return;
      }
      case 'stalled':
        this.noteStall(Object.assign(new Error(msg.message), { code: msg.code }));
        return;
      case 'retention':
        if (msg.deletedRows > 0) this.log.info({ deletedRows: msg.deletedRows, usedBytes: msg.usedBytes, keptFromSeq: msg.keptFromSeq }, 'journal retention');
        return;
      case 'warn':
        this.log.warn(msg.message);
        return;
      case 'closed':
        this.stats.lastSeq = msg.lastSeq;
        this.log.info({ lastSeq: msg.lastSeq }, 'journal closed');
        return;
    }
  }

  private noteStall(err: Error): void {
    this.fault.fail(err, { queuedChunks: this.inFlight.length + this.waiting.length, queuedBytes: this.inFlightBytes, boundBytes: this.opts.maxInFlightBytes });
    const f = this.fault.current;
    if (f !== null) this.stats.stalled = { reason: f.reason, code: f.code, since: f.since };
  }

  /** `restartable` is false only when the very first start failed (start() rejects instead). */
  private onExit(worker: Worker, code: number, restartable: boolean, wasReady: boolean): void {
    if (worker !== this.worker) return;
    this.ready = false;
    this.worker = undefined;
    const lost = this.inFlight.splice(0);
    for (const l of lost) this.inFlightBytes -= l.bytes;
    this.overflowing = false;
    if (lost.length > 0) this.drop(lost.length, lost.reduce((n, l) => n + l.bytes, 0), 'journal writer exited with chunks not committed');
    // A writer that never opened keeps its stall (the page stays red); one that ran starts afresh.
    if (wasReady) this.stats.stalled = null;
    if (this.stopping || !restartable) return;
    if (wasReady) this.log.error({ code, restartInMs: this.restartDelayMs }, 'journal writer exited; restarting it (forwarding continues)');
    this.restartTimer = setTimeout(() => {
      this.stats.workerRestarts++;
      this.spawn();
    }, this.restartDelayMs);
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, JOURNAL_REOPEN_MAX_MS);
  }

  /** `posLost`: POS bytes are among the dropped (a hole in the till's stream, not only in its replies). */
  private drop(count: number, bytes: number, reason: string, posLost = true): void {
    if (posLost) this.holeBefore = true;
    this.stats.dropped += count;
    this.stats.droppedBytes += bytes;
    const now = Date.now();
    if (now - this.lastDropLog >= DROP_LOG_EVERY_MS) {
      this.lastDropLog = now;
      this.log.error({ dropped: this.stats.dropped, droppedBytes: this.stats.droppedBytes, reason }, 'JOURNAL DROPPING CHUNKS: bytes are still forwarded but not recorded');
    }
  }
}
