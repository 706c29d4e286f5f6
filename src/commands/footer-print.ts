/**
 * `tillbox footer --print [RECEIPT_ID] [--idle-ms N]`: asks the running daemon, over its control
 * socket (src/daemon/control-socket.ts), to print a test block between two POS jobs. The daemon
 * decides: it prints only while the till has been quiet for N ms with nothing held, and never lets
 * a POS byte and the block interleave. A refusal prints the reason and exits 1.
 */
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { CONTROL_SOCKET, controlRequest } from '../daemon/control-socket.js';
import { TillboxError } from '../errors.js';
import type { CommandIO } from './types.js';

/** The daemon answers within its own 5 s wait for the analytics child; this is a little more. */
const ANSWER_TIMEOUT_MS = 10_000;

export async function printTest(receipt: string | null, idle: string, configFile: string | undefined, io: CommandIO): Promise<number> {
  const idleMs = Number(idle);
  if (!Number.isInteger(idleMs) || idleMs < 0 || idleMs > 600_000) throw new TillboxError('TBX_USAGE', `--idle-ms: expected a whole number of milliseconds (0-600000), got '${idle}'`);
  const config = loadConfig(configFile === undefined ? undefined : resolve(io.cwd, configFile), io.env);
  const path = resolve(io.cwd, join(config.dataDir, CONTROL_SOCKET));
  let reply;
  try {
    reply = await controlRequest(path, { type: 'footer-print', receipt, idleMs }, ANSWER_TIMEOUT_MS);
  } catch (err) {
    throw new TillboxError('TBX_DAEMON_UNREACHABLE', `${path}: ${(err as Error).message} (is tillbox running with this config?)`, { cause: err });
  }
  if (!reply.ok) throw new TillboxError('TBX_PRINT_REFUSED', `not printed: ${reply.reason}`);
  io.stdout.write(`printed ${reply.bytes} bytes between POS jobs:\n${reply.text}\n`);
  return 0;
}
