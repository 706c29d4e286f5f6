import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { startTapDaemon } from '../daemon/tap-main.js';
import { createLogger } from '../log.js';
import { LogRing } from '../log-ring.js';

/** The tap's lines kept for the page between two stats messages (it logs little). */
const TAP_LOG_RING_LINES = 500;
import { profilesFromConfig } from '../pipeline/options.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

/**
 * `tillbox run [--config FILE]`: the daemon. Runs the tap in this process (ports, journal writer
 * thread) and the analytics pipeline in a supervised child. Stops cleanly on SIGTERM/SIGINT.
 * Without --config it reads ./tillbox.yaml when present, else built-in defaults.
 */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' } }, false);
  const configPath = values.config ?? (existsSync(resolve(io.cwd, 'tillbox.yaml')) ? resolve(io.cwd, 'tillbox.yaml') : undefined);
  const config = loadConfig(configPath === undefined ? undefined : resolve(io.cwd, configPath), io.env);
  // Checked here so a bad profile stops start-up with exit 2 instead of failing in the analytics child.
  profilesFromConfig(config);
  // The ring holds the tap's recent lines for the owner's log view (sent to the analytics child).
  const logRing = new LogRing(TAP_LOG_RING_LINES);
  const logger = createLogger({ level: config.log.level, ring: logRing });
  const daemon = await startTapDaemon({ config, configPath: configPath === undefined ? undefined : resolve(io.cwd, configPath), env: io.env, logger, logRing });

  // SIGHUP (systemctl reload tillbox): re-read log.level from the config, here and in the analytics
  // child. Only the level: everything else needs a restart. A bad file leaves the level as it was.
  const onHangUp = (): void => {
    try {
      const level = loadConfig(configPath === undefined ? undefined : resolve(io.cwd, configPath), io.env).log.level;
      logger.level = level;
      logger.info({ logLevel: level }, 'log level re-read'); // not `level`: that is pino's own field
    } catch (err) {
      logger.error({ err }, 'SIGHUP: config not re-read, log level unchanged');
    }
    daemon.signalAnalytics('SIGHUP');
  };
  process.on('SIGHUP', onHangUp);
  await new Promise<void>((done) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received');
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      done();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  process.off('SIGHUP', onHangUp);
  await daemon.stop();
  return 0;
}

/** `tillbox run --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox run [--config FILE]\n  Without --config: ./tillbox.yaml when present, else built-in defaults. SIGHUP re-reads log.level.';
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file (YAML); TILLBOX_* environment overrides apply',
};
