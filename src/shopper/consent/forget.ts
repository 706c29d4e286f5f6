/**
 * `tillbox members forget ID`: the member's contacts, consent and messages are deleted and their
 * history in the ledger is pseudonymised: the members row keeps its internal key (so the
 * store's totals and the member's receipts still add up) but its id becomes "forgotten:<random>",
 * which nothing can map back. Coupons name members by an unkeyed hash, which a guess of a
 * 10-digit id would match, so that hash is cleared; footers printed for the member's receipts
 * lose their text and bytes.
 *
 * Deleted rows must not linger in free pages or the WAL, so this runs with secure_delete on and
 * truncates the WAL afterwards. The raw journal (journal.db) is NOT touched: it is the byte-exact
 * copy of what the till printed, kept for journal.maxAgeDays (default 90) or until
 * journal.maxBytes, and a `tillbox reparse` within that time would file the member's receipts
 * under their id again (docs/notifications.md says so).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Ledger } from '../../ledger/types.js';

export interface ForgetResult {
  contacts: number;
  consents: number;
  notifications: number;
  receipts: number;
}

export function forgetMember(ledger: Ledger, member: string): ForgetResult | null {
  const db = ledger.db;
  const mid = ledger.memberKey(member);
  if (mid === undefined) return null;
  const memberHash = createHash('sha256').update(member).digest('hex');
  const previous = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    const result = db.transaction((): ForgetResult => {
      const contacts = db.prepare('DELETE FROM contacts WHERE mid = ?').run(mid).changes;
      const consents = db.prepare('DELETE FROM consent WHERE mid = ?').run(mid).changes;
      db.prepare('DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE mid = ?)').run(mid);
      const notifications = db.prepare('DELETE FROM notifications WHERE mid = ?').run(mid).changes;
      db.prepare('UPDATE coupons SET member_hash = NULL WHERE member_hash = ?').run(memberHash);
      db.prepare(`UPDATE footer_prints SET text = '', bytes = x'' WHERE receipt_id IN (SELECT id FROM receipts WHERE mid = ?)`).run(mid);
      const receipts = db.prepare('SELECT count(*) FROM receipts WHERE mid = ?').pluck().get(mid) as number;
      db.prepare('UPDATE members SET member = ? WHERE mid = ?').run(`forgotten:${randomBytes(16).toString('hex')}`, mid);
      return { contacts, consents, notifications, receipts };
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  } finally {
    db.pragma(`secure_delete = ${previous}`);
  }
}
