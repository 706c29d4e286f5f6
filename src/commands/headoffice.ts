/**
 * `tillbox headoffice --mqtt URL --db postgres://… [--share GROUP] [--name NAME] [--stats-every S]`:
 * the reference head-office consumer. Runs until SIGINT/SIGTERM, then prints its totals.
 */
import { hostname } from 'node:os';
import { TillboxError } from '../errors.js';
import { startHeadOffice, type HeadOfficeStats } from '../headoffice/consumer.js';
import { createLogger } from '../log.js';
import { redactUrl } from '../sync/connection.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const USAGE = `usage: tillbox headoffice --mqtt URL --db postgres://USER@HOST/DB [--share GROUP] [--name NAME] [--stats-every SECONDS]
  subscribes $share/GROUP/tillbox/+/+/basket (MQTT 5) and upserts every basket into PostgreSQL
  table tillbox_baskets, idempotently by basket id; run several with the same GROUP to split the load.
  Broker credentials may be in the URL (mqtt://user:pass@host); the password is never printed.`;

interface Values {
  mqtt?: string;
  db?: string;
  share?: string;
  name?: string;
  'stats-every'?: string;
  'log-level'?: string;
  help?: boolean;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' return type does not carry the option names through; the shape is known here.
  const values = parseCommandArgs(
    argv,
    {
      mqtt: { type: 'string' },
      db: { type: 'string' },
      share: { type: 'string' },
      name: { type: 'string' },
      'stats-every': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  ).values as Values;
  if (values.mqtt === undefined || !/^(mqtts?|wss?|tcp|ssl):\/\//.test(values.mqtt)) throw new TillboxError('TBX_USAGE', `--mqtt: expected a broker URL such as mqtt://broker:1883\n${USAGE}`);
  if (values.db === undefined || !/^postgres(ql)?:\/\//.test(values.db)) throw new TillboxError('TBX_USAGE', `--db: expected a PostgreSQL URL such as postgres://postgres@127.0.0.1/crm\n${USAGE}`);
  const group = values.share ?? 'tillbox-headoffice';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(group)) throw new TillboxError('TBX_USAGE', '--share: expected a group name of letters, digits, . _ -');
  const name = values.name ?? `${hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new TillboxError('TBX_USAGE', '--name: expected letters, digits, . _ -');
  const every = Number(values['stats-every'] ?? '60');
  if (!(every >= 0)) throw new TillboxError('TBX_USAGE', '--stats-every: expected a number of seconds (0: only at the end)');

  const logger = createLogger({ level: values['log-level'] ?? 'warn', destination: io.stderr });
  let ho;
  try {
    ho = await startHeadOffice({ mqttUrl: values.mqtt, dbUrl: values.db, group, name, logger });
  } catch (err) {
    throw new TillboxError('TBX_PORT_OPEN_FAILED', `headoffice: cannot start: ${(err as Error).message}`, { cause: err });
  }
  io.stdout.write(`headoffice ${name}: consuming ${ho.topic} from ${redactUrl(values.mqtt)} into ${redactUrl(values.db)} (table tillbox_baskets)\n`);
  const line = (s: HeadOfficeStats): string => `headoffice ${name}: received ${s.received}, inserted ${s.inserted}, duplicates ${s.duplicates}, rejected ${s.rejected}, db errors ${s.dbErrors}\n`;
  const timer = every > 0 ? setInterval(() => io.stdout.write(line(ho.stats())), every * 1000) : null;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (timer !== null) clearInterval(timer);
  await ho.stop();
  io.stdout.write(line(ho.stats()));
  return 0;
}

/** `tillbox headoffice --help`: the usage line, and a line per option of the parse table. */
export const usage = USAGE;
export const optionHelp: Readonly<Record<string, string>> = {
  mqtt: "broker URL (mqtt://user:pass@host:1883)",
  db: "PostgreSQL URL (postgres://USER@HOST/DB)",
  share: "shared-subscription group (default: tillbox-headoffice)",
  name: "this consumer's name (default: HOST-PID)",
  "stats-every": "seconds between stats lines on stderr (0: only at the end)",
  "log-level": "pino log level on stderr (default: warn)",
};
