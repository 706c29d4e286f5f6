import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Tap } from '../tap/types.js';
import { BypassController } from './controller.js';
import { GpiosetLine } from './gpioset-line.js';

/** The tap's bypass relay for this config, or undefined when bypass.enabled is off (GPIO untouched). */
export function bypassFor(config: Pick<Config, 'bypass'>, tap: Tap, logger: Logger): BypassController | undefined {
  const b = config.bypass;
  if (!b.enabled) return undefined;
  const line = new GpiosetLine({ chip: b.chip, line: b.line, activeLow: b.activeLow, hangMs: b.hangMs, logger });
  return new BypassController({
    line,
    sideLossMs: b.sideLossMs,
    retryMs: b.retryMs,
    logger,
    sides: () => {
      const s = tap.stats();
      return { pos: { up: s.pos.up, behindSwitch: s.pos.kind === 'usb' }, printer: { up: s.printer.up, behindSwitch: s.printer.kind === 'usb' } };
    },
  });
}
