import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in for libgpiod v1's `gpioset --mode=wait` (no GPIO chip exists on the test machine):
 * it records its arguments, holds until its stdin reaches end-of-file, then records the release —
 * exactly when the real tool would let go of the line. Put `bin` first on PATH and pass `log` as
 * TBX_FAKE_GPIO_LOG.
 */
export function gpiosetStandIn(dir: string): { bin: string; log: string; state: () => string[] } {
  const log = join(dir, 'gpio.log');
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const tool = join(bin, 'gpioset');
  writeFileSync(tool, `#!/bin/bash\necho "held $*" >> "$TBX_FAKE_GPIO_LOG"\ncat > /dev/null\necho released >> "$TBX_FAKE_GPIO_LOG"\n`);
  chmodSync(tool, 0o755);
  return { bin, log, state: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}
