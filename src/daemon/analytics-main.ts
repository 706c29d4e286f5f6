/**
 * Entry of the analytics child process that the tap process forks (src/daemon/supervisor.ts).
 * argv: `--config PATH` (absent: built-in defaults); TILLBOX_* overrides apply; the tap's figures
 * arrive once a second as TapStatsMessage over IPC. Whatever happens here, the tap keeps printing.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { startAnalytics } from './analytics.js';
import type { FooterOutcomeMessage, FooterRequestMessage, TapStatsMessage } from './messages.js';

const STOP_DEADLINE_MS = 10_000;

const { values } = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' } }, strict: false });
const configPath = typeof values.config === 'string' ? values.config : undefined;
const config = loadConfig(configPath, process.env);
const logger = createLogger({ level: config.log.level }).child({ process: 'analytics' });
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
process.on('SIGINT', stop);
// The tap went away (IPC closed): nothing left to serve.
process.on('disconnect', stop);
process.on('message', (msg: TapStatsMessage | FooterRequestMessage | FooterOutcomeMessage) => {
  if (msg.type === 'tap-stats') analytics?.onTapStats(msg);
  else if (msg.type === 'footer-request' || msg.type === 'footer-outcome') analytics?.onFooterMessage(msg);
});

analytics = await startAnalytics({ config, logger, version, sendToTap: (m) => {
    try {
      process.send?.(m);
    } catch {
      // The tap went away: its hold times out on its own.
    }
  },
});
if (stopping) shutDown(analytics);
else if (process.send !== undefined && !process.connected) stop(); // the tap went before we listened
