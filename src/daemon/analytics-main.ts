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
import type { TapStatsMessage } from './messages.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' } }, strict: false });
const configPath = typeof values.config === 'string' ? values.config : undefined;
const config = loadConfig(configPath, process.env);
const logger = createLogger({ level: config.log.level }).child({ process: 'analytics' });
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const analytics = await startAnalytics({ config, logger, version });
process.on('message', (msg: TapStatsMessage) => {
  if (msg.type === 'tap-stats') analytics.onTapStats(msg);
});
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  analytics.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'analytics stop failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The tap went away (IPC closed): nothing left to serve.
process.on('disconnect', stop);
