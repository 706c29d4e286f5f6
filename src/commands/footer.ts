/**
 * `tillbox footer --preview RECEIPT_ID [--ascii] [--hex] [--config F] [--now ISO]`
 * The at-till footer a filed receipt would get, rendered by the project's own decoder as it would
 * print (a printer in double-byte mode, or with --ascii in a single-byte code page). Reads the
 * ledger only; nothing is printed or recorded. "This month" is the receipt's month unless --now.
 * `tillbox footer --print [RECEIPT_ID] [--idle-ms N]`: a test print through the running daemon
 * (src/commands/footer-print.ts).
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { decodeAll, renderText } from '../escpos/index.js';
import { PrinterStateTracker } from '../footer/printer-state.js';
import { FooterService } from '../footer/service.js';
import { footerSettings, loadRules } from '../footer/setup.js';
import { categoryOfItem } from '../ledger/catalogue.js';
import { openExistingLedger } from '../ledger/open.js';
import { statusQueries } from '../ledger/queries-status.js';
import { createLogger } from '../log.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig } from '../pipeline/options.js';
import { parseCommandArgs } from './args.js';
import { printTest } from './footer-print.js';
import type { CommandIO } from './types.js';

const HELP = `usage: tillbox footer --preview RECEIPT_ID [--ascii] [--hex] [--config tillbox.yaml] [--now ISO]
       tillbox footer --print [RECEIPT_ID] [--idle-ms 2000] [--config tillbox.yaml]
  --ascii    as printed by a printer in a single-byte code page (English, ASCII only)
  --hex      also print the block's bytes
  --print    print a test block (or RECEIPT_ID's footer, without coupons) through the running
             daemon, only while the till is idle; refused, with the reason, otherwise
  --idle-ms  how long the till must have been quiet (default 2000)
`;

interface Values { preview?: string; print: boolean; 'idle-ms': string; ascii: boolean; hex: boolean; config?: string; now?: string; help: boolean }

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options below.
  const parsed = parseCommandArgs(argv, {
    preview: { type: 'string', short: 'p' }, print: { type: 'boolean', default: false }, 'idle-ms': { type: 'string', default: '2000' },
    ascii: { type: 'boolean', default: false }, hex: { type: 'boolean', default: false },
    config: { type: 'string', short: 'c' }, now: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
  });
  const values = parsed.values as Values;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.print) {
    if (values.preview !== undefined || parsed.positionals.length > 1) throw new TillboxError('TBX_USAGE', `--print takes at most one RECEIPT_ID and no --preview\n${HELP}`);
    return printTest(parsed.positionals[0] ?? null, values['idle-ms'], values.config, io);
  }
  if (parsed.positionals.length > 0) throw new TillboxError('TBX_USAGE', `unexpected argument '${parsed.positionals[0] ?? ''}'\n${HELP}`);
  if (values.preview === undefined) throw new TillboxError('TBX_USAGE', `give --preview RECEIPT_ID\n${HELP}`);
  const given = values.now === undefined ? undefined : new Date(values.now);
  if (given !== undefined && Number.isNaN(given.getTime())) throw new TillboxError('TBX_USAGE', `--now: expected an ISO 8601 time, got '${values.now ?? ''}'`);
  const config = loadConfig(values.config, io.env);
  const ledger = openExistingLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const stored = statusQueries(ledger).receipt(values.preview);
    if (stored === null) throw new TillboxError('TBX_INPUT_INVALID', `no receipt '${values.preview}' in the ledger (ids are on the status page and in tillbox export)`);
    // As it would have printed at the till: "this month" is the receipt's month unless --now says otherwise.
    const printed = stored.receipt.time !== null ? new Date(stored.receipt.time) : new Date();
    const now = given ?? (Number.isNaN(printed.getTime()) ? new Date() : printed);
    const logger = createLogger({ level: 'warn' });
    const decoderOptions = decoderOptionsFromConfig(config);
    const service = new FooterService({
      settings: footerSettings(config), rules: loadRules(config, logger), ledger, decoderOptions,
      parseOptions: () => parseOptionsFromConfig(config, []), categoryOf: categoryOfItem(ledger.db), send: () => undefined, logger, now: () => now,
    });
    // A printer just initialised, in double-byte mode unless --ascii.
    const tracker = new PrinterStateTracker(decoderOptions);
    tracker.feed(Buffer.from(values.ascii ? [0x1b, 0x40, 0x1c, 0x2e] : [0x1b, 0x40, 0x1c, 0x26]));
    const render = service.render(stored.receipt, tracker.state, { alreadyFiled: true });
    if (render === null) {
      io.stdout.write('(no footer: nothing to say for this receipt with the footer settings)\n');
      return 0;
    }
    const prefix = Buffer.from(values.ascii ? [0x1b, 0x40, 0x1c, 0x2e] : [0x1b, 0x40, 0x1c, 0x26]);
    const doc = decodeAll(Buffer.concat([prefix, render.bytes]), decoderOptions)[0];
    io.stdout.write(`${doc === undefined ? render.text : renderText(doc)}\n`);
    if (values.hex) io.stdout.write(`${render.bytes.toString('hex')}\n`);
    if (render.coupons.length > 0) io.stdout.write(`(coupons shown, not issued: ${render.coupons.map((c) => c.code).join(', ')})\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
