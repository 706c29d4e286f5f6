import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/sync/backoff.js';

describe('reconnect back-off', () => {
  const opts = { minMs: 500, maxMs: 60_000 };
  it('doubles its ceiling per attempt up to the maximum, drawing from the upper half', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(20, opts, () => 1)).toBe(60_000);
    expect(backoffDelay(10_000, opts, () => 0)).toBe(30_000);
  });
  it('spreads a fleet: 1,000 boxes at the same attempt do not pick the same delay', () => {
    const delays = Array.from({ length: 1000 }, () => backoffDelay(6, opts));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(16_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(32_000);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });
});
