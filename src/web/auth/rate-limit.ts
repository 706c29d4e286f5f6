/**
 * Login attempts per client address in a sliding window (default 5 per minute). Every attempt
 * counts, right or wrong, so a guesser cannot learn anything from timing the 429. Bounded memory:
 * at most `maxKeys` addresses are tracked; when full the stalest is forgotten.
 */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now: () => number;
  maxKeys?: number;
}

export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #maxKeys: number;

  constructor(private readonly opts: RateLimitOptions) {
    this.#maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Records an attempt; returns 0 when allowed, else the seconds to wait. */
  attempt(key: string): number {
    const now = this.opts.now();
    const since = now - this.opts.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length >= this.opts.limit) {
      this.#hits.set(key, hits);
      const oldest = hits[0] ?? now;
      return Math.max(1, Math.ceil((oldest + this.opts.windowMs - now) / 1000));
    }
    hits.push(now);
    this.#hits.delete(key); // re-insert so Map order is least-recently-used first
    this.#hits.set(key, hits);
    if (this.#hits.size > this.#maxKeys) {
      const stalest = this.#hits.keys().next().value;
      if (stalest !== undefined) this.#hits.delete(stalest);
    }
    return 0;
  }
}
