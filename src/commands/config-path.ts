import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where a package install keeps the config (the unit passes it to `tillbox run`). */
export const SYSTEM_CONFIG = '/etc/tillbox/tillbox.yaml';

/** --config when given, else ./tillbox.yaml, else the package's /etc/tillbox/tillbox.yaml, else none (defaults). */
export function configFileOf(given: string | undefined, cwd: string, system = SYSTEM_CONFIG): string | undefined {
  if (given !== undefined) return resolve(cwd, given);
  const local = resolve(cwd, 'tillbox.yaml');
  if (existsSync(local)) return local;
  return existsSync(system) ? system : undefined;
}
