/**
 * `tillbox headoffice --mqtt URL --db postgres://… [--share GROUP] [--name NAME] [--stats-every S]
 * [--web PORT [--web-host H] [--trust-proxy]] [--qr-key-file F]`: the reference head-office
 * consumer, and with --web the shopper page (src/headoffice/web/). Runs until SIGINT/SIGTERM,
 * then prints its totals.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { TillboxError } from '../errors.js';
import { startHeadOffice, type HeadOffice, type HeadOfficeStats } from '../headoffice/consumer.js';
import { buildShopperApp } from '../headoffice/web/app.js';
import { createLogger } from '../log.js';
import { redactUrl } from '../sync/connection.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const USAGE = `usage: tillbox headoffice --mqtt URL --db postgres://USER@HOST/DB [--share GROUP] [--name NAME] [--stats-every SECONDS]
                          [--qr-key-file FILE] [--web PORT [--web-host HOST] [--trust-proxy]]
  subscribes $share/GROUP/tillbox/+/+/basket (MQTT 5) and upserts every basket into PostgreSQL
  table tillbox_baskets, idempotently by basket id; run several with the same GROUP to split the load.
  With the boxes' QR key (footer.qr.key; --qr-key-file or TILLBOX_HEADOFFICE_QR_KEY) it stores each
  basket's receipt token, and --web PORT serves the shopper page /r/{store}/{token} (docs/head-office.md).
  Broker credentials may be in the URL (mqtt://user:pass@host); the password is never printed.`;

interface Values {
  mqtt?: string;
  db?: string;
  share?: string;
  name?: string;
  'stats-every'?: string;
  'log-level'?: string;
  'qr-key-file'?: string;
  web?: string;
  'web-host'?: string;
  'trust-proxy'?: boolean;
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
      'qr-key-file': { type: 'string' },
      web: { type: 'string' },
      'web-host': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
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

  const qrKey = readQrKey(values['qr-key-file'], io.env);
  const webPort = values.web === undefined ? undefined : Number(values.web);
  if (webPort !== undefined && !(Number.isInteger(webPort) && webPort >= 0 && webPort <= 65535)) throw new TillboxError('TBX_USAGE', '--web: expected a TCP port number (0-65535)');
  if (webPort !== undefined && qrKey === undefined) throw new TillboxError('TBX_USAGE', '--web: the shopper page needs the boxes\' QR key: --qr-key-file FILE or TILLBOX_HEADOFFICE_QR_KEY (footer.qr.key on the boxes)');
  const webHost = values['web-host'] ?? '127.0.0.1';

  const logger = createLogger({ level: values['log-level'] ?? 'warn', destination: io.stderr });
  let ho: HeadOffice;
  try {
    ho = await startHeadOffice({ mqttUrl: values.mqtt, dbUrl: values.db, group, name, logger, ...(qrKey !== undefined ? { qrKey } : {}) });
  } catch (err) {
    throw new TillboxError('TBX_PORT_OPEN_FAILED', `headoffice: cannot start: ${(err as Error).message}`, { cause: err });
  }
  io.stdout.write(`headoffice ${name}: consuming ${ho.topic} from ${redactUrl(values.mqtt)} into ${redactUrl(values.db)} (table tillbox_baskets)\n`);
  let stopWeb = async (): Promise<void> => {};
  if (webPort !== undefined && qrKey !== undefined) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: values.db, max: 4 });
    pool.on('error', (err) => logger.error({ err: { message: err.message } }, 'shopper page database error'));
    const app = await buildShopperApp({ db: pool, publish: (t, p) => ho.publish(t, p), qrKey, logger, trustProxy: values['trust-proxy'] === true });
    let address: string;
    try {
      address = await app.listen({ port: webPort, host: webHost });
    } catch (err) {
      await ho.stop();
      throw new TillboxError('TBX_PORT_OPEN_FAILED', `headoffice --web: cannot listen on ${webHost}:${webPort}: ${(err as Error).message}`, { cause: err });
    }
    io.stdout.write(`headoffice ${name}: shopper page on ${address} (/r/{store}/{token})\n`);
    stopWeb = async () => {
      await app.close();
      await pool.end();
    };
  }
  const line = (s: HeadOfficeStats): string => `headoffice ${name}: received ${s.received}, inserted ${s.inserted}, duplicates ${s.duplicates}, rejected ${s.rejected}, db errors ${s.dbErrors}, consent answers ${s.consentAnswers}, webpush keys ${s.webpushKeys}\n`;
  const timer = every > 0 ? setInterval(() => io.stdout.write(line(ho.stats())), every * 1000) : null;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (timer !== null) clearInterval(timer);
  await stopWeb();
  await ho.stop();
  io.stdout.write(line(ho.stats()));
  return 0;
}

/** The boxes' footer.qr.key: from a file (trailing newline dropped) or TILLBOX_HEADOFFICE_QR_KEY. */
function readQrKey(file: string | undefined, env: CommandIO['env']): string | undefined {
  let key: string | undefined;
  if (file !== undefined) {
    try {
      key = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new TillboxError('TBX_USAGE', `--qr-key-file: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  } else key = env['TILLBOX_HEADOFFICE_QR_KEY'];
  if (key === '') return undefined;
  if (key !== undefined && key.length < 16) throw new TillboxError('TBX_USAGE', `${file !== undefined ? '--qr-key-file' : 'TILLBOX_HEADOFFICE_QR_KEY'}: expected the boxes' footer.qr.key (at least 16 characters)`);
  return key;
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
  "qr-key-file": "file holding the boxes' footer.qr.key, for receipt tokens (or TILLBOX_HEADOFFICE_QR_KEY)",
  web: "serve the shopper page (/r/{store}/{token}) on this port; needs the QR key",
  "web-host": "address the shopper page listens on (default: 127.0.0.1; put a TLS proxy in front)",
  "trust-proxy": "take the client address from X-Forwarded-For (behind a reverse proxy)",
};
