import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import { JournalWriter } from '../journal/writer.js';
import { dirFull, isDiskFull } from '../io/write-fault.js';
import type { Logger } from '../log.js';
import { bypassFor } from '../bypass/setup.js';
import { createTap } from '../tap/create.js';
import { footerLinkFor } from '../tap/footer-setup.js';
import { isLogLevelMessage, type DaemonStats, type TapStatsMessage } from './messages.js';
import type { LogRing } from '../log-ring.js';
import { CONTROL_SOCKET, startControlSocket } from './control-socket.js';
import { SdNotifier, type Env } from './sdnotify.js';
import { Supervisor } from './supervisor.js';

export interface TapDaemonOptions {
  config: Config;
  /** Passed to the analytics child as `--config PATH` (absent: the child uses built-in defaults). */
  configPath: string | undefined;
  env: Env;
  logger: Logger;
  /** The analytics child: its entry script, or false for none. Default: analytics-main.js beside this file. */
  analytics?: { entry: string } | false;
  /** The journal writer worker script; default: the compiled writer-worker.js. */
  journalWorkerUrl?: URL;
  /** How often tap stats go to the child (ms). */
  statsEveryMs?: number;
  /** The tap's own log lines (the logger's ring), passed to the child for the owner's log view. */
  logRing?: LogRing;
}

/** Tap log lines sent with one stats message at most (a burst past it is in journald, not on the page). */
export const TAP_LOG_LINES_PER_MESSAGE = 200;

export interface TapDaemon {
  stats(): DaemonStats;
  /** Passes a signal to the analytics child (SIGHUP: it re-reads log.level from the config). */
  signalAnalytics(sig: NodeJS.Signals): void;
  /** Reverse start order: analytics child, ports, journal (flushed). */
  stop(): Promise<void>;
}

export const DEFAULT_ANALYTICS_ENTRY = fileURLToPath(new URL('./analytics-main.js', import.meta.url));

/**
 * The tap process: journal writer (worker thread) and the ports at once, then the analytics child.
 * Throws (after undoing what it started) when the journal or a port cannot be opened.
 */
