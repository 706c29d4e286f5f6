/**
 * `tillbox reminders [--date YYYY-MM-DD] [--json] [--config F]`: the expiry reminders due on a
 * day (default today, store time zone), grouped per member as they would be sent, in the
 * configured language. A dry run: nothing is queued or marked. Member ids are masked.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { openExistingLedger } from '../ledger/open.js';
import { DAY_RE } from '../ledger/time.js';
import { remindersForDay } from '../shopper/reminders/queue.js';
import { expiryReminder } from '../shopper/templates.js';
import { maskMember } from '../web/mask.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = 'usage: tillbox reminders [--date YYYY-MM-DD] [--json] [--config tillbox.yaml]\n';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options below.
  const values = parseCommandArgs(argv, {
    date: { type: 'string', short: 'd' }, json: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h', default: false },
  }, false).values as { date?: string; json: boolean; config?: string; help: boolean };
  if (values.date !== undefined && !DAY_RE.test(values.date)) throw new TillboxError('TBX_INPUT_INVALID', `--date '${values.date}': expected YYYY-MM-DD`);
  const config = loadConfig(values.config, io.env);
  const ledger = openExistingLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const day = values.date ?? ledger.zone.parts(Date.now()).day;
    const batches = remindersForDay(ledger, { timezone: config.store.timezone, ...config.reminders }, day);
    const memberOf = ledger.db.prepare('SELECT member FROM members WHERE mid = ?').pluck();
    const lang = config.notifications.language;
    const out = batches.map((b) => {
      const text = expiryReminder(lang, b.items.map((i) => ({ name: i.item, expiresDay: i.expiresDay })), day);
      return { member: maskMember((memberOf.get(b.memberKey) as string | undefined) ?? '?'), items: b.items.length, title: text.title, body: text.body };
    });
    if (values.json) io.stdout.write(`${JSON.stringify({ date: day, messages: out })}\n`);
    else {
      io.stdout.write(`${day}: ${out.length} reminder message(s), ${out.reduce((s, m) => s + m.items, 0)} item(s), sent at ${String(config.reminders.hour).padStart(2, '0')}:00 outside quiet hours\n`);
      for (const m of out) {
        const lines = m.body.split('\n\n')[0]?.split('\n') ?? [m.title];
        io.stdout.write(`  ${m.member}  ${lines.join(`\n  ${' '.repeat(m.member.length)}  `)}\n`);
      }
    }
    return 0;
  } finally {
    ledger.close();
  }
}

/** `tillbox reminders --help`: the usage line, and a line per option of the parse table. */
export const usage = HELP;
export const optionHelp: Readonly<Record<string, string>> = {
  date: 'the store-local day YYYY-MM-DD (default: today)',
  json: 'JSON lines instead of text',
  config: 'config file (dataDir, store time zone)',
};
