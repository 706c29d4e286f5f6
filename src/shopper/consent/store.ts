/**
 * Contacts and consent in the ledger database (tables contacts, consent; migration 3). Every
 * change is one transaction; a withdrawal also cancels, in the same transaction, every delivery
 * still pending for what was withdrawn, so nothing already queued goes out afterwards (the
 * outbox checks consent once more right before each delivery as well).
 *
 * Contact values are personal data: this module never logs, and what it returns for people to
 * read (view) is masked. Only contactsOf() returns clear values, for the channel delivering.
 */
import type { Ledger } from '../../ledger/types.js';
import {
  CHANNEL_CONTACT, CONSENT_KINDS, CONTACT_KINDS, maskEmail, maskMobile, maskSubscription, notificationKindsOf,
  type ConsentKind, type ConsentSource, type ContactKind, type Contacts, type PushSubscriptionJson,
} from './types.js';

export interface ConsentGrant {
  channel: string;
  kinds: readonly ConsentKind[];
}

export interface SignUp {
  source: ConsentSource;
  /** The version of the consent text the shopper saw. */
  wording: string;
  time?: Date;
  /** Contact points to store (replacing the member's earlier one of the same kind). */
  contacts?: Contacts;
  grant?: readonly ConsentGrant[];
}

export interface Withdrawal {
  source: ConsentSource;
  wording: string;
  time?: Date;
  /** undefined: every channel. */
  channels?: readonly string[];
  /** undefined: every kind. */
  kinds?: readonly ConsentKind[];
}

export interface ConsentRow {
  channel: string;
  kind: ConsentKind;
  granted: boolean;
  updatedAt: string;
  source: ConsentSource;
  wording: string;
}

/** What the CLI and the owner's page show: contacts masked. */
export interface MemberConsentView {
  contacts: Partial<Record<ContactKind, string>>;
  consent: ConsentRow[];
}

export interface ConsentStore {
  /** Stores contacts and grants; creates the member when the ledger has not seen them yet. */
  signUp(member: string, s: SignUp): { granted: number; contacts: number };
  signUpByKey(mid: number, s: SignUp): { granted: number; contacts: number };
  /** One action, effective at once: consent rows off, pending deliveries cancelled, unused contacts deleted. */
  withdraw(member: string, w: Withdrawal): { consents: number; cancelled: number; contactsDeleted: number };
  withdrawByKey(mid: number, w: Withdrawal): { consents: number; cancelled: number; contactsDeleted: number };
  view(member: string): MemberConsentView | null;
  /** Deletes one contact point; channels needing it stop at once (the outbox checks before each delivery). */
  removeContact(member: string, kind: ContactKind): boolean;
  /** Clear contact values, for the channel that delivers to one. */
  contactsOf(mid: number): Contacts;
  /** Granted for this channel and kind, and the contact the channel needs is there. */
  deliverable(mid: number, channel: string, kind: ConsentKind, contacts?: Contacts): boolean;
  channelsFor(mid: number, kind: ConsentKind, configured: readonly string[]): string[];
}

