import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { clockCheck, dataDirCheck, portsCheck, type CheckResult, type DoctorCheck } from '../daemon/doctor-checks.js';
import { footerCheck } from '../footer/doctor.js';
import { isTillboxError } from '../errors.js';
import { profilesFromConfig } from '../pipeline/options.js';
import { checkBroker } from '../sync/index.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

/** Connects with the box's own settings (TLS, credentials), waits for CONNACK, disconnects. */
const brokerCheck: DoctorCheck = async (config) => {
  if (config.mqtt === undefined) return [{ status: 'warn', name: 'broker', detail: 'no mqtt section: baskets wait in the outbox until one is configured' }];
  const r = await checkBroker(config, { timeoutMs: 5000 });
  return [r.ok ? { status: 'ok', name: 'broker', detail: r.detail } : { status: 'fail', name: 'broker', detail: r.error }];
};

/** Every parse profile parses, and a configured profile name exists. */
const profilesCheck: DoctorCheck = async (config) => {
  try {
    const n = profilesFromConfig(config).length;
    return [{ status: 'ok', name: 'profiles', detail: `${n} parse profiles, using ${config.parser.profile}` }];
  } catch (err) {
    return [{ status: 'fail', name: 'profiles', detail: isTillboxError(err) ? `${err.message} [${err.code}]` : String(err) }];
  }
};

/** The checks after the config check, in checklist order. Each is independent and gets the validated config. */
const CHECKS: readonly DoctorCheck[] = [portsCheck, dataDirCheck, clockCheck, profilesCheck, brokerCheck, footerCheck];

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `tillbox doctor [--config FILE]`: a checklist; exit 2 when any check fails. */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } }, false);
  const file = values.config ?? (existsSync(resolve(io.cwd, 'tillbox.yaml')) ? 'tillbox.yaml' : undefined);
  const path = file === undefined ? undefined : resolve(io.cwd, file);
  const results: CheckResult[] = [];
  let config;
  try {
    config = loadConfig(path, io.env);
    results.push({ status: 'ok', name: 'config', detail: `${path ?? 'built-in defaults'} is valid` });
  } catch (err) {
    if (!isTillboxError(err)) throw err;
    results.push({ status: 'fail', name: 'config', detail: `${err.message} [${err.code}]` });
  }
  if (config !== undefined) for (const check of CHECKS) results.push(...(await check(config)));

  const fails = results.filter((r) => r.status === 'fail').length;
  const warns = results.filter((r) => r.status === 'warn').length;
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify({ ok: fails === 0, results })}\n`);
  } else {
    const width = Math.max(...results.map((r) => r.name.length));
    io.stdout.write(`tillbox doctor\n${results.map((r) => `  ${MARK[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`).join('\n')}\n`);
    io.stdout.write(fails === 0 ? `all checks passed${warns > 0 ? ` (${warns} warning${warns > 1 ? 's' : ''})` : ''}\n` : `${fails} problem${fails > 1 ? 's' : ''}, ${warns} warning${warns === 1 ? '' : 's'}\n`);
  }
  return fails === 0 ? 0 : 2;
}
