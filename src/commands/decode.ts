import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { decodeAll } from '../escpos/decoder.js';
import { decoderOptionsFromConfig } from '../pipeline/options.js';
import { renderText } from '../escpos/render.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const ENCODINGS = ['auto', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr'] as const;
type Encoding = (typeof ENCODINGS)[number];

const USAGE = `usage: tillbox decode FILE|- [--json] [--encoding ${ENCODINGS.join('|')}] [--double-byte] [--code-page N|auto] [--columns N] [--config FILE]
  with no options the double-byte mode, encoding and code page are detected from the text`;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

function intOption(name: string, value: string | undefined, lo: number, hi: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new TillboxError('TBX_USAGE', `--${name}: expected an integer ${lo}..${hi}, got '${value}'`);
  return n;
}

/** A visible cut line as wide as the paper. */
function cutMarker(doc: DecodedDocument, columns: number): string {
  const label = ` ✂ ${doc.endedBy} · bytes ${doc.range.start}–${doc.range.end} `;
  const side = Math.max(2, Math.floor((columns - label.length) / 2));
  return `${'-'.repeat(side)}${label}${'-'.repeat(Math.max(2, columns - side - label.length))}`;
}

/** `tillbox decode`: ESC/POS bytes to text as printed, or the structured documents as JSON lines. */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean' },
    encoding: { type: 'string' },
    'double-byte': { type: 'boolean' },
    'code-page': { type: 'string' },
    columns: { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new TillboxError('TBX_USAGE', USAGE);
  if (values.encoding !== undefined && !(ENCODINGS as readonly string[]).includes(values.encoding)) {
    throw new TillboxError('TBX_USAGE', `--encoding: expected one of ${ENCODINGS.join(', ')}, got '${values.encoding}'`);
  }

  // Defaults come from the config file's decoder section when one is given (else auto); flags override it.
  const base: DecoderOptions = values.config !== undefined ? decoderOptionsFromConfig(loadConfig(resolve(io.cwd, values.config), io.env)) : {};
  const codePage = values['code-page'] === 'auto' ? 'auto' : intOption('code-page', values['code-page'], 0, 255);
  const opts: DecoderOptions = {
    encoding: (values.encoding as Encoding | undefined) ?? base.encoding ?? 'auto',
    startInDoubleByte: values['double-byte'] ?? base.startInDoubleByte ?? 'auto',
    codePage: codePage ?? base.codePage ?? 'auto',
    columns: intOption('columns', values.columns, 16, 80) ?? base.columns ?? 48,
  };

  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readAll(io.stdin) : await readFile(resolve(io.cwd, file));
  } catch (err) {
    throw new TillboxError('TBX_INPUT_INVALID', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }

  const docs = decodeAll(bytes, opts);
  if (values.json === true) {
    for (const doc of docs) io.stdout.write(`${JSON.stringify(doc)}\n`);
    return 0;
  }
  for (const doc of docs) {
    io.stdout.write(`${renderText(doc)}\n`);
    for (const d of doc.displayText) io.stdout.write(`[customer display] ${d}\n`);
    const notes: string[] = [];
    if (doc.images > 0) notes.push(`${doc.images} image(s) not shown`);
    if (doc.drawerKicks > 0) notes.push(`drawer kick ×${doc.drawerKicks}`);
    if (doc.warnings.length > 0) notes.push(`${doc.warnings.length} warning(s), see --json`);
    if (notes.length > 0) io.stdout.write(`[${notes.join('; ')}]\n`);
    io.stdout.write(`${cutMarker(doc, opts.columns ?? 48)}\n`);
  }
  if (docs.length === 0) io.stderr.write(`tillbox decode: ${file}: no printed content in ${bytes.length} bytes\n`);
  return 0;
}

/** `tillbox decode --help`: the usage line, and a line per option of the parse table. */
export const usage = USAGE;
export const optionHelp: Readonly<Record<string, string>> = {
  json: 'structured documents as JSON lines',
  encoding: 'text encoding of the printer',
  'double-byte': 'start in double-byte (FS &) mode',
  'code-page': 'initial single-byte code page (ESC t n)',
  columns: 'paper width in characters',
  config: 'take decoder defaults from this config file',
};
