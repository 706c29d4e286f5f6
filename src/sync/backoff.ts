/**
 * Exponential back-off with jitter for reconnects: the ceiling doubles per failed attempt from
 * minMs up to maxMs, and the delay is drawn uniformly from the upper half of it ("equal jitter"),
 * so thousands of boxes that lost the same broker do not all come back in the same second.
 */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 60_000 };

export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
