/**
 * CSRF protection without a cookie before consent: the form carries a token that is an HMAC of
 * the page it was served on (store, receipt token) and an expiry, under a secret derived from the
 * head-office QR key (so every head-office instance accepts every other's forms, and nothing else
 * needs configuring). Another site cannot read the page, so it cannot get a token for a shopper's
 * browser; the POST also has to come from this origin (Origin header) and the session cookie is
 * SameSite=Lax. Pure apart from crypto: the clock is an argument.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A form is good for this long after the page was served. */
export const FORM_LIFETIME_MS = 2 * 3600_000;

export class CsrfTokens {
  readonly #secret: Buffer;

  constructor(qrKey: string) {
    this.#secret = createHmac('sha256', qrKey).update('tillbox-headoffice-csrf-v1').digest();
  }

  #mac(scope: string, expires: number): string {
    return createHmac('sha256', this.#secret).update(`${scope}\0${expires}`).digest('base64url');
  }

  issue(scope: string, nowMs: number): string {
    const expires = nowMs + FORM_LIFETIME_MS;
    return `${expires}.${this.#mac(scope, expires)}`;
  }

  check(scope: string, token: unknown, nowMs: number): boolean {
    if (typeof token !== 'string') return false;
    const m = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (m === null) return false;
    const expires = Number(m[1]);
    if (expires < nowMs || expires > nowMs + FORM_LIFETIME_MS) return false;
    const want = Buffer.from(this.#mac(scope, expires));
    const got = Buffer.from(m[2] ?? '');
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/** A state-changing request must name this server as its Origin (browsers send it on every POST). */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