export async function startTapDaemon(opts: TapDaemonOptions): Promise<TapDaemon> {
  const { config, logger, env } = opts;
  const log = logger.child({ module: 'daemon' });
  const startedAt = Date.now();
  const journalPath = resolve(join(config.dataDir, 'journal.db'));
  try {
    mkdirSync(config.dataDir, { recursive: true });
  } catch (err) {
    throw new TillboxError('TBX_JOURNAL_OPEN_FAILED', `dataDir ${config.dataDir} cannot be created: ${(err as Error).message}`, { cause: err });
  }

  const journal = new JournalWriter({
    dbPath: journalPath,
    maxBytes: config.journal.maxBytes,
    maxAgeDays: config.journal.maxAgeDays,
    maxInFlightBytes: config.journal.queueMaxBytes,
    diskFull: () => dirFull(config.dataDir),
    nice: config.tap.journalNice,
    logger,
    ...(opts.journalWorkerUrl !== undefined ? { workerUrl: opts.journalWorkerUrl } : {}),
  });
  let supervisor: Supervisor | undefined;
  const footer = footerLinkFor(config, (msg) => supervisor?.send(msg) ?? false, logger);
  // The first POS chunk after start and after each loss of the POS side is journaled as a link
  // break (journal schema 3): what the till sent meanwhile never arrived, so it ends a document.
  let posLosses = -1;
  const tap = createTap(
    config,
    (dir, bytes, delivered, wall, mono) => {
      let brk = false;
      if (dir === 'pos>printer') {
        const losses = tap.posLosses();
        brk = losses !== posLosses;
        posLosses = losses;
      }
      journal.record(dir, bytes, delivered, wall, mono, brk);
    },
    logger,
    footer,
  );
  // A full data disk can make the journal unopenable (SQLite cannot size its -shm file): print
  // anyway and keep trying to open it. Any other open failure is a start-up error, as before.
  // The ports open while the writer thread starts (a new isolate loading SQLite: 0.3-0.4 s on a
  // loaded 2-core box), so a restarted tap forwards that much sooner; chunks wait in the writer's
  // bounded queue until the journal is open (issue 14: the printing gap after a kill -9).
  const journalUp = journal.start({ retryIf: (err) => isDiskFull(err) || dirFull(config.dataDir) }).then(
    () => undefined,
    (err: unknown) => err,
  );
  try {
    await tap.start();
  } catch (err) {
    await journalUp;
    await journal.stop();
    throw err;
  }
  const journalErr = await journalUp;
  if (journalErr !== undefined) {
    await tap.stop(); // the writer is gone already (start rejects only once it has failed)
    throw journalErr;
  }

  // The relay goes to the box only now that the ports are open (or, USB, waited for behind it).
  const bypass = bypassFor(config, tap, logger);
  bypass?.start();

  const analytics = opts.analytics ?? { entry: DEFAULT_ANALYTICS_ENTRY };
  supervisor =
    analytics === false
      ? undefined
      : new Supervisor({
          entry: analytics.entry,
          args: opts.configPath !== undefined ? ['--config', resolve(opts.configPath)] : [],
          env,
          logger,
          nice: config.tap.analyticsNice,
          // The page's log level switch (the child checked the name; checked again here).
          onMessage: (m: unknown) => {
            if (isLogLevelMessage(m)) logger.level = m.level;
            else footer?.onMessage(m);
          },
        });
  supervisor?.start();

  const snapshot = (): TapStatsMessage => {
    const t = tap.stats();
    return {
      type: 'tap-stats',
      at: Date.now(),
      uptimeMs: Date.now() - startedAt,
      journalPath,
      links: { pos: t.pos, printer: t.printer },
      bytes: { posToPrinter: t.bytesPosToPrinter, printerToPos: t.bytesPrinterToPos },
      droppedWhilePrinterDown: t.droppedWhilePrinterDown,
      droppedWhilePosDown: t.droppedWhilePosDown,
      sessions: t.sessions,
      journal: journal.snapshot(),
      rssBytes: process.memoryUsage.rss(),
      ...(footer !== undefined ? { footer: footer.stats() } : {}),
      ...(bypass !== undefined ? { bypass: { energised: bypass.energised } } : {}),
    };
  };
  let logSent = opts.logRing?.count ?? 0;
  const statsTimer = setInterval(() => {
    const ring = opts.logRing;
    if (ring === undefined) return void supervisor?.send(snapshot());
    const msg: TapStatsMessage = { ...snapshot(), logLines: ring.since(logSent).slice(-TAP_LOG_LINES_PER_MESSAGE) };
    const count = ring.count;
    if (supervisor?.send(msg) === true) logSent = count;
  }, opts.statsEveryMs ?? 1000);
  let lastDropped = 0;
  const reportTimer = setInterval(() => {
    const s = snapshot();
    if (s.droppedWhilePrinterDown.chunks !== lastDropped) {
      lastDropped = s.droppedWhilePrinterDown.chunks;
      log.warn({ droppedWhilePrinterDown: s.droppedWhilePrinterDown }, 'POS bytes arrived while the printer side was down (journaled, not delivered, never replayed)');
    }
  }, 10_000);

  // `tillbox footer --print` reaches the running tap here. A socket that cannot be made (a dataDir
  // path too long for a unix socket, say) costs only that command: printing starts regardless.
  const stream = config.pos.listen === undefined ? 'serial' : 'tcp';
  const control = await startControlSocket(
    join(config.dataDir, CONTROL_SOCKET),
    async (req) => (footer === undefined ? { ok: false, reason: 'footers are off (footer.enabled and footer.dryRun are both false)' } : footer.testPrint(stream, req.receipt, req.idleMs)),
    logger,
  ).catch((err: unknown) => {
    log.warn({ err }, 'control socket not started: tillbox footer --print will not reach this daemon');
    return undefined;
  });

  const notifier = new SdNotifier(env, logger);
  await notifier.notify('READY=1');
  notifier.startWatchdog();
  log.info({ journalPath, pos: tap.stats().pos.address, printer: tap.stats().printer.address }, 'tap ready');

  let stopped: Promise<void> | undefined;
  return {
    signalAnalytics: (sig) => supervisor?.signal(sig),
    stats: () => {
      const { type: _type, ...rest } = snapshot();
      return { ...rest, analytics: supervisor?.stats() ?? { running: false, pid: null, restarts: 0, skippedMessages: 0 } };
    },
    stop: () => {
      stopped ??= (async () => {
        log.info('stopping');
        notifier.stopWatchdog();
        await notifier.notify('STOPPING=1');
        clearInterval(statsTimer);
        clearInterval(reportTimer);
        // Printing goes direct before the ports close.
        bypass?.stop();
        await control?.stop();
        await supervisor?.stop();
        await tap.stop();
        await journal.stop();
        log.info({ ...snapshot().bytes, journal: journal.snapshot() }, 'stopped');
      })();
      return stopped;
    },
  };
}

