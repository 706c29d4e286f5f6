/**
 * `tillbox <command>`: the command table, usage, help, and the one place that maps errors to exit
 * codes and prints them. Exit codes (DESIGN.md): 0 success (and help), 2 bad usage or bad input,
 * 1 any other failure. Kept apart from src/cli.ts (the bin script) so tests run commands exactly as
 * the bin does.
 */
import { PassThrough } from 'node:stream';
import { exitCodeFor, TillboxError } from '../errors.js';
import { HelpRequested, renderOptions } from './args.js';
import type { CommandIO, CommandModule } from './types.js';
import { versionText } from './version.js';

type Entry = { about: string; load: () => Promise<CommandModule> };

// Static specifiers, loaded on demand: a missing command file is a compile error, and a command's
// dependencies (serialport, fastify, pg …) load only when that command runs.
const COMMANDS: Record<string, Entry> = {
  run: { about: 'the daemon: tap, journal, pipeline, sync, status page', load: () => import('./run.js') },
  demo: { about: 'the whole pipeline with a simulated till and an embedded broker', load: () => import('./demo.js') },
  replay: { about: 'play a capture into a serial port or TCP printer port at line speed', load: () => import('./replay.js') },
  doctor: { about: 'check config, ports, disk, broker and clock', load: () => import('./doctor.js') },
  logs: { about: "the daemon's log, pretty, member ids masked", load: () => import('./logs.js') },
  backup: { about: 'online backup of journal, ledger, outbox and config, with a manifest', load: () => import('./backup.js') },
  migrate: { about: 'back up, then bring the databases to this version (rolled back on failure)', load: () => import('./migrate.js') },
  restore: { about: 'put a backup back (daemon stopped)', load: () => import('./restore.js') },
  decode: { about: 'ESC/POS bytes to text as printed', load: () => import('./decode.js') },
  parse: { about: 'ESC/POS bytes to Receipt JSON lines', load: () => import('./parse.js') },
  summary: { about: "a member's or the store's spend summary", load: () => import('./summary.js') },
  reminders: { about: 'expiry reminders due on a date', load: () => import('./reminders.js') },
  members: { about: "a member's consent and contacts (consent, contact), or forget them", load: () => import('./members.js') },
  export: { about: 'receipts and items as CSV', load: () => import('./export.js') },
  reparse: { about: 're-decode and re-parse the journal into the ledger', load: () => import('./reparse.js') },
  catalogue: { about: 'import a store catalogue (CSV)', load: () => import('./catalogue.js') },
  insights: { about: 'RFM segments, value tiers, churn risk, basket rules', load: () => import('./insights.js') },
  headoffice: { about: 'reference head-office consumer: MQTT shared subscription to PostgreSQL', load: () => import('./headoffice.js') },
  footer: { about: 'preview the at-till footer a receipt would get', load: () => import('./footer.js') },
  passwd: { about: 'print a password hash for web.adminPasswordHash', load: () => import('./passwd.js') },
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: tillbox <command> [options]',
    '       tillbox help COMMAND | tillbox COMMAND --help | tillbox --version',
    '',
    ...Object.entries(COMMANDS).map(([c, e]) => `  ${c.padEnd(width)}  ${e.about}`),
  ].join('\n');
}

/** A command's help text and the option names it parses (the help is built from that table). */
export async function commandHelp(name: string): Promise<{ text: string; options: string[] } | undefined> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) return undefined;
  const mod = await entry.load();
  const head = `${mod.usage ?? `usage: tillbox ${name} [options]`}`.trimEnd();
  const sink = new PassThrough();
  const quiet: CommandIO = { stdin: new PassThrough(), stdout: sink, stderr: sink, env: {}, cwd: process.cwd() };
  try {
    await mod.run(['--help'], quiet);
  } catch (err) {
    if (!(err instanceof HelpRequested)) throw err;
    const text = [head, '', `${entry.about}.`, '', 'options:', ...renderOptions(err.options, mod.optionHelp)].join('\n');
    return { text: `${text}\n`, options: Object.keys(err.options).filter((o) => o !== 'help') };
  }
  // A command that does not parse options through args.ts: only its usage.
  return { text: `${head}\n`, options: [] };
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(versionText(rest.includes('--json')));
    return 0;
  }
  const target = name === 'help' ? (rest[0] ?? '') : name;
  const entry = Object.hasOwn(COMMANDS, target) ? COMMANDS[target] : undefined;
  if (entry === undefined) {
    io.stderr.write(`tillbox: unknown command '${target}'\n${usage()}\n`);
    return 2;
  }
  try {
    if (name === 'help') {
      io.stdout.write((await commandHelp(target))?.text ?? '');
      return 0;
    }
    return await (await entry.load()).run(rest, io);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout.write((await commandHelp(target))?.text ?? '');
      return 0;
    }
    const text = err instanceof TillboxError ? `${err.message} [${err.code}]` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`tillbox ${target}: ${text}\n`);
    return exitCodeFor(err);
  }
}
