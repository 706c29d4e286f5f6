import type { Logger } from '../log.js';
import type { Timers } from '../tap/footer-types.js';
import { REAL_TIMERS } from '../tap/footer-types.js';
import type { BypassLine } from './line.js';

export interface SideView {
  up: boolean;
  /**
   * The side's device only exists while the relay is energised (a USB side: in bypass the POS's
   * and the printer's USB data lines are wired to each other, not to the box).
   */
  behindSwitch: boolean;
}

export interface BypassControllerOptions {
  line: BypassLine;
  /** The tap's sides now (read on every tick). */
  sides: () => { pos: SideView; printer: SideView };
  sideLossMs: number;
  /** After a switch-in that did not bring a behind-switch side up, wait this long before the next. */
  retryMs: number;
  logger: Logger;
  /** How often the sides are looked at; relay timing is not on the byte path. */
  tickMs?: number;
  timers?: Timers;
}

/**
 * When the relay is energised. The rule: only while the box can relay, i.e. once both sides are
 * open; released when the tap stops, when a side has been lost for sideLossMs, and (by the line
 * itself) when the process dies or its event loop stalls.
 *
 * A USB side cannot be open before the switch-in (its device appears only once the relay connects
 * it to the box), so a behind-switch side that is down does not block energising: the relay is
 * energised on trial, and if that side is not up within sideLossMs it is released again and the
 * next trial waits retryMs (each trial briefly takes the printer away from the POS).
 */
export class BypassController {
  private readonly o: BypassControllerOptions;
  private readonly log: Logger;
  private readonly timers: Timers;
  private tickHandle: unknown;
  /** Monotonic ms since when a side has been down while energised (undefined: none down). */
  private downSince: number | undefined;
  private notBefore = 0;
  private stopped = false;
  private lastReason = '';

  constructor(o: BypassControllerOptions) {
    this.o = o;
    this.log = o.logger.child({ module: 'bypass' });
    this.timers = o.timers ?? REAL_TIMERS;
    o.line.onReleased = (reason) => {
      this.log.warn({ reason }, 'relay released by its holder; POS and printer wired direct');
      this.downSince = undefined;
    };
  }

  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** Releases the relay first, so printing goes direct before the ports close. */
  stop(): void {
    this.stopped = true;
    this.timers.clear(this.tickHandle);
    this.o.line.release();
  }

  get energised(): boolean {
    return this.o.line.energised;
  }

  /** One look at the sides; schedules the next. Public so tests with fake timers can drive it. */
  tick(): void {
    if (this.stopped) return;
    this.timers.clear(this.tickHandle);
    this.evaluate();
    this.tickHandle = this.timers.set(() => this.tick(), this.o.tickMs ?? 100);
  }

  private evaluate(): void {
    const { pos, printer } = this.o.sides();
    const now = this.timers.now();
    const line = this.o.line;
    const bothUp = pos.up && printer.up;
    if (!line.energised) {
      // Sides that can be open before the switch-in must be; behind-switch ones come after.
      const ready = (pos.up || pos.behindSwitch) && (printer.up || printer.behindSwitch);
      if (ready && now >= this.notBefore) {
        line.energise();
        this.downSince = bothUp ? undefined : now;
        this.say(bothUp ? 'both sides open: relay energised' : 'relay energised on trial: waiting for the USB side behind the switch');
      }
      return;
    }
    if (bothUp) {
      if (this.downSince !== undefined) this.say('both sides open: relaying');
      this.downSince = undefined;
      return;
    }
    this.downSince ??= now;
    if (now - this.downSince >= this.o.sideLossMs) {
      line.release();
      this.downSince = undefined;
      const behind = (!pos.up && pos.behindSwitch) || (!printer.up && printer.behindSwitch);
      if (behind) this.notBefore = now + this.o.retryMs;
      this.log.warn({ pos: pos.up, printer: printer.up, sideLossMs: this.o.sideLossMs, nextTryInMs: behind ? this.o.retryMs : 0 }, 'a side down too long: relay released, POS and printer wired direct');
    }
  }

  private say(msg: string): void {
    if (msg === this.lastReason) return;
    this.lastReason = msg;
    this.log.info(msg);
  }
}
