/**
 * The relay rules, against FakeBypassLine: no GPIO chip exists on this machine (no gpio-sim:
 * /sys/kernel/config is not mounted and there is no modprobe), so the rules run on a fake line with
 * a manual clock. The real holder (gpioset under its helper) is tested in gpioset-line.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BypassController, type SideView } from '../../src/bypass/controller.js';
import { FakeBypassLine } from '../../src/bypass/line.js';
import { createLogger } from '../../src/log.js';
import type { Timers } from '../../src/tap/footer-types.js';

const quiet = createLogger({ level: 'silent' });

/** Timers whose clock only moves when the test says; tick() is driven by hand. */
function manualTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  return { set: () => 0, clear: () => undefined, now: () => now, advance: (ms) => void (now += ms) };
}

function rig(behindSwitch = false) {
  const line = new FakeBypassLine();
  const timers = manualTimers();
  const sides: { pos: SideView; printer: SideView } = { pos: { up: false, behindSwitch }, printer: { up: false, behindSwitch } };
  const c = new BypassController({ line, sides: () => sides, sideLossMs: 3000, retryMs: 60_000, logger: quiet, timers });
  const at = (ms: number): void => {
    timers.advance(ms);
    c.tick();
  };
  return { line, sides, c, at };
}

describe('bypass relay rules (fake line)', () => {
  it('serial sides: energised only once both are open; a short loss keeps it, a long one releases; stop releases', () => {
    const { line, sides, c, at } = rig();
    c.start();
    expect(line.energised).toBe(false);
    sides.pos.up = true;
    at(100);
    expect(line.energised).toBe(false); // one side is not enough
    sides.printer.up = true;
    at(100);
    expect(line.energised).toBe(true);
    // Printer lost for less than sideLossMs, then back: never released.
    sides.printer.up = false;
    at(2900);
    expect(line.energised).toBe(true);
    sides.printer.up = true;
    at(100);
    expect(line.energised).toBe(true);
    // Lost for sideLossMs: released, printing goes direct.
    sides.pos.up = false;
    at(100);
    at(2999);
    expect(line.energised).toBe(true);
    at(1);
    expect(line.energised).toBe(false);
    // Back: energised again at once (a serial side does not need the relay to be seen).
    sides.pos.up = true;
    at(100);
    expect(line.energised).toBe(true);
    c.stop();
    expect(line.energised).toBe(false);
    expect(line.history).toEqual(['energise', 'release', 'energise', 'release']);
  });

  it('USB sides behind the switch: energised on trial, released if they do not come up, retried only after retryMs', () => {
    const { line, sides, c, at } = rig(true);
    c.start();
    expect(line.energised).toBe(true); // trial: the devices appear only once switched in
    at(3000);
    expect(line.energised).toBe(false);
    at(59_000);
    expect(line.energised).toBe(false); // no flapping the POS's direct link
    at(1000);
    expect(line.energised).toBe(true);
    sides.pos.up = true;
    sides.printer.up = true;
    at(5000);
    expect(line.energised).toBe(true);
  });

  it('a line dropped by its holder (stalled event loop) is taken up again once the loop runs', () => {
    const { line, sides, c, at } = rig();
    sides.pos.up = true;
    sides.printer.up = true;
    c.start();
    expect(line.energised).toBe(true);
    line.drop('heartbeat missed (event loop stalled)');
    expect(line.energised).toBe(false);
    at(100);
    expect(line.energised).toBe(true);
    expect(line.history).toEqual(['energise', 'release', 'energise']);
  });
});
