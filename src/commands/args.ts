import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TillboxError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;

/**
 * Thrown by parseCommandArgs when the arguments ask for help: dispatch.ts catches it and prints the
 * command's usage with the option table the command really parses, so a new option appears in the
 * help the moment it is added to the table. Control flow, not a failure: exit code 0.
 */
export class HelpRequested extends Error {
  constructor(readonly options: Options) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

/** `--help` or `-h` before a `--` terminator. */
function asksForHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * node:util parseArgs with typed results, its errors turned into TBX_USAGE (exit 2). Every command
 * answers `--help`/`-h` through here, whether or not its table declares a `help` option.
 */
export function parseCommandArgs<const O extends Options>(argv: string[], options: O, allowPositionals = true): Parsed<O> {
  if (asksForHelp(argv)) throw new HelpRequested(options);
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new TillboxError('TBX_USAGE', (err as Error).message, { cause: err });
  }
}

/** The option list of a command's help: `-c, --config VALUE   text (default: x)`. */
export function renderOptions(options: Options, describe: Readonly<Record<string, string>> = {}): string[] {
  const rows = Object.entries(options)
    .filter(([name]) => name !== 'help')
    .map(([name, o]) => {
      const flag = `${o.short !== undefined ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
      const dflt = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
      return [flag, `${describe[name] ?? ''}${dflt}`.trim()] as const;
    });
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`.trimEnd());
}
