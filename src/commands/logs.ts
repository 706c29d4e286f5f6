/**
 * `tillbox logs [-f] [--level warn] [--file PATH] [--unit NAME] [-n N]`: the daemon's log, one
 * readable line per pino record, member ids masked. Reads journald (`journalctl -u tillbox -o cat`)
 * when journalctl is there, else a log file (--file; `tillbox demo` writes <data-dir>/tillbox.log).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { TillboxError } from '../errors.js';
import { formatLogLine, LEVELS, levelNumber } from '../log-format.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

/** How often a followed log file is checked for new lines. */
const FOLLOW_POLL_MS = 250;
/** Lines shown before following, unless -n says otherwise (journalctl's own default). */
const DEFAULT_LINES = 200;

function onPath(cmd: string, env: CommandIO['env']): boolean {
  return (env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, cmd)));
}

/** The last `n` lines of a file, then (with follow) every line appended to it, until the process ends. */
async function fromFile(path: string, n: number, follow: boolean, emit: (line: string) => void): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new TillboxError('TBX_INPUT_INVALID', `${path}: cannot read the log (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  try {
    let pos = 0;
    let partial = '';
    const readNew = (): string[] => {
      const size = statSync(path).size;
      if (size < pos) pos = 0; // truncated or rotated in place: start again
      const lines: string[] = [];
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const got = readSync(fd, buf, 0, buf.length, pos);
        if (got === 0) break;
        pos += got;
        const parts = (partial + buf.subarray(0, got).toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
      }
      return lines;
    };
    for (const l of readNew().slice(-n)) emit(l);
    while (follow) {
      await sleep(FOLLOW_POLL_MS);
      for (const l of readNew()) emit(l);
    }
  } finally {
    closeSync(fd);
  }
}

/** journalctl's records of the unit, its message field only (`-o cat`: the JSON the daemon wrote). */
function fromJournald(unit: string, n: number, follow: boolean, emit: (line: string) => void, io: CommandIO): Promise<number> {
  const child = spawn('journalctl', ['-u', unit, '-o', 'cat', '--no-pager', '-n', String(n), ...(follow ? ['-f'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...io.env } });
  createInterface({ input: child.stdout }).on('line', emit);
  child.stderr.pipe(io.stderr, { end: false });
  return new Promise((done) => {
    child.once('error', (err) => {
      io.stderr.write(`tillbox logs: journalctl: ${err.message}\n`);
      done(1);
    });
    child.once('close', (code) => done(code === 0 ? 0 : 1));
  });
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    follow: { type: 'boolean', short: 'f', default: false },
    level: { type: 'string', short: 'l' },
    file: { type: 'string' },
    unit: { type: 'string', default: 'tillbox' },
    lines: { type: 'string', short: 'n', default: String(DEFAULT_LINES) },
  }, false);
  if (positionals.length > 0) throw new TillboxError('TBX_USAGE', `unexpected argument '${positionals[0] ?? ''}'\n${usage}`);
  const min = values.level === undefined ? 0 : levelNumber(values.level);
  if (min === undefined) throw new TillboxError('TBX_USAGE', `--level: expected one of ${Object.keys(LEVELS).join(', ')}, got '${values.level ?? ''}'`);
  const n = Number(values.lines);
  if (!Number.isInteger(n) || n < 0) throw new TillboxError('TBX_USAGE', `--lines: expected a whole number, got '${values.lines}'`);
  const emit = (line: string): void => {
    const out = formatLogLine(line, min);
    if (out !== null) io.stdout.write(`${out}\n`);
  };
  if (values.file !== undefined) {
    await fromFile(resolve(io.cwd, values.file), n, values.follow, emit);
    return 0;
  }
  if (!onPath('journalctl', io.env)) {
    throw new TillboxError('TBX_USAGE', `no journalctl on this machine: give the log file with --file PATH (tillbox demo writes demo-data/tillbox.log)\n${usage}`);
  }
  return fromJournald(values.unit, n, values.follow, emit, io);
}

/** `tillbox logs --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox logs [-f] [--level LEVEL] [--file PATH] [--unit NAME] [-n N]\n  From journald (journalctl -u tillbox) when present, else --file. Member ids and phone numbers masked.';
export const optionHelp: Readonly<Record<string, string>> = {
  follow: 'keep printing new lines as they arrive (Ctrl-C stops)',
  level: `only records at this level or above (${Object.keys(LEVELS).join(', ')}); lines that are not JSON always show`,
  file: 'read this log file instead of journald',
  unit: 'systemd unit whose journal to read',
  lines: 'how many past lines to show first',
};
