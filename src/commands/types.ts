import type { Readable, Writable } from 'node:stream';

/** What a subcommand may touch of the outside world; tests pass their own. */
export interface CommandIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface CommandModule {
  run(argv: string[], io: CommandIO): Promise<number>;
  /** The first lines of `tillbox CMD --help` (default: `usage: tillbox CMD [options]`). */
  usage?: string;
  /** One line per option name of the command's parse table, shown in its help. */
  optionHelp?: Readonly<Record<string, string>>;
}
