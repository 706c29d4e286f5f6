import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.js';
import type { BypassLine } from './line.js';

export interface GpiosetLineOptions {
  chip: string;
  line: number;
  activeLow: boolean;
  /** No heartbeat for this long and the helper lets go of the line. */
  hangMs: number;
  logger: Logger;
  /** The gpiod tool (Debian `gpiod`, libgpiod v1 syntax); a test puts a stand-in first on PATH. */
  command?: string;
}

/**
 * Holds the line through libgpiod's `gpioset --mode=wait` (character device, no sysfs GPIO, no
 * native addon), under a small bash helper that releases it in each failure case without needing
 * this process to do anything:
 *
 *   - gpioset's stdin is a pipe only the helper writes to; gpioset holds the line until that pipe
 *     reaches end-of-file, then exits and the kernel frees the line (the Pi's pinctrl turns a freed
 *     pin back into an input, so the relay driver's pull-down de-energises it);
 *   - the helper reads a heartbeat line from the tap every hangMs/4 and exits when one does not come
 *     within hangMs (the tap's event loop, the one the byte path runs on, is stuck) or when its
 *     stdin reaches end-of-file (the tap exited or was killed -9: the kernel closes the pipe).
 *
 * Either way the helper's exit closes gpioset's pipe. A helper killed itself -9 closes it too.
 */
const HELPER = [
  'set -u',
  't=$1; tool=$2; shift 2',
  // Process substitution: gpioset's stdin is the read end, fd 3 here the only write end.
  'exec 3> >(exec "$tool" --mode=wait "$@")',
  'gp=$!',
  'while kill -0 "$gp" 2>/dev/null && IFS= read -r -t "$t" _; do :; done',
  'kill -0 "$gp" 2>/dev/null || exit 3',
  'exit 0',
].join('\n');

export class GpiosetLine implements BypassLine {
  onReleased: (reason: string) => void = () => {};
  private readonly opts: GpiosetLineOptions;
  private readonly log: Logger;
  private child: ChildProcess | undefined;
  private beat: NodeJS.Timeout | undefined;

  constructor(opts: GpiosetLineOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ module: 'bypass', chip: opts.chip, line: opts.line });
  }

  get energised(): boolean {
    return this.child !== undefined;
  }

  energise(): void {
    if (this.child !== undefined) return;
    const { chip, line, activeLow, hangMs } = this.opts;
    const args = [...(activeLow ? ['--active-low'] : []), chip, `${line}=1`];
    const child = spawn('bash', ['-c', HELPER, 'tillbox-relay', (hangMs / 1000).toFixed(3), this.opts.command ?? 'gpioset', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString('utf8');
    });
    // EPIPE once the helper is gone: its exit is what counts.
    child.stdin?.on('error', () => {});
    const gone = (reason: string): void => {
      if (this.child !== child) return;
      this.child = undefined;
      clearInterval(this.beat);
      this.onReleased(reason);
    };
    // No bash: spawn fails with 'error' and no 'exit'; the line was never held.
    child.once('error', (err) => gone(`cannot run the relay helper: ${err.message}`));
    child.once('exit', (code, signal) =>
      gone(code === 3 ? `gpioset failed: ${stderr.trim() || 'no message'}` : code === 0 ? 'heartbeat missed (event loop stalled)' : `relay helper exited (${signal ?? code})`),
    );
    this.beat = setInterval(() => child.stdin?.write('\n'), Math.max(50, Math.floor(hangMs / 4)));
    this.log.info({ hangMs }, 'relay energised (the box relays; released on stop, loss, a stalled loop or death)');
  }

  release(): void {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    clearInterval(this.beat);
    child.stdin?.end();
    // The helper exits at once on end-of-file; this is only for one that does not.
    const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
    kill.unref();
    child.once('exit', () => clearTimeout(kill));
    this.log.info('relay released (POS and printer wired direct)');
  }
}