export function createConsentStore(ledger: Ledger): ConsentStore {
  const db = ledger.db;
  const memberIns = db.prepare('INSERT INTO members (member) VALUES (?) ON CONFLICT DO NOTHING');
  const contactUp = db.prepare(`INSERT INTO contacts (mid, kind, value, source, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET value = excluded.value, source = excluded.source, updated_at = excluded.updated_at`);
  const contactSel = db.prepare('SELECT kind, value FROM contacts WHERE mid = ?');
  const contactDel = db.prepare('DELETE FROM contacts WHERE mid = ? AND kind = ?');
  const consentUp = db.prepare(`INSERT INTO consent (mid, channel, kind, granted, updated_at, source, wording) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at, source = excluded.source, wording = excluded.wording`);
  const consentOff = db.prepare(`UPDATE consent SET granted = 0, updated_at = ?, source = ?, wording = ? WHERE mid = ? AND channel = ? AND kind = ? AND granted = 1`);
  const consentRows = db.prepare('SELECT channel, kind, granted, updated_at AS updatedAt, source, wording FROM consent WHERE mid = ? ORDER BY channel, kind');
  const grantedSel = db.prepare('SELECT channel, kind FROM consent WHERE mid = ? AND granted = 1');
  const oneSel = db.prepare('SELECT granted FROM consent WHERE mid = ? AND channel = ? AND kind = ?').pluck();
  const cancel = db.prepare(`UPDATE deliveries SET status = 'withdrawn', last_error = 'consent withdrawn'
    WHERE status = 'pending' AND channel = ? AND notification_id IN (SELECT id FROM notifications WHERE mid = ? AND kind = ?)`);

  const iso = (t: Date | undefined): string => (t ?? new Date()).toISOString();

  const signUpByKey = db.transaction((mid: number, s: SignUp) => {
    const at = iso(s.time);
    let contacts = 0;
    for (const kind of CONTACT_KINDS) {
      const v = s.contacts?.[kind];
      if (v === undefined) continue;
      contactUp.run(mid, kind, typeof v === 'string' ? v : JSON.stringify(v satisfies PushSubscriptionJson), s.source, at);
      contacts++;
    }
    let granted = 0;
    for (const g of s.grant ?? []) {
      for (const kind of g.kinds) {
        consentUp.run(mid, g.channel, kind, 1, at, s.source, s.wording);
        granted++;
      }
    }
    return { granted, contacts };
  });

  const withdrawByKey = db.transaction((mid: number, w: Withdrawal) => {
    const at = iso(w.time);
    const rows = grantedSel.all(mid) as { channel: string; kind: ConsentKind }[];
    let consents = 0;
    let cancelled = 0;
    for (const r of rows) {
      if (w.channels !== undefined && !w.channels.includes(r.channel)) continue;
      if (w.kinds !== undefined && !w.kinds.includes(r.kind)) continue;
      consents += consentOff.run(at, w.source, w.wording, mid, r.channel, r.kind).changes;
      for (const nk of notificationKindsOf(r.kind)) cancelled += cancel.run(r.channel, mid, nk).changes;
    }
    // A contact no granted channel uses any more is not kept (data minimisation).
    const still = new Set((grantedSel.all(mid) as { channel: string }[]).map((r) => CHANNEL_CONTACT[r.channel]?.contact));
    let contactsDeleted = 0;
    for (const kind of CONTACT_KINDS) if (!still.has(kind)) contactsDeleted += contactDel.run(mid, kind).changes;
    return { consents, cancelled, contactsDeleted };
  });

  const keyOf = (member: string, create: boolean): number | undefined => {
    if (create) memberIns.run(member);
    return ledger.memberKey(member);
  };

  const contactsOf = (mid: number): Contacts => {
    const out: Contacts = {};
    for (const r of contactSel.all(mid) as { kind: ContactKind; value: string }[]) {
      if (r.kind === 'webpush') out.webpush = JSON.parse(r.value) as PushSubscriptionJson;
      else out[r.kind] = r.value;
    }
    return out;
  };

  const deliverable = (mid: number, channel: string, kind: ConsentKind, contacts?: Contacts): boolean => {
    if (oneSel.get(mid, channel, kind) !== 1) return false;
    const need = CHANNEL_CONTACT[channel];
    if (need === undefined || !need.required) return true;
    return (contacts ?? contactsOf(mid))[need.contact] !== undefined;
  };

  return {
    signUp: (member, s) => db.transaction(() => signUpByKey(keyOf(member, true) as number, s))(),
    signUpByKey: (mid, s) => signUpByKey(mid, s),
    withdraw(member, w) {
      const mid = keyOf(member, false);
      return mid === undefined ? { consents: 0, cancelled: 0, contactsDeleted: 0 } : withdrawByKey(mid, w);
    },
    withdrawByKey: (mid, w) => withdrawByKey(mid, w),
    view(member) {
      const mid = keyOf(member, false);
      if (mid === undefined) return null;
      const c = contactsOf(mid);
      const contacts: MemberConsentView['contacts'] = {};
      if (c.email !== undefined) contacts.email = maskEmail(c.email);
      if (c.mobile !== undefined) contacts.mobile = maskMobile(c.mobile);
      if (c.webpush !== undefined) contacts.webpush = maskSubscription(c.webpush);
      const consent = (consentRows.all(mid) as (Omit<ConsentRow, 'granted'> & { granted: number })[]).map((r) => ({ ...r, granted: r.granted === 1 }));
      return { contacts, consent };
    },
    removeContact(member, kind) {
      const mid = keyOf(member, false);
      return mid !== undefined && contactDel.run(mid, kind).changes > 0;
    },
    contactsOf,
    deliverable,
    channelsFor(mid, kind, configured) {
      const contacts = contactsOf(mid);
      return configured.filter((ch) => deliverable(mid, ch, kind, contacts));
    },
  };
}

/** Every kind, for "consent to everything on this channel". */
export const ALL_KINDS: readonly ConsentKind[] = CONSENT_KINDS;
