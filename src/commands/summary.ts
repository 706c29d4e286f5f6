/**
 * `tillbox summary --member ID [--month YYYY-MM | --week D | --day D | --from D --to D] [--json] [--config F]`
 * `tillbox summary --store [same period options]`
 * A member's or the store's spend for a period (default: the current month, store time zone),
 * with categories, top items and the change against the period before. Member ids are masked.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { openExistingLedger } from '../ledger/open.js';
import { customPeriod, dayPeriod, monthPeriod, weekPeriod, type Period } from '../ledger/period.js';
import { summaryQueries } from '../ledger/queries-summary.js';
import { formatMemberSummary, formatStoreSummary } from '../shopper/report.js';
import { SUMMARY_MONEY, withMinorUnits } from '../money-json.js';
import { maskMember } from '../web/mask.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = `usage: tillbox summary (--member ID | --store) [--month YYYY-MM | --week YYYY-MM-DD | --day YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--json] [--config tillbox.yaml] [--now ISO]
  default period: the current month in the store's time zone
`;

interface Values { member?: string; store: boolean; month?: string; week?: string; day?: string; from?: string; to?: string; json: boolean; config?: string; now?: string; help: boolean }

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options below.
  const values = parseCommandArgs(argv, {
    member: { type: 'string', short: 'm' }, store: { type: 'boolean', default: false },
    month: { type: 'string' }, week: { type: 'string' }, day: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    json: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' }, now: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  }, false).values as Values;
  if ((values.member === undefined) === !values.store) throw new TillboxError('TBX_USAGE', `give exactly one of --member ID or --store\n${HELP}`);
  const config = loadConfig(values.config, io.env);
  const ledger = openExistingLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const now = values.now === undefined ? new Date() : new Date(values.now);
    if (Number.isNaN(now.getTime())) throw new TillboxError('TBX_USAGE', `--now: expected an ISO 8601 time, got '${values.now ?? ''}'`);
    const period = periodFrom(values, ledger.zone.parts(now.getTime()).day);
    const q = summaryQueries(ledger.db, ledger.currency);
    const lang = config.notifications.language;
    if (values.member !== undefined) {
      const mid = ledger.memberKey(values.member);
      if (mid === undefined) throw new TillboxError('TBX_INPUT_INVALID', `--member ${maskMember(values.member)}: no receipts for this member in the ledger`);
      const s = q.member(mid, values.member, period);
      const masked = maskMember(values.member);
      io.stdout.write(values.json ? `${JSON.stringify(withMinorUnits({ ...s, member: masked }, SUMMARY_MONEY, { decimalsIn: ledger.currency }))}\n` : formatMemberSummary(s, masked, lang));
    } else {
      const s = q.store(period);
      io.stdout.write(values.json ? `${JSON.stringify(withMinorUnits(s, SUMMARY_MONEY, { decimalsIn: ledger.currency }))}\n` : formatStoreSummary(s, lang));
    }
    return 0;
  } finally {
    ledger.close();
  }
}

function periodFrom(v: Values, today: string): Period {
  const given = [v.month, v.week, v.day, v.from ?? v.to].filter((x) => x !== undefined).length;
  if (given > 1) throw new TillboxError('TBX_USAGE', 'give one of --month, --week, --day or --from/--to');
  if (v.month !== undefined) return monthPeriod(v.month);
  if (v.week !== undefined) return weekPeriod(v.week);
  if (v.day !== undefined) return dayPeriod(v.day);
  if (v.from !== undefined || v.to !== undefined) {
    if (v.from === undefined || v.to === undefined) throw new TillboxError('TBX_USAGE', '--from and --to go together');
    return customPeriod(v.from, v.to);
  }
  return monthPeriod(today.slice(0, 7));
}

/** `tillbox summary --help`: the usage line, and a line per option of the parse table. */
export const usage = HELP;
export const optionHelp: Readonly<Record<string, string>> = {
  member: 'member id (as printed on the receipt)',
  store: 'the whole store instead of one member',
  month: 'calendar month YYYY-MM',
  week: 'the week starting YYYY-MM-DD',
  day: 'one day YYYY-MM-DD',
  from: 'first day YYYY-MM-DD (with --to)',
  to: 'last day YYYY-MM-DD (with --from)',
  json: 'JSON instead of text',
  config: 'config file (dataDir, store time zone)',
  now: 'compute as of this ISO 8601 instant',
};
