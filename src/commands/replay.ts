import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TillboxError } from '../errors.js';
import { parseTarget, replay } from '../tap/replay.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const USAGE = 'usage: tillbox replay FILE|- --to PATH|HOST:PORT [--baud N]   (--baud 0: as fast as possible)';

async function readAll(io: CommandIO): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

/** `tillbox replay`: plays a capture into a serial port or a TCP printer port at line speed. */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { to: { type: 'string' }, baud: { type: 'string', default: '9600' } });
  const [file, ...extra] = positionals;
  if (file === undefined || values.to === undefined || extra.length > 0) throw new TillboxError('TBX_USAGE', USAGE);
  const baud = Number(values.baud);
  if (!Number.isInteger(baud) || baud < 0) throw new TillboxError('TBX_USAGE', `--baud: expected a whole number of baud, got ${values.baud}\n${USAGE}`);
  let data: Buffer;
  try {
    data = file === '-' ? await readAll(io) : readFileSync(resolve(io.cwd, file));
  } catch (err) {
    throw new TillboxError('TBX_INPUT_INVALID', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const target = parseTarget(values.to);
  const r = await replay(data, target, baud);
  const rate = r.ms > 0 ? Math.round((r.bytes * 1000) / r.ms) : r.bytes;
  io.stdout.write(`replayed ${r.bytes} bytes to ${values.to} in ${(r.ms / 1000).toFixed(2)} s (${rate} B/s${baud > 0 ? ` at ${baud} baud` : ', unthrottled'}); ${r.replyBytes} reply bytes received\n`);
  return 0;
}

/** `tillbox replay --help`: the usage line, and a line per option of the parse table. */
export const usage = USAGE;
export const optionHelp: Readonly<Record<string, string>> = {
  to: 'serial port path or HOST:PORT of a TCP printer port',
  baud: 'line speed to pace the bytes at (0: as fast as possible)',
};
