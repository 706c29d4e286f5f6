/**
 * Owner sessions, in memory: a random 256-bit token in an HttpOnly cookie, looked up here.
 * A restart logs the owner out, which is acceptable for a shop box and keeps no secret on disk.
 * Bounded so a flood of logins cannot grow memory without limit.
 */
import { randomBytes } from 'node:crypto';

const MAX_SESSIONS = 64;

export class SessionStore {
  readonly #sessions = new Map<string, number>(); // token -> expiry (ms)

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  create(): { token: string; expiresAt: number } {
    this.#prune();
    if (this.#sessions.size >= MAX_SESSIONS) {
      // Oldest-expiring first: Map keeps insertion order, and every session has the same lifetime.
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.lifetimeMs;
    this.#sessions.set(token, expiresAt);
    return { token, expiresAt };
  }

  valid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiresAt = this.#sessions.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.now()) {
      this.#sessions.delete(token);
      return false;
    }
    return true;
  }

  revoke(token: string | undefined): void {
    if (token !== undefined) this.#sessions.delete(token);
  }

  get size(): number {
    this.#prune();
    return this.#sessions.size;
  }

  #prune(): void {
    const now = this.now();
    for (const [token, expiresAt] of this.#sessions) if (expiresAt <= now) this.#sessions.delete(token);
  }
}
