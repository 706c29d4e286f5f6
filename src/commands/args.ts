import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TillboxError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;

/** node:util parseArgs with typed results, its errors turned into TBX_USAGE (exit 2). */
export function parseCommandArgs<const O extends Options>(argv: string[], options: O, allowPositionals = true): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new TillboxError('TBX_USAGE', (err as Error).message, { cause: err });
  }
}
