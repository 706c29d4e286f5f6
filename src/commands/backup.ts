/** `tillbox backup [--to DIR] [--config FILE] [--json]`: see src/backup/backup.ts. */
import { resolve } from 'node:path';
import { defaultBackupDir, writeBackup } from '../backup/backup.js';
import { loadConfig } from '../config/load.js';
import { parseCommandArgs } from './args.js';
import { configFileOf } from './config-path.js';
import type { CommandIO } from './types.js';
import { packageVersion } from './version.js';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { to: { type: 'string' }, config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } }, false);
  const configPath = configFileOf(values.config, io.cwd);
  const config = loadConfig(configPath, io.env);
  const dataDir = resolve(io.cwd, config.dataDir);
  const to = values.to !== undefined ? resolve(io.cwd, values.to) : defaultBackupDir(dataDir, new Date());
  const m = await writeBackup({ dataDir, configPath, to, version: packageVersion() });
  if (values.json) io.stdout.write(`${JSON.stringify({ dir: to, ...m })}\n`);
  else {
    io.stdout.write(`backup written to ${to}\n`);
    for (const f of m.files) io.stdout.write(`  ${f.name.padEnd(24)} ${String(f.bytes).padStart(12)} bytes${f.schemaVersion !== undefined ? `  schema ${f.schemaVersion}` : ''}  sha256 ${f.sha256.slice(0, 16)}…\n`);
  }
  return 0;
}

/** `tillbox backup --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox backup [--to DIR] [--config FILE] [--json]\n  Safe while the daemon runs (SQLite online backup); writes manifest.json with versions and sha256 checksums.';
export const optionHelp: Readonly<Record<string, string>> = {
  to: 'new or empty directory to write (default: <dataDir>/backups/<UTC time>)',
  config: 'config file (default: ./tillbox.yaml, else /etc/tillbox/tillbox.yaml); copied into the backup',
  json: 'print the manifest as JSON',
};
