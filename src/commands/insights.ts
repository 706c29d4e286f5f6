/**
 * `tillbox insights [--json] [--config F] [--now ISO] [--save] [--by product|category]`:
 * RFM segments, value tiers, churn risk and basket rules from the ledger (dataDir/ledger.db,
 * opened read-only). Member ids are masked in everything printed. --save also stores the full
 * result in dataDir/insights.json, as the nightly job does.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { formatReport } from '../insights/format.js';
import { runInsightsJob, type StoredInsights } from '../insights/job.js';
import { INSIGHTS_MONEY, withMinorUnits } from '../money-json.js';
import { insightsOptionsFromConfig } from '../insights/options.js';
import type { BasketKey } from '../insights/source.js';
import { maskMember } from '../web/mask.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = `usage: tillbox insights [--json] [--config tillbox.yaml] [--now 2026-11-23T02:30:00+08:00] [--save] [--by product|category]

  --json     print the whole report as one JSON object (member ids masked)
  --config   config file (dataDir, store time zone, insights.* keys)
  --now      compute as of this instant instead of the current time
  --save     also store the result in <dataDir>/insights.json, like the nightly job
  --by       basket rules over product names (default: insights.basketsBy) or categories
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    config: { type: 'string', short: 'c' },
    now: { type: 'string' },
    save: { type: 'boolean', default: false },
    by: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options above.
  const values = parsed.values as { json: boolean; config?: string; now?: string; save: boolean; by?: string; help: boolean };
  const positionals = parsed.positionals;
  if (positionals.length > 0) throw new TillboxError('TBX_USAGE', `unexpected argument '${positionals[0] ?? ''}'\n${HELP}`);
  const config = loadConfig(values.config, io.env);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new TillboxError('TBX_USAGE', `--now: expected an ISO 8601 time, got '${values.now ?? ''}'`);
  const by = (values.by ?? config.insights.basketsBy) as BasketKey;
  if (by !== 'product' && by !== 'category') throw new TillboxError('TBX_USAGE', `--by: expected product or category, got '${String(by)}'`);

  const stored = runInsightsJob({
    ledgerPath: join(config.dataDir, 'ledger.db'),
    now,
    options: insightsOptionsFromConfig(config),
    basketsBy: by,
    currency: config.store.currency,
    ...(values.save ? { outPath: join(config.dataDir, 'insights.json') } : {}),
  });
  if (values.json) io.stdout.write(`${JSON.stringify(withMinorUnits({ currency: config.store.currency, ...maskStored(stored) }, INSIGHTS_MONEY, { decimalsIn: config.store.currency }))}\n`);
  else io.stdout.write(formatReport(stored.report, { currency: config.store.currency, mask: maskMember }));
  return 0;
}

/** The stored result with every member id masked, for printing. */
export function maskStored(stored: StoredInsights): StoredInsights {
  return { ...stored, report: { ...stored.report, atRisk: stored.report.atRisk.map((m) => ({ ...m, member: maskMember(m.member) })) } };
}

/** `tillbox insights --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox insights [--json] [--config FILE] [--now ISO] [--save] [--by product|category]';
export const optionHelp: Readonly<Record<string, string>> = {
  json: 'the whole report as one JSON object (member ids masked)',
  config: 'config file (dataDir, store time zone, insights.* keys)',
  now: 'compute as of this instant instead of the current time',
  save: 'also store the result in <dataDir>/insights.json, like the nightly job',
  by: 'basket rules over product names (default: insights.basketsBy) or categories',
};
