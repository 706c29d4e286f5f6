/**
 * `tillbox catalogue import FILE.csv [--config F]`: loads a store's own catalogue (sku, category,
 * optional name and shelf_life_days) into the ledger and re-classifies known products.
 * `tillbox catalogue categories`: the built-in category table with default shelf lives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { openLedger } from '../ledger/open.js';
import { CATEGORIES } from '../shopper/catalogue/categories.js';
import { parseCatalogueCsv } from '../shopper/catalogue/import.js';
import { decodeSpreadsheet, SPREADSHEET_ENCODINGS, type SpreadsheetEncoding } from '../shopper/catalogue/spreadsheet.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = `usage: tillbox catalogue import FILE.csv [--encoding auto|utf8|gbk|gb18030] [--config tillbox.yaml]
       tillbox catalogue categories
  FILE.csv header: sku,category[,name][,shelf_life_days]   (category: an id below, or its Chinese/English name)
  Excel's "CSV" (GBK) and "CSV UTF-8" are both read; quoted fields may span lines.
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, encoding: { type: 'string', default: 'auto' } });
  // parseCommandArgs' generic loses parseArgs' inferred value types; these are the options above.
  const values = parsed.values as { config?: string; encoding: string };
  const [sub, file, ...rest] = parsed.positionals;
  if (sub === 'categories' && file === undefined) {
    for (const c of CATEGORIES) io.stdout.write(`${c.id.padEnd(14)} ${c.zh}\t${c.en.padEnd(26)} ${c.shelfLifeDays === null ? '-' : `${c.shelfLifeDays} d`}\n`);
    return 0;
  }
  if (sub !== 'import' || file === undefined || rest.length > 0) throw new TillboxError('TBX_USAGE', HELP);
  if (!(SPREADSHEET_ENCODINGS as readonly string[]).includes(values.encoding)) throw new TillboxError('TBX_USAGE', `--encoding: expected one of ${SPREADSHEET_ENCODINGS.join(', ')}, got '${values.encoding}'`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new TillboxError('TBX_INPUT_INVALID', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const decoded = decodeSpreadsheet(bytes, values.encoding as SpreadsheetEncoding);
  if ('error' in decoded) throw new TillboxError('TBX_INPUT_INVALID', `${file}: ${decoded.error}`);
  const text = decoded.text;
  const { entries, problems } = parseCatalogueCsv(text, file);
  if (problems.length > 0) throw new TillboxError('TBX_INPUT_INVALID', `${problems.length} problem(s), nothing imported:\n  ${problems.slice(0, 50).join('\n  ')}`);
  const config = loadConfig(values.config, io.env);
  const ledger = openLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const before = ledger.db.prepare('SELECT count(*) FROM catalogue').pluck().get() as number;
    const n = ledger.importCatalogue(entries);
    const after = ledger.db.prepare('SELECT count(*) FROM catalogue').pluck().get() as number;
    io.stdout.write(`${file} (${decoded.encoding}): ${n} rows (${after - before} new, ${n - (after - before)} updated); catalogue now ${after} SKUs\n`);
    return 0;
  } finally {
    ledger.close();
  }
}

/** `tillbox catalogue --help`: the usage line, and a line per option of the parse table. */
export const usage = HELP;
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file (dataDir)',
  encoding: 'file encoding: auto (UTF-8 when valid or with a BOM, else GB18030), utf8, gbk or gb18030',
};
