import { createHmac } from 'node:crypto';

/**
 * A keyed pseudonym for a member id: `v{keyVersion}:` + hex HMAC-SHA-256(key, memberId).
 * The key stays on the box, so head office can link one member's baskets but cannot recover the
 * id or test guesses against it. This is pseudonymised personal data under GDPR/PIPL, not
 * anonymous data: whoever holds the key can re-identify. The version prefix lets keys rotate
 * (a new version starts new pseudonyms; old and new never collide).
 */
export function pseudonymFor(memberId: string, key: string, keyVersion: number): string {
  return `v${keyVersion}:${createHmac('sha256', key).update(memberId, 'utf8').digest('hex')}`;
}

/** The shape every pseudonym has; the basket schema and the privacy scanner use it. */
export const PSEUDONYM_PATTERN = /^v[1-9][0-9]*:[0-9a-f]{64}$/;
