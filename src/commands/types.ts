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
}
