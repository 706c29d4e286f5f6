/** `tillbox restore DIR [--config FILE] [--with-config]`: see src/backup/restore.ts. */
import { join, resolve } from 'node:path';
import { defaultBackupDir } from '../backup/backup.js';
import { DATABASES } from '../backup/manifest.js';
import { inUse, restoreFiles, verifyBackup } from '../backup/restore.js';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { configFileOf } from './config-path.js';
import type { CommandIO } from './types.js';
import { SCHEMA_VERSIONS } from './version.js';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, 'with-config': { type: 'boolean', default: false } });
  const [from, ...extra] = positionals;
  if (from === undefined || extra.length > 0) throw new TillboxError('TBX_USAGE', `expected one backup directory\n${usage}`);
  const dir = resolve(io.cwd, from);
  const configPath = configFileOf(values.config, io.cwd);
  const config = loadConfig(configPath, io.env);
  const dataDir = resolve(io.cwd, config.dataDir);
  const manifest = await verifyBackup(dir, SCHEMA_VERSIONS);
  const busy = DATABASES.filter((d) => inUse(join(dataDir, d)));
  if (busy.length > 0) throw new TillboxError('TBX_BACKUP_FAILED', `${busy.join(', ')} in ${dataDir} are open in another process: stop the daemon first (systemctl stop tillbox)`);
  if (values['with-config'] && configPath === undefined) throw new TillboxError('TBX_USAGE', '--with-config: no config file to restore to (give --config FILE)');
  const aside = defaultBackupDir(dataDir, new Date(), 'replaced-by-restore-');
  const r = restoreFiles(dir, manifest, dataDir, aside, values['with-config'] ? configPath : undefined);
  io.stdout.write(`restored ${r.restored.join(', ')} from ${dir} (made by tillbox ${manifest.tillbox} at ${manifest.createdAt}) into ${dataDir}\n`);
  if (r.setAside !== null) io.stdout.write(`the files it replaced are in ${r.setAside}\n`);
  return 0;
}

/** `tillbox restore --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox restore DIR [--config FILE] [--with-config]\n  Stop the daemon first. Checks every checksum before touching anything; the replaced files are kept aside.';
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file naming the dataDir to restore into (default: ./tillbox.yaml, else /etc/tillbox/tillbox.yaml)',
  'with-config': "also put the backup's config.yaml back over the config file",
};
