import type { FastifyRequest } from 'fastify';

/**
 * Headers on every response. The CSP allows nothing but this box: no external origin can be
 * loaded, framed or posted to, and no inline script or style runs (the page ships none).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * A request that changes something (any method but GET/HEAD) from another site. The owner's
 * cookie is SameSite=Strict and bodies must be JSON (a cross-site form cannot send that without a
 * preflight this server never answers), so a browser would not get here anyway; this is the third
 * lock: an Origin (or, without one, a Referer) that is not this host is refused. Clients that send
 * neither (curl, scripts with Basic auth) are not browsers acting for someone else.
 */
export function crossSiteWrite(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const from = request.headers.origin ?? request.headers.referer;
  if (from === undefined || from === '') return false;
  let host: string;
  try {
    host = new URL(from).host;
  } catch {
    return true;
  }
  return host !== request.headers.host;
}
