/**
 * The inbound `config/consent` message from head office (QoS 1, not retained): a shopper signed
 * up, or withdrew, on the head-office shopper page or through a receipt's QR code. Pure parsing
 * and validation; every problem named by its field, all at once. docs/notifications.md has the
 * contract; head office implements it to the letter.
 */
import { TillboxError } from '../../errors.js';
import { CONSENT_KINDS, MAX_WORDING_LENGTH, subscriptionProblem, validEmail, type ConsentKind, type PushSubscriptionJson } from './types.js';

/** A sign-up with a Web Push subscription is under 1 KiB; this leaves room and bounds the parse. */
export const MAX_CONSENT_BYTES = 16 * 1024;
export const MAX_CONSENT_ID_LENGTH = 64;

export type ConsentTarget = { member: string } | { basket: string };

export interface ConsentMessage {
  id: string;
  time: string;
  source: 'headoffice' | 'qr';
  wording: string;
  target: ConsentTarget;
  withdraw: boolean;
  /** Absent with withdraw: everything. Kinds absent on a withdrawal: every kind of that channel. */
  channels?: {
    email?: { address?: string; kinds?: ConsentKind[] };
    webpush?: { subscription?: PushSubscriptionJson; kinds?: ConsentKind[] };
  };
}

const TOP_KEYS = ['schema', 'id', 'time', 'source', 'wording', 'member', 'basket', 'withdraw', 'channels'];

function invalid(problems: string[]): TillboxError {
  return new TillboxError('TBX_MQTT_PAYLOAD_INVALID', `config/consent: ${problems.slice(0, 10).join('; ')}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The id, if the payload has a usable one (for the reply to a message that fails validation). */
export function consentMessageId(payload: Buffer): string | null {
  try {
    // An over-size payload is never parsed whole: only its first KiB is looked at.
    if (payload.length > MAX_CONSENT_BYTES) throw new Error('too large to parse');
    const id = (JSON.parse(payload.toString('utf8')) as Record<string, unknown> | null)?.['id'];
    return typeof id === 'string' && id.length > 0 && id.length <= MAX_CONSENT_ID_LENGTH ? id : null;
  } catch {
    return /"id"\s*:\s*"([^"\\]{1,64})"/.exec(payload.subarray(0, 1024).toString('utf8'))?.[1] ?? null;
  }
}

function kindsOf(v: unknown, at: string, problems: string[], required: boolean): ConsentKind[] | undefined {
  if (v === undefined) {
    if (required) problems.push(`${at}: required (a non-empty array of ${CONSENT_KINDS.join(', ')})`);
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0 || v.some((k) => !(CONSENT_KINDS as readonly unknown[]).includes(k))) {
    problems.push(`${at}: expected a non-empty array of ${CONSENT_KINDS.join(', ')}`);
    return undefined;
  }
  return [...new Set(v as ConsentKind[])];
}

export function parseConsentMessage(payload: Buffer): ConsentMessage {
  if (payload.length > MAX_CONSENT_BYTES) {
    throw new TillboxError('TBX_MQTT_PAYLOAD_TOO_LARGE', `config/consent: ${payload.length} bytes is over the limit of ${MAX_CONSENT_BYTES} bytes; refused unread`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    throw invalid(['not valid JSON']);
  }
  if (!isObject(doc)) throw invalid(['expected a JSON object']);
  const problems: string[] = [];
  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) problems.push(`${k}: unknown key`);
  if (doc['schema'] !== 1) problems.push('schema: expected 1');
  const { id, time, source, wording, member, basket, withdraw, channels } = doc;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_CONSENT_ID_LENGTH) problems.push(`id: expected a string of 1-${MAX_CONSENT_ID_LENGTH} characters`);
  if (typeof time !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(time) || Number.isNaN(Date.parse(time))) problems.push('time: expected an ISO 8601 date and time');
  if (source !== 'headoffice' && source !== 'qr') problems.push('source: expected "headoffice" or "qr"');
  if (typeof wording !== 'string' || wording.length === 0 || wording.length > MAX_WORDING_LENGTH) problems.push(`wording: expected a version string of 1-${MAX_WORDING_LENGTH} characters`);
  let target: ConsentTarget | undefined;
  if ((member === undefined) === (basket === undefined)) problems.push('member, basket: expected exactly one of the two');
  else if (member !== undefined) {
    if (typeof member !== 'string' || !/^v[1-9][0-9]*:[0-9a-f]{64}$/.test(member)) problems.push('member: expected a pseudonym "v1:<64 hex>" as in baskets');
    else target = { member };
  } else if (typeof basket !== 'string' || !/^[0-9a-f]{32}$/.test(basket)) problems.push('basket: expected a basket id of 32 hex digits');
  else target = { basket };
  if (typeof withdraw !== 'boolean') problems.push('withdraw: expected true or false');
  const out: NonNullable<ConsentMessage['channels']> = {};
  if (channels === undefined) {
    if (withdraw === false) problems.push('channels: required when withdraw is false');
  } else if (!isObject(channels)) problems.push('channels: expected an object with email and/or webpush');
  else {
    const giving = withdraw === false;
    for (const k of Object.keys(channels)) if (k !== 'email' && k !== 'webpush') problems.push(`channels.${k}: unknown channel (expected email or webpush)`);
    if (giving && channels['email'] === undefined && channels['webpush'] === undefined) problems.push('channels: expected email and/or webpush');
    const email = channels['email'];
    if (email !== undefined) {
      if (!isObject(email)) problems.push('channels.email: expected { address, kinds }');
      else {
        for (const k of Object.keys(email)) if (k !== 'address' && k !== 'kinds') problems.push(`channels.email.${k}: unknown key`);
        const kinds = kindsOf(email['kinds'], 'channels.email.kinds', problems, giving);
        const address = email['address'];
        // Never echo the address: the reply goes back over MQTT.
        if (giving && (typeof address !== 'string' || !validEmail(address))) problems.push('channels.email.address: expected an e-mail address');
        out.email = { ...(typeof address === 'string' ? { address } : {}), ...(kinds !== undefined ? { kinds } : {}) };
      }
    }
    const push = channels['webpush'];
    if (push !== undefined) {
      if (!isObject(push)) problems.push('channels.webpush: expected { subscription, kinds }');
      else {
        for (const k of Object.keys(push)) if (k !== 'subscription' && k !== 'kinds') problems.push(`channels.webpush.${k}: unknown key`);
        const kinds = kindsOf(push['kinds'], 'channels.webpush.kinds', problems, giving);
        const sub = push['subscription'];
        const problem = giving || sub !== undefined ? subscriptionProblem(sub) : null;
        if (problem !== null) problems.push(`channels.webpush.subscription: ${problem}`);
        const s = sub as PushSubscriptionJson | undefined;
        out.webpush = {
          ...(problem === null && s !== undefined ? { subscription: { endpoint: s.endpoint, keys: { p256dh: s.keys.p256dh, auth: s.keys.auth } } } : {}),
          ...(kinds !== undefined ? { kinds } : {}),
        };
      }
    }
  }
  if (problems.length > 0 || target === undefined) throw invalid(problems);
  return {
    id: id as string, time: time as string, source: source as 'headoffice' | 'qr', wording: wording as string, target, withdraw: withdraw as boolean,
    ...(channels !== undefined ? { channels: out } : {}),
  };
}
