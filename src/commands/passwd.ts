/**
 * `tillbox passwd`: reads a password from stdin and prints its scrypt hash for
 * `web.adminPasswordHash` (or TILLBOX_WEB_ADMINPASSWORDHASH). Only the hash goes to stdout,
 * so `printf '%s' "$PW" | tillbox passwd` can feed a script; the hint goes to stderr.
 */
import type { Readable } from 'node:stream';
import { TillboxError } from '../errors.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../web/auth/password.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const MAX_INPUT = 4096;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  parseCommandArgs(argv, {}, false);
  const text = await readAll(io.stdin);
  // One password on the first line; a trailing newline from `echo` is not part of it.
  const password = text.split(/\r?\n/)[0] ?? '';
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new TillboxError('TBX_INPUT_INVALID', `stdin: expected a password of at least ${MIN_PASSWORD_LENGTH} characters on the first line`);
  }
  io.stdout.write(`${await hashPassword(password)}\n`);
  io.stderr.write('put this in tillbox.yaml as web.adminPasswordHash, or in TILLBOX_WEB_ADMINPASSWORDHASH\n');
  return 0;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT) throw new TillboxError('TBX_INPUT_INVALID', `stdin: expected one password line, got more than ${MAX_INPUT} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `tillbox passwd --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox passwd < password.txt\n  Reads one password from stdin, prints its scrypt hash for web.adminPasswordHash.';
export const optionHelp: Readonly<Record<string, string>> = {
};
