import { PassThrough } from 'node:stream';
import { main } from '../../src/commands/dispatch.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `tillbox <argv…>` in-process, exactly as the bin does (same dispatch, exit codes and error lines). */
export async function tillbox(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; stdin?: Buffer } = {}): Promise<CliResult> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  stdin.end(opts.stdin ?? Buffer.alloc(0));
  const code = await main(argv, { stdin, stdout, stderr, env: opts.env ?? {}, cwd: opts.cwd ?? process.cwd() });
  // 'data' handlers run on the next tick after the last write.
  await new Promise((r) => setImmediate(r));
  return { code, out, err };
}
