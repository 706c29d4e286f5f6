/**
 * `tillbox parse FILE|- [--profile NAME] [--encoding ENC] [--json] [--explain] [--config FILE]`:
 * ESC/POS bytes to receipts, without any database. With --json, one Receipt JSON object per line
 * (the DESIGN.md shape; --explain adds an "explain" array naming the rule behind each field).
 * Without --json, a short readable summary per receipt. Settings come from the config file (or
 * built-in defaults and TILLBOX_* variables): decoder.*, parser.*, store.timezone, store.currency.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig } from '../config/load.js';
import { TillDateOrders } from '../pipeline/date-orders.js';
import { TillboxError } from '../errors.js';
import { decodeAll } from '../escpos/decoder.js';
import { decoderOptionsFromConfig } from '../pipeline/options.js';
import type { DecodedDocument } from '../escpos/types.js';
import { loadProfiles, parseReceipt, receiptToJson, shippedProfilesDir, type ExplainEntry, type Receipt } from '../receipt/index.js';
import { formatMinor } from '../receipt/text/money.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const ENCODINGS = ['auto', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr'] as const;
type Encoding = (typeof ENCODINGS)[number];
const MAX_INPUT = 256 * 1024 * 1024;

const USAGE = `usage: tillbox parse FILE|- [--profile NAME|auto|none] [--encoding ENC] [--json] [--explain] [--config FILE]
  decodes ESC/POS bytes and prints one receipt per document (cut); --json prints Receipt JSON lines
  --encoding: ${ENCODINGS.join(', ')} (default: decoder.encoding from the config, auto: detected;
  a Korean, Japanese or Big5 encoding alone implies the printer's double-byte mode)
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  // parseCommandArgs' return type does not carry the option names through; the shape is known here.
  const { values, positionals } = parseCommandArgs(argv, {
    profile: { type: 'string' },
    encoding: { type: 'string' },
    json: { type: 'boolean' },
    explain: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  }) as { values: { profile?: string; encoding?: string; json?: boolean; explain?: boolean; config?: string; help?: boolean }; positionals: string[] };
  if (positionals.length !== 1) throw new TillboxError('TBX_USAGE', `expected one FILE (or - for stdin), got ${positionals.length}\n${USAGE}`);
  const encoding = values.encoding;
  if (encoding !== undefined && !(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new TillboxError('TBX_USAGE', `--encoding: expected one of ${ENCODINGS.join(', ')}, got '${encoding}'`);
  }
  const config = loadConfig(values.config === undefined ? undefined : resolve(io.cwd, values.config), io.env);
  const dirs = [shippedProfilesDir()];
  if (config.parser.profilesDir !== undefined) dirs.push(resolve(io.cwd, config.parser.profilesDir));
  const profiles = loadProfiles(dirs);

  const file = positionals[0] ?? '-';
  const bytes = file === '-' ? await readAll(io.stdin) : readInput(resolve(io.cwd, file));
  const fromConfig = decoderOptionsFromConfig(config);
  // --encoding alone names the text's encoding; the power-on mode it implies is worked out by the decoder.
  const docs = decodeAll(bytes, encoding === undefined ? fromConfig : { ...fromConfig, encoding: encoding as Encoding, ...(config.decoder.startInDoubleByte === 'auto' ? { startInDoubleByte: 'auto' } : {}) }).filter(hasText);
  if (docs.length === 0) throw new TillboxError('TBX_INPUT_INVALID', `${file}: no printed text found in ${bytes.length} bytes (is it ESC/POS?)`);

  // The documents of one capture come from one till: its date order is learned across them.
  const orders = new TillDateOrders(null);
  for (const doc of docs) {
    const { receipt, explain, dateOrder } = parseReceipt(doc, {
      profiles,
      profile: values.profile ?? config.parser.profile,
      currency: config.store.currency,
      timezone: config.store.timezone,
      dateOrder: config.parser.dateOrder,
      learnedDateOrder: orders.order(file),
      explain: values.explain === true,
    });
    orders.observe(file, dateOrder.votes);
    if (values.json === true) {
      const json = receiptToJson(receipt);
      io.stdout.write(`${JSON.stringify(explain === undefined ? json : { ...json, explain })}\n`);
    } else {
      io.stdout.write(describe(receipt, explain));
    }
  }
  return 0;
}

function hasText(doc: DecodedDocument): boolean {
  return doc.lines.some((l) => l.text.trim() !== '');
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TillboxError('TBX_INPUT_INVALID', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT) throw new TillboxError('TBX_INPUT_INVALID', `stdin: more than ${MAX_INPUT} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Readable form. The member id is shown masked: terminals get copied into tickets and chats. */
function describe(r: Receipt, explain: ExplainEntry[] | undefined): string {
  const m = (v: number | null | undefined) => (v === null || v === undefined ? '-' : formatMinor(v));
  const out = [
    `receipt ${r.id}  kind ${r.kind}  profile ${r.profile}  confidence ${r.check.confidence}`,
    `  store ${r.store ?? '-'}  till ${r.till ?? '-'}  no ${r.receiptNo ?? '-'}  time ${r.time ?? r.date ?? '-'}  member ${maskMember(r.member)}`,
  ];
  for (const i of r.items) out.push(`  ${i.name}  ${i.qty} × ${m(i.unitPrice)} = ${m(i.amount)}${i.sku === null ? '' : `  [${i.sku}]`}`);
  for (const d of r.discounts) out.push(`  ${d.name}  ${m(d.amount)}`);
  out.push(`  total ${m(r.total)} ${r.currency}  items add up: ${r.check.itemsMatchTotal ? 'yes' : 'no'}${r.payments.length > 0 ? `  paid ${r.payments.map((p) => `${p.method} ${m(p.amount)}`).join(', ')}` : ''}${r.change === null ? '' : `  change ${m(r.change)}`}`);
  for (const p of r.check.problems) out.push(`  problem: ${p}`);
  for (const e of explain ?? []) out.push(`  explain ${e.field} = ${e.field === 'member' ? maskMember(e.value) : e.value}  <- ${e.rule}${e.line === null ? '' : ` (line ${e.line + 1})`}`);
  return `${out.join('\n')}\n`;
}

function maskMember(member: string | null): string {
  if (member === null) return '-';
  return member.length <= 4 ? '****' : `${'*'.repeat(member.length - 4)}${member.slice(-4)}`;
}

/** `tillbox parse --help`: the usage line, and a line per option of the parse table. */
export const usage = USAGE;
export const optionHelp: Readonly<Record<string, string>> = {
  profile: 'parse profile name, auto (detect) or none (heuristics only)',
  encoding: 'text encoding (default: decoder.encoding from the config)',
  json: 'Receipt JSON lines',
  explain: 'show which rule matched each line',
  config: 'config file (profiles, decoder settings)',
};
