/**
 * Entry of the analytics child process that the tap process forks (src/daemon/supervisor.ts).
 * argv: `--config PATH` (absent: built-in defaults); TILLBOX_* overrides apply; the tap's figures
 * arrive once a second as TapStatsMessage over IPC. Whatever happens here, the tap keeps printing.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { startAnalytics, type Analytics } from './analytics.js';
import { DEGRADED_RETRY_MS, serveDegradedPage, type DegradedPage } from './degraded-page.js';
import { dirFull, FaultLog, isDiskFull } from '../io/write-fault.js';
import { LOG_RING_LINES, LogRing } from '../log-ring.js';
import type { LogSource } from '../web/routes/logs.js';
import type { AnalyticsReady, LogLevelMessage, FooterOutcomeMessage, FooterRequestMessage, FooterTestRequestMessage, HeartbeatPing, HeartbeatPong, TapStatsMessage } from './messages.js';

const STOP_DEADLINE_MS = 10_000;

const { values } = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' } }, strict: false });
const configPath = typeof values.config === 'string' ? values.config : undefined;
const config = loadConfig(configPath, process.env);
// This process's recent lines and the tap's (sent with its stats), for the owner's log view.
const ownLines = new LogRing();
const tapLines = new LogRing(LOG_RING_LINES / 4);
const logger = createLogger({ level: config.log.level, ring: ownLines }).child({ process: 'analytics' });
const logs: LogSource = {
  lines: (n) => mergeByTime(ownLines.last(n), tapLines.last(n)).slice(-n),
  level: () => logger.level,
  setLevel: (level) => {
    logger.level = level;
    if (process.connected) process.send?.({ type: 'log-level', level } satisfies LogLevelMessage);
  },
};
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// Handlers first: a tap killed while we are still starting must not leave us running (the
// 'disconnect' event fires once; registered after the await, it was missed and the child stayed
// behind, holding the ledger and the web port).
let analytics: Awaited<ReturnType<typeof startAnalytics>> | null = null;
let stopping = false;
const shutDown = (a: NonNullable<typeof analytics>): void => {
  a.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'analytics stop failed');
      process.exit(1);
    },
  );
};
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  // Never outlive a stop request by long, whatever hangs in a graceful stop.
  setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
  if (analytics !== null) shutDown(analytics); // else: still starting, shut down once started
};
process.on('SIGTERM', stop);
// Forwarded by the tap on SIGHUP: the log level from the config file, without a restart. Children
// made with child() take their level methods from this logger's prototype chain, so they follow.
process.on('SIGHUP', () => {
  try {
    logger.level = loadConfig(configPath, process.env).log.level;
    logger.info({ logLevel: logger.level }, 'log level re-read'); // not `level`: pino's own field
  } catch (err) {
    logger.error({ err }, 'SIGHUP: config not re-read, log level unchanged');
  }
});
process.on('SIGINT', stop);
// The tap went away (IPC closed): nothing left to serve.
process.on('disconnect', stop);
process.on('message', (msg: TapStatsMessage | HeartbeatPing | FooterRequestMessage | FooterOutcomeMessage | FooterTestRequestMessage) => {
  if (msg.type === 'tap-stats') {
    for (const line of msg.logLines ?? []) tapLines.push(line);
    analytics?.onTapStats(msg);
  }
  // The supervisor's heartbeat: answering proves this event loop is not stuck.
  else if (msg.type === 'ping' && process.connected) process.send?.({ type: 'pong', seq: msg.seq } satisfies HeartbeatPong);
  else if (msg.type === 'footer-request' || msg.type === 'footer-outcome' || msg.type === 'footer-test-request') analytics?.onFooterMessage(msg);
});

analytics = await startServing();
if (process.connected) process.send?.({ type: 'analytics-ready' } satisfies AnalyticsReady);
if (stopping) shutDown(analytics);
else if (process.send !== undefined && !process.connected) stop(); // the tap went before we listened

/** Footer replies to the tap; a tap that went away times its hold out on its own. */
function sendToTap(m: object): void {
  try {
    process.send?.(m);
  } catch {
    // the IPC channel closed
  }
}

/**
 * Starts everything, then listens. On a full data disk the databases may not open at all: serve
 * the stand-in page (healthz names the disk) and try again every DEGRADED_RETRY_MS instead of
 * exiting into a crash loop. Any other start-up failure exits as before.
 */
async function startServing(): Promise<Analytics> {
  const faults = new FaultLog(logger.child({ module: 'analytics' }), 'analytics start-up');
  let degraded: DegradedPage | null = null;
  for (;;) {
    try {
      const a = await startAnalytics({ config, logger, version, listen: false, sendToTap, configFile: configPath, env: process.env, logs });
      if (degraded !== null) await degraded.close();
      await a.web.listen({ host: config.web.host, port: config.web.port });
      faults.ok();
      return a;
    } catch (err) {
      if (!isDiskFull(err) && !dirFull(config.dataDir)) throw err;
      faults.fail(err, { dataDir: config.dataDir });
      degraded ??= await serveDegradedPage(config.web.host, config.web.port, 'disk_full').catch((e: unknown) => {
        logger.warn({ err: e }, 'stand-in status page could not listen');
        return null;
      });
      await new Promise((r) => setTimeout(r, DEGRADED_RETRY_MS));
      if (stopping) {
        await degraded?.close();
        process.exit(0);
      }
    }
  }
}

/** Two runs of pino lines (each in time order) as one, by their `time` field. */
function mergeByTime(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  const time = (line: string): number => Number(/"time":(\d+)/.exec(line)?.[1] ?? 0);
  return [...a, ...b].map((line, i) => ({ line, i, t: time(line) })).sort((x, y) => x.t - y.t || x.i - y.i).map((x) => x.line);
}
