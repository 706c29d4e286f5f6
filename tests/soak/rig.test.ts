/**
 * A soak defect (issue 14 item 4): the rig took the tap's first child for the analytics child, but
 * the tap also runs short-lived helpers (timedatectl every 30 s for the clock check), so a kill -9
 * or SIGSTOP could hit the helper instead. analyticsChildOf picks the child running analytics-main.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LineClient } from '../../bench/soak/line-client.js';
import { hrMs } from '../../bench/soak/line-protocol.js';
import { analyticsChildOf, REPO } from '../../bench/soak/rig.js';
import { longestGap } from '../../bench/soak/run.js';
import { phaseAt, wholeInOrder } from '../../bench/soak/check.js';
import { RssSampler } from '../../bench/soak/observers.js';
import { freePort, waitFor } from '../support/tmp.js';

const kills: (() => void)[] = [];
afterEach(() => {
  for (const k of kills.splice(0)) k();
});

describe.skipIf(process.platform !== 'linux')('soak rig: the analytics child', () => {
  it('is the child running analytics-main, not the first child the tap started', async () => {
    // A stand-in tap: a helper first, then a child whose command line names analytics-main.js.
    const script = `
      const { spawn } = require('node:child_process');
      const helper = spawn('sleep', ['30']);
      setTimeout(() => {
        const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', '/x/dist/daemon/analytics-main.js']);
        process.stdout.write(JSON.stringify({ helper: helper.pid, child: child.pid }) + '\\n');
      }, 200);
      setTimeout(() => {}, 30000);
      process.on('SIGTERM', () => { helper.kill(); process.exit(0); });`;
    const tap = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    kills.push(() => tap.kill('SIGTERM'));
    let out = '';
    tap.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const pids = await waitFor(() => (out.includes('\n') ? (JSON.parse(out) as { helper: number; child: number }) : undefined), 10_000);
    kills.push(() => {
      try {
        process.kill(pids.child, 'SIGKILL');
      } catch {
        /* gone */
      }
    });
    expect(analyticsChildOf(tap.pid!)).toBe(pids.child);
    expect(analyticsChildOf(pids.helper)).toBeUndefined();
  });
});

describe('soak report: the longest printing gap', () => {
  it('names every fault the gap overlapped, not only the first', () => {
    // Arrivals at 0, 100 and 5000 ms; the till wrote at 200 ms; a short fault, then a long one, both in the gap.
    const windows = [
      { kind: 'analytics-kill9' as const, atReceipt: 1, start: 150, end: 300 },
      { kind: 'tap-kill9' as const, atReceipt: 2, start: 400, end: 2000 },
    ];
    expect(longestGap([0, 100, 5000], [50, 200], windows)).toEqual({ ms: 4900, cause: 'analytics-kill9 + tap-kill9' });
    expect(longestGap([0, 100, 5000], [50, 200], [])).toEqual({ ms: 4900, cause: 'none (no fault active)' });
  });
});

describe('soak report: receipts whole in a stream', () => {
  it('does not jump ahead when a missing receipt occurs again later', () => {
    // A soak defect: a reprint lost in a hole is printed again, byte for byte, later on (or its bytes
    // are the head of a later receipt); a search from the last match found that later copy and
    // skipped every receipt in between.
    const torn = Buffer.from('HEAD-A');
    const mk = (parts: Buffer[]): { start: number; end: number; bytes: Buffer }[] => {
      let at = 0;
      return parts.map((bytes) => ({ start: at, end: (at += bytes.length), bytes }));
    };
    const receipts = mk([Buffer.from('R1;'), torn, Buffer.from('R2;'), Buffer.from('R3;'), Buffer.from('HEAD-A-TAIL;'), Buffer.from('R4;')]);
    const stream = Buffer.from('R1;R2;R3;HEAD-A-TAIL;R4;'); // the torn one never arrived
    expect(wholeInOrder(stream, receipts)).toEqual([true, false, true, true, true, true]);
    // Nothing arrives twice: a receipt found only where a later one should be is not whole.
    expect(wholeInOrder(Buffer.from('R2;R1;'), mk([Buffer.from('R1;'), Buffer.from('R2;')]))).toEqual([false, true]);
  });
});

describe('soak report: memory at start, after an hour and at the end', () => {
  it('takes the first point, the one nearest t0 + 1 h, and the last; none for an hour in a shorter run', () => {
    const rss = new RssSampler(() => ({}));
    const min = 60_000;
    const mb = (x: number): number => x * 1e6;
    rss.curves.set('tap', { role: 'tap', peak: mb(90), points: [{ t: 0, rss: mb(80) }, { t: 59 * min, rss: mb(70) }, { t: 61 * min + 10_000, rss: mb(71) }, { t: 90 * min, rss: mb(72) }] });
    rss.curves.set('analytics', { role: 'analytics', peak: mb(120), points: [{ t: 0, rss: mb(100) }, { t: 20 * min, rss: mb(110) }] });
    expect(rss.summary(0)).toEqual({
      tap: { startMb: 80, after1hMb: 70, endMb: 72, peakMb: 90 },
      analytics: { startMb: 100, after1hMb: null, endMb: 110, peakMb: 120 },
    });
  });
});

describe('soak report: phases', () => {
  it('puts a moment after two faults in the phase after the later one, not the first in the list', () => {
    // A soak defect: a receipt lost after a pos-loss was reported "after clock-back-1h", the first window listed.
    const windows = [
      { kind: 'clock-back-1h' as const, atReceipt: 1, start: 0, end: 2000 },
      { kind: 'pos-loss' as const, atReceipt: 2, start: 5000, end: 7500 },
    ];
    expect(phaseAt(8000, windows)).toBe('after pos-loss');
    expect(phaseAt(6000, windows)).toBe('pos-loss');
    expect(phaseAt(3000, windows)).toBe('after clock-back-1h');
    expect(phaseAt(30_000, windows)).toBe('steady');
  });
});

describe('soak line process: one clock with the harness', () => {
  it("stamps with the harness's own monotonic clock, so its latencies need no correction", async () => {
    // The till writer and printer readers run in a process of their own; their hrtime stamps are
    // compared with the harness's. Each reading must fall between the harness's before and after.
    const line = new LineClient();
    const port = await freePort();
    await line.start([{ name: 'tap', mode: 'tcp', posPort: port, printerPort: port }], 115200, 0, REPO);
    try {
      for (let i = 0; i < 20; i++) {
        const before = hrMs();
        const theirs = await line.clock();
        const after = hrMs();
        expect(theirs).toBeGreaterThanOrEqual(before);
        expect(theirs).toBeLessThanOrEqual(after);
      }
      // And the conversion to this process's performance.now() keeps that order.
      const before = performance.now();
      const theirs = line.local(await line.clock());
      expect(theirs).toBeGreaterThanOrEqual(before - 0.001);
      expect(theirs).toBeLessThanOrEqual(performance.now() + 0.001);
    } finally {
      line.close();
    }
  }, 30_000);
});
