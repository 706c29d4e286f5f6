/**
 * The notification side of the status page (src/web/notify-deps.ts) from the ledger and the
 * notification outbox. A sign-up at the till is source 'till'; the wording version is the one
 * the page showed the shopper.
 */
import { reachByChannel, reachableReminders } from '../shopper/consent/reach.js';
import type { Contacts } from '../shopper/consent/types.js';
import type { Outbox } from '../shopper/outbox.js';
import type { Ledger } from '../ledger/types.js';
import type { NotificationsDeps } from '../web/notify-deps.js';

export function notificationsWebDeps(ledger: Ledger, outbox: Outbox, daysBefore: number, now: () => number = Date.now): NotificationsDeps {
  const store = outbox.consent;
  const channels = [...outbox.channels];
  const empty = { contacts: {}, consent: [] };
  return {
    state: () => ({
      channels,
      reach: reachByChannel(ledger, channels).members,
      reminders: reachableReminders(ledger, new Date(now()), daysBefore, channels),
      deliveries: outbox.deliveryState(20),
    }),
    consentOf: (member) => store.view(member),
    signUp(member, s) {
      const contacts: Contacts = {};
      if (s.email !== undefined) contacts.email = s.email;
      if (s.mobile !== undefined) contacts.mobile = s.mobile;
      const grant = Object.entries(s.channels).flatMap(([channel, kinds]) => (kinds === undefined ? [] : [{ channel, kinds }]));
      store.signUp(member, { source: 'till', wording: s.wording, time: new Date(now()), contacts, grant });
      return store.view(member) ?? empty;
    },
    withdraw(member, chans) {
      const r = store.withdraw(member, { source: 'till', wording: 'till-withdraw', time: new Date(now()), ...(chans !== undefined ? { channels: chans } : {}) });
      return { consents: r.consents, cancelled: r.cancelled, view: store.view(member) };
    },
  };
}
