/**
 * Applies `config/consent` messages (message.ts) to the consent store and says what to reply on
 * `response/consent`: `{"id", "ok": true}` or `{"id", "ok": false, "error": "TBX_…", "message"}`.
 * The reply never carries the address or subscription. Idempotent by message id: an applied id
 * is kept in consent_messages with its reply, and a redelivery (QoS 1 may repeat) gets the same
 * reply and changes nothing. A refused message is not kept, so head office may send it again
 * once fixed (or once the basket it names has been filed).
 */
import type { Logger } from 'pino';
import { TillboxError, isTillboxError } from '../../errors.js';
import type { Ledger } from '../../ledger/types.js';
import { consentMessageId, parseConsentMessage, type ConsentMessage } from './message.js';
import type { MemberResolver } from './resolve.js';
import type { ConsentGrant, ConsentStore } from './store.js';
import type { Contacts } from './types.js';

export interface ConsentReply {
  id: string | null;
  ok: boolean;
  error?: string;
  message?: string;
}

export interface ConsentInboundDeps {
  ledger: Ledger;
  store: ConsentStore;
  resolver: MemberResolver;
  now?: () => Date;
  logger?: Logger;
}

export function createConsentInbound(deps: ConsentInboundDeps): (payload: Buffer) => ConsentReply {
  const db = deps.ledger.db;
  const seen = db.prepare('SELECT reply FROM consent_messages WHERE id = ?').pluck();
  const remember = db.prepare('INSERT INTO consent_messages (id, received_at, reply) VALUES (?, ?, ?)');
  const log = deps.logger?.child({ module: 'consent-inbound' });
  const now = deps.now ?? (() => new Date());

  const apply = db.transaction((mid: number, m: ConsentMessage, reply: ConsentReply) => {
    const time = new Date(m.time);
    const base = { source: m.source, wording: m.wording, time };
    if (m.withdraw) {
      const chans = m.channels;
      if (chans === undefined) deps.store.withdrawByKey(mid, base);
      else {
        for (const [channel, c] of Object.entries(chans)) deps.store.withdrawByKey(mid, { ...base, channels: [channel], ...(c.kinds !== undefined ? { kinds: c.kinds } : {}) });
      }
    } else {
      const contacts: Contacts = {};
      const grant: ConsentGrant[] = [];
      const email = m.channels?.email;
      if (email?.address !== undefined && email.kinds !== undefined) {
        contacts.email = email.address;
        grant.push({ channel: 'email', kinds: email.kinds });
      }
      const push = m.channels?.webpush;
      if (push?.subscription !== undefined && push.kinds !== undefined) {
        contacts.webpush = push.subscription;
        grant.push({ channel: 'webpush', kinds: push.kinds });
      }
      deps.store.signUpByKey(mid, { ...base, contacts, grant });
    }
    remember.run(m.id, now().toISOString(), JSON.stringify(reply));
  });

  return (payload) => {
    let msg: ConsentMessage;
    try {
      msg = parseConsentMessage(payload);
    } catch (err) {
      const code = isTillboxError(err) ? err.code : 'TBX_MQTT_PAYLOAD_INVALID';
      log?.warn({ code, bytes: payload.length }, 'inbound consent refused');
      return { id: consentMessageId(payload), ok: false, error: code, message: (err as Error).message };
    }
    const before = seen.get(msg.id) as string | undefined;
    if (before !== undefined) return JSON.parse(before) as ConsentReply;
    try {
      const mid = 'member' in msg.target ? deps.resolver.byPseudonym(msg.target.member) : deps.resolver.byBasket(msg.target.basket, now());
      if (mid === undefined) {
        throw new TillboxError('TBX_CONSENT_MEMBER_UNKNOWN', 'member' in msg.target
          ? 'config/consent: member: no member of this box has that pseudonym (wrong key version, or never seen here)'
          : `config/consent: basket: no member receipt of the last 180 days has that basket id`);
      }
      const reply: ConsentReply = { id: msg.id, ok: true };
      apply(mid, msg, reply);
      // The member key only: no id, address or subscription in the log.
      log?.info({ message: msg.id, memberKey: mid, withdraw: msg.withdraw, source: msg.source }, 'inbound consent applied');
      return reply;
    } catch (err) {
      const code = isTillboxError(err) ? err.code : 'TBX_INTERNAL';
      log?.warn({ message: msg.id, code }, 'inbound consent refused');
      return { id: msg.id, ok: false, error: code, message: (err as Error).message };
    }
  };
}
