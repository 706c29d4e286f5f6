/**
 * What the page's notification card, the owner's consent card and /metrics need from the
 * notification side (src/shopper/). Optional in WebDeps: a box built without it shows neither.
 */
import type { MemberConsentView } from '../shopper/consent/store.js';
import type { ConsentKind } from '../shopper/consent/types.js';
import type { DeliveryState } from '../shopper/outbox.js';
import type { ReachableReminders, Reach } from '../shopper/consent/reach.js';

export interface NotificationsState {
  /** Channels this box runs. */
  channels: string[];
  reach: Reach['members'];
  /** Expiry reminders counted only for members a configured channel reaches. */
  reminders: ReachableReminders;
  deliveries: DeliveryState;
}

export interface TillSignUp {
  email?: string;
  mobile?: string;
  /** channel → kinds granted. */
  channels: Partial<Record<string, ConsentKind[]>>;
  wording: string;
}

export interface NotificationsDeps {
  state(): NotificationsState;
  /** null: the ledger has never seen this member (and nothing is recorded). */
  consentOf(member: string): MemberConsentView | null;
  signUp(member: string, s: TillSignUp): MemberConsentView;
  /** channels undefined: everything. */
  withdraw(member: string, channels: string[] | undefined): { consents: number; cancelled: number; view: MemberConsentView | null };
}
