/**
 * Head office names a member only by what it has: the pseudonym in baskets, or a basket id (the
 * QR sign-up right after a purchase). The box maps either back to its member key here.
 *
 * Pseudonyms are keyed HMACs, so the only way back is to compute them: one HMAC per member, about
 * 1 µs each (0.1 s for 100,000 members), for a message that arrives once per sign-up. A stored
 * pseudonym column would be faster but is one more copy of a member identifier to forget and to
 * rebuild on every key rotation. Basket ids are hashes of (store, receipt id): only receipts of
 * the last BASKET_LOOKBACK_DAYS with a member are tried, newest first.
 */
import type { Ledger } from '../../ledger/types.js';

export const BASKET_LOOKBACK_DAYS = 180;

export interface MemberResolver {
  byPseudonym(pseudonym: string): number | undefined;
  byBasket(basketId: string, now: Date): number | undefined;
}

export function memberResolver(ledger: Ledger, pseudonymOf: ((member: string) => string) | undefined, basketIdOf: (receiptId: string) => string): MemberResolver {
  const members = ledger.db.prepare(`SELECT mid, member FROM members WHERE member NOT LIKE 'forgotten:%'`);
  const receipts = ledger.db.prepare('SELECT id, mid FROM receipts WHERE mid IS NOT NULL AND ts >= ? ORDER BY ts DESC');
  return {
    byPseudonym(pseudonym) {
      if (pseudonymOf === undefined) return undefined;
      for (const row of members.iterate() as IterableIterator<{ mid: number; member: string }>) {
        if (pseudonymOf(row.member) === pseudonym) return row.mid;
      }
      return undefined;
    },
    byBasket(basketId, now) {
      for (const row of receipts.iterate(now.getTime() - BASKET_LOOKBACK_DAYS * 86_400_000) as IterableIterator<{ id: string; mid: number }>) {
        if (basketIdOf(row.id) === basketId) return row.mid;
      }
      return undefined;
    },
  };
}
