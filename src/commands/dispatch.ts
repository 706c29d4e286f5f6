/**
 * `tillbox <command>`: the command table, usage, and the one place that maps errors to exit codes
 * and prints them. Exit codes (DESIGN.md): 0 success, 2 bad usage or bad input, 1 any other failure.
 * Kept apart from src/cli.ts (the bin script) so tests run commands exactly as the bin does.
 */
import { exitCodeFor, TillboxError } from '../errors.js';
import type { CommandIO, CommandModule } from './types.js';

type Entry = { about: string; load: () => Promise<CommandModule> };

// Static specifiers, loaded on demand: a missing command file is a compile error, and a command's
// dependencies (serialport, fastify, pg …) load only when that command runs.
const COMMANDS: Record<string, Entry> = {
  run: { about: 'the daemon: tap, journal, pipeline, sync, status page', load: () => import('./run.js') },
  demo: { about: 'the whole pipeline with a simulated till and an embedded broker', load: () => import('./demo.js') },
  replay: { about: 'play a capture into a serial port or TCP printer port at line speed', load: () => import('./replay.js') },
  doctor: { about: 'check config, ports, disk, broker and clock', load: () => import('./doctor.js') },
  decode: { about: 'ESC/POS bytes to text as printed', load: () => import('./decode.js') },
  parse: { about: 'ESC/POS bytes to Receipt JSON lines', load: () => import('./parse.js') },
  summary: { about: "a member's or the store's spend summary", load: () => import('./summary.js') },
  reminders: { about: 'expiry reminders due on a date', load: () => import('./reminders.js') },
  export: { about: 'receipts and items as CSV', load: () => import('./export.js') },
  reparse: { about: 're-decode and re-parse the journal into the ledger', load: () => import('./reparse.js') },
  catalogue: { about: 'import a store catalogue (CSV)', load: () => import('./catalogue.js') },
  insights: { about: 'RFM segments, value tiers, churn risk, basket rules', load: () => import('./insights.js') },
  headoffice: { about: 'reference head-office consumer: MQTT shared subscription to PostgreSQL', load: () => import('./headoffice.js') },
  footer: { about: 'preview the at-till footer a receipt would get', load: () => import('./footer.js') },
  passwd: { about: 'print a password hash for web.adminPasswordHash', load: () => import('./passwd.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['usage: tillbox <command> [options]', '', ...Object.entries(COMMANDS).map(([c, e]) => `  ${c.padEnd(width)}  ${e.about}`)].join('\n');
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.stderr.write(`tillbox: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest, io);
  } catch (err) {
    const text = err instanceof TillboxError ? `${err.message} [${err.code}]` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`tillbox ${name}: ${text}\n`);
    return exitCodeFor(err);
  }
}
