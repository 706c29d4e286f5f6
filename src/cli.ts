#!/usr/bin/env node
/** The `tillbox` bin: runs src/commands/dispatch.ts `main` with the process's own streams. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from './commands/dispatch.js';
import type { CommandIO } from './commands/types.js';

/** True when this file is the program: npx and npm bins start it through symlinks, so compare real paths. */
function isMain(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * A reader that stops early (`tillbox decode FILE | head`) closes the pipe: stop quietly, as
 * programs killed by SIGPIPE do, rather than dying on the unhandled EPIPE with a stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

if (isMain()) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const io: CommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tillbox: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
