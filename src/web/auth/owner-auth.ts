/**
 * Who is the owner: a valid session cookie, or HTTP Basic credentials (user `owner`) for
 * scrapers such as Prometheus that cannot log in through the page. Basic credentials that
 * verified are remembered (as a SHA-256 digest) for a few minutes so a 15 s scrape interval
 * does not cost one scrypt each time; wrong ones count against the login rate limit.
 */
import { createHash } from 'node:crypto';
import type {} from '@fastify/cookie'; // request.cookies / reply.setCookie type augmentation
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OwnerPassword } from './owner-password.js';
import { verifyPassword } from './password.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'tillbox_session';
const BASIC_USER = 'owner';
const BASIC_CACHE_MS = 5 * 60_000;
/** Login (and wrong Basic auth) attempts per client address per minute. */
export const LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 5;
/**
 * Attempts per minute from all addresses together, on top of the per-address budget: twenty
 * loopback or LAN addresses would otherwise give 100 guesses a minute. While it is spent the
 * owner's own login waits too (at most a minute); an open session is not affected.
 */
export const LOGIN_ATTEMPTS_TOTAL_PER_MINUTE = 20;

export interface AuthOptions {
  /** web.adminPasswordHash; wins over the first-run file. */
  passwordHash?: string | undefined;
  /** dataDir/admin.hash: where first-run setup writes the hash. Undefined: no first-run setup. */
  setupFile?: string | undefined;
  sessionHours: number;
  /**
   * Mark the cookie Secure. Off by default: the box serves plain HTTP on the shop LAN (no
   * certificate a phone would trust), and browsers never send a Secure cookie over http://,
   * so login would be impossible. Turn on when a TLS proxy sits in front.
   */
  secureCookie?: boolean;
  /** Login (and wrong Basic auth) attempts per client address per minute. Default LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE. */
  attemptsPerMinute?: number;
  /** The same from all addresses together. Default LOGIN_ATTEMPTS_TOTAL_PER_MINUTE. */
  attemptsPerMinuteTotal?: number;
}

/** Why an attempt must wait: its own address used its budget, or all addresses together did. */
export type LimitScope = 'address' | 'total';

export class OwnerAuth {
  readonly password: OwnerPassword;
  readonly sessions: SessionStore;
  readonly limiter: SlidingWindowLimiter;
  readonly totalLimiter: SlidingWindowLimiter;
  readonly counters = { loginFailures: 0, loginRateLimited: 0 };
  readonly #basicOk = new Map<string, number>(); // sha256(header) -> valid until

  constructor(
    readonly opts: AuthOptions,
    private readonly now: () => number,
  ) {
    this.password = new OwnerPassword(opts.passwordHash, opts.setupFile);
    this.sessions = new SessionStore(opts.sessionHours * 3_600_000, now);
    this.limiter = new SlidingWindowLimiter({ limit: opts.attemptsPerMinute ?? LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE, windowMs: 60_000, now });
    this.totalLimiter = new SlidingWindowLimiter({ limit: opts.attemptsPerMinuteTotal ?? LOGIN_ATTEMPTS_TOTAL_PER_MINUTE, windowMs: 60_000, now, maxKeys: 1 });
  }

  /** 0 when the attempt may go ahead, else seconds to wait (and counted). */
  attempt(ip: string): number {
    return this.attemptWithScope(ip).wait;
  }

  /** The address's budget first (a refused attempt there does not spend the shared one), then everyone's. */
  attemptWithScope(ip: string): { wait: number; scope: LimitScope } {
    let wait = this.limiter.attempt(ip);
    let scope: LimitScope = 'address';
    if (wait === 0) {
      wait = this.totalLimiter.attempt('all');
      scope = 'total';
    }
    if (wait > 0) this.counters.loginRateLimited++;
    return { wait, scope };
  }

  async checkPassword(password: string): Promise<boolean> {
    const hash = this.password.hash;
    const ok = hash !== undefined && (await verifyPassword(password, hash));
    if (!ok) this.counters.loginFailures++;
    return ok;
  }

  startSession(reply: FastifyReply): void {
    const { token } = this.sessions.create();
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.opts.secureCookie ?? false,
      path: '/',
      maxAge: this.opts.sessionHours * 3600,
    });
  }

  endSession(request: FastifyRequest, reply: FastifyReply): void {
    this.sessions.revoke(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.opts.secureCookie ?? false });
  }

  hasSession(request: FastifyRequest): boolean {
    return this.sessions.valid(request.cookies[SESSION_COOKIE]);
  }

  /** Who holds a resource such as a live stream: the session (by a digest of its token), else the address (Basic auth). */
  principal(request: FastifyRequest): string {
    const token = request.cookies[SESSION_COOKIE];
    if (token !== undefined && this.sessions.valid(token)) return `session:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
    return `address:${request.ip}`;
  }

  /** 'ok', 'none' (no credentials) or a number of seconds to wait (rate limited). */
  async authorize(request: FastifyRequest): Promise<'ok' | 'none' | 'bad' | number> {
    if (this.hasSession(request)) return 'ok';
    const header = request.headers.authorization;
    if (header === undefined || !header.startsWith('Basic ')) return 'none';
    const digest = createHash('sha256').update(header).digest('base64');
    const until = this.#basicOk.get(digest);
    if (until !== undefined && until > this.now()) return 'ok';
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    if (colon < 0 || user !== BASIC_USER) return 'bad';
    const wait = this.attempt(request.ip);
    if (wait > 0) return wait;
    if (!(await this.checkPassword(pass))) return 'bad';
    if (this.#basicOk.size > 16) this.#basicOk.clear();
    this.#basicOk.set(digest, this.now() + BASIC_CACHE_MS);
    return 'ok';
  }
}
