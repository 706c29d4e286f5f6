import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { clockCheck, dataDirCheck, portsCheck, type CheckResult, type DoctorCheck } from '../daemon/doctor-checks.js';
import { footerCheck } from '../footer/doctor.js';
import { usbCheck } from '../usb/doctor.js';
import { isTillboxError, TillboxError } from '../errors.js';
import { runDetect } from '../daemon/doctor-detect.js';
import { detectText as detectEscPosText } from '../escpos/detect-api.js';
import type { TextDetector } from '../linedetect/text-mode.js';
import type { Config } from '../config/types.js';
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
const CHECKS: readonly DoctorCheck[] = [portsCheck, usbCheck, dataDirCheck, clockCheck, profilesCheck, brokerCheck, footerCheck];

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `tillbox doctor [--config FILE]`: a checklist; exit 2 when any check fails. */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, detect: { type: 'boolean' }, seconds: { type: 'string' } }, false);
  if (values.seconds !== undefined && values.detect !== true) throw new TillboxError('TBX_USAGE', '--seconds goes with --detect');
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
  if (values.detect === true) {
    if (config === undefined) {
      io.stderr.write(`tillbox doctor --detect: ${results[0]?.detail ?? 'config invalid'}\n`);
      return 2;
    }
    return detect(config, values.seconds, values.json === true, io);
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

/** `tillbox doctor --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox doctor [--config FILE] [--json] [--detect [--seconds N]]\n  A checklist; exit 0 when every check passes, 2 when one fails. --detect listens to the till and proposes its settings.';
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file (default: ./tillbox.yaml when present)',
  json: 'one JSON object instead of the checklist',
  detect: 'listen to the till (read-only) and propose line settings, printer mode, paper width and date order',
  seconds: 'with --detect: how long to listen (default 30, at most 600)',
};

/** Longest `--seconds` (an installer waits at the till for a few sales, not for an hour). */
const DETECT_SECONDS_MAX = 600;

/** `tillbox doctor --detect [--seconds N]`: proposes line settings, text mode, paper width and date order. */
async function detect(config: Config, secondsArg: string | undefined, json: boolean, io: CommandIO): Promise<number> {
  const seconds = secondsArg === undefined ? 30 : Number(secondsArg);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > DETECT_SECONDS_MAX) throw new TillboxError('TBX_USAGE', `--seconds: expected a number of seconds from 1 to ${DETECT_SECONDS_MAX}, got '${secondsArg ?? ''}'`);
  // The decoder's own detector (issue 11), given the bytes heard: mode, encoding, code page, evidence.
  const detectText: TextDetector = (bytes) => {
    const d = detectEscPosText(bytes);
    return { mode: d.mode, encoding: d.encoding, codePage: d.codePage, confidence: d.confidence, evidence: d.evidence };
  };
  const { text, report } = await runDetect(config, { seconds, byIdDir: '/dev/serial/by-id', detectText });
  if (json) {
    const { line, ...rest } = report;
    io.stdout.write(`${JSON.stringify({ line: { verdict: line.verdict, proposed: line.proposed, evidence: line.evidence }, ...rest })}\n`);
  } else io.stdout.write(text);
  return 0;
}
