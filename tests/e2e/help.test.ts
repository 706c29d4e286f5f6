/**
 * The CLI an installer meets first: every command answers --help (exit 0) with every option its
 * parse table accepts, `tillbox help CMD` says the same, --version names the package, schema and
 * Node versions, and the exit codes follow the contract (0 ok, 2 bad usage, 1 other failure).
 * Run through the real bin (dist/cli.js), as a shell would.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandHelp } from '../../src/commands/dispatch.js';
import { SCHEMA_VERSIONS } from '../../src/commands/version.js';
import { tillbox } from '../support/cli.js';
import { CLI, REPO } from '../tap/daemon-process.js';

const bin = (...args: string[]): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

describe('tillbox --help, help CMD, --version', () => {
  // The options each command had before help existed: the help must name at least these.
  const KNOWN: Record<string, string[]> = {
    run: ['config'], demo: ['data-dir', 'port', 'interval', 'receipts', 'backfill', 'mqtt', 'timezone'], replay: ['to', 'baud'],
    doctor: ['config', 'json'], reparse: ['config'], logs: ['follow', 'level', 'file'], backup: ['to', 'config'], restore: ['config', 'with-config'],
    export: ['from', 'to', 'excel', 'with-members'], catalogue: ['config', 'encoding'],
  };

  it.each(COMMAND_NAMES.map((c) => [c]))('%s --help exits 0 and names every option it parses', async (name) => {
    const r = bin(name, '--help');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: tillbox ${name}`));
    const help = await commandHelp(name);
    for (const o of [...(help?.options ?? []), ...(KNOWN[name] ?? [])]) expect(r.out).toContain(`--${o}`);
    // In-process (same dispatch as the bin): `help CMD` and `-h` print the same help.
    expect((await tillbox(['help', name])).out).toBe(r.out);
    expect(await tillbox([name, '-h'])).toEqual({ code: 0, out: r.out, err: '' });
  });

  it('--version prints the package, schema and Node versions', () => {
    const pkg = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    const r = bin('--version');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`tillbox ${pkg}\n`);
    expect(r.out).toContain(`schemas: journal ${SCHEMA_VERSIONS.journal}, ledger ${SCHEMA_VERSIONS.ledger}, outbox ${SCHEMA_VERSIONS.outbox}\n`);
    expect(r.out).toContain(`node ${process.version}`);
    expect(JSON.parse(bin('version', '--json').out)).toMatchObject({ tillbox: pkg, schemas: SCHEMA_VERSIONS, node: process.version });
  });

  it('exit codes: no command 2, unknown command 2, unknown option 2, help 0', () => {
    expect(bin().code).toBe(2);
    expect(bin('frobnicate').code).toBe(2);
    expect(bin('help', 'frobnicate').code).toBe(2);
    expect(bin('constructor').code).toBe(2);
    const bad = bin('run', '--no-such-option');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('TBX_USAGE');
    expect(bin('help').code).toBe(0);
    // A `--help` after `--` is an argument, not a request for help.
    expect(bin('replay', '--to', '127.0.0.1:1', '--', '--help').code).not.toBe(0);
  });
});
