/**
 * The pipeline keeps a receipt open while the tap says its journal is behind (a full disk holds
 * chunks back). That freshness was measured on the wall clock: a clock step forward while the disk
 * was full made fresh stats look stale, and the soak lost a receipt split by an "idle" close.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { journalBehind } from '../../src/daemon/analytics.js';
import type { TapStatsMessage } from '../../src/daemon/messages.js';

const behind = { journal: { lagChunks: 12 } } as unknown as TapStatsMessage;
const caughtUp = { journal: { lagChunks: 0 } } as unknown as TapStatsMessage;

afterEach(() => {
  vi.useRealTimers();
});

describe('journalBehind', () => {
  it('stays true across a wall-clock step forward of a day (only real time makes stats stale)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const at = performance.now();
    vi.setSystemTime(Date.now() + 86_400_000);
    expect(journalBehind(behind, at)).toBe(true);
  });

  it('is false once the stats are older than 5 s of real time, or the journal has caught up', () => {
    const at = performance.now();
    expect(journalBehind(behind, at, at + 6000)).toBe(false);
    expect(journalBehind(caughtUp, at)).toBe(false);
    expect(journalBehind(null, at)).toBe(false);
  });
});
