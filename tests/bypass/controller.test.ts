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
import { judgeHealth } from '../../src/web/health.js';
import { renderMetrics } from '../../src/web/metrics.js';
import { statusSnapshot, TAP_STALE_MS } from '../../src/web/status-from-tap.js';

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

describe('bypass state on the status page', () => {
  it('reaches /api/status and /metrics from fresh tap figures only', () => {
    const side = { kind: 'serial' as const, address: '/dev/x', up: true, bytesIn: 0, chunksIn: 0, losses: 0, lastError: null };
    const tap = {
      type: 'tap-stats' as const, at: 1_000_000, uptimeMs: 1000, journalPath: '/j', links: { pos: side, printer: side }, bytes: { posToPrinter: 0, printerToPos: 0 },
      droppedWhilePrinterDown: { chunks: 0, bytes: 0 }, droppedWhilePosDown: { chunks: 0, bytes: 0 }, sessions: 0,
      journal: { posted: 0, committed: 0, dropped: 0, droppedBytes: 0, stalled: null, stallsRecovered: 0, lagChunks: 0, lagMs: 0, lastSeq: 0, workerRestarts: 0, writerUp: true },
      rssBytes: 1, bypass: { energised: true },
    };
    const parts = (nowMs: number) => ({
      version: '0', nowMs, tap, processUptimeSeconds: 1, receiptsToday: 0, parse: { ok: 0, failed: 0 }, journalBacklogBytes: 0, outboxBacklog: 0,
      broker: { state: 'disabled' as const, lastAckAt: null }, dropped: {}, clock: { synced: true }, disk: null,
    });
    const s = statusSnapshot(parts(1_000_500));
    expect(s.bypass).toEqual({ energised: true });
    const web = { sseClients: 0, sseRefused: { session: 0, total: 0 }, loginFailures: 0, loginRateLimited: 0 };
    expect(renderMetrics(s, judgeHealth(s, 1_000_500), web)).toContain('\ntillbox_bypass_energised 1\n');
    const stale = statusSnapshot(parts(1_000_000 + TAP_STALE_MS + 1000));
    expect(stale.bypass).toBeUndefined();
    expect(renderMetrics(stale, judgeHealth(stale, 1_000_000 + TAP_STALE_MS + 1000), web)).not.toContain('tillbox_bypass_energised');
  });
});
