/**
 * `tillbox members consent|contact|forget ID`: a member's consent and contact points, on the box.
 *   consent ID                      show (contacts masked)
 *   consent ID --channel C,…        grant --kinds (default expiry,monthly,buyAgain) on channels C (source cli)
 *   consent ID --withdraw [--channel C,…]   withdraw (all channels without --channel); queued messages are cancelled
 *   contact ID [--email A] [--mobile N] [--remove email|mobile|webpush]
 *   forget ID --yes                 delete contacts, consent and messages; pseudonymise the history
 * Nothing here prints a contact in clear or logs anything.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { TillboxError } from '../errors.js';
import { openExistingLedger } from '../ledger/open.js';
import { forgetMember } from '../shopper/consent/forget.js';
import { createConsentStore, type MemberConsentView } from '../shopper/consent/store.js';
import { CONSENT_KINDS, CONTACT_KINDS, validEmail, validMobile, type ConsentKind, type ContactKind, type Contacts } from '../shopper/consent/types.js';
import { maskMember } from '../web/mask.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

const HELP = [
  'usage: tillbox members consent ID [--channel C,…] [--kinds K,…] [--withdraw] [--wording V] [--json]',
  '       tillbox members contact ID [--email ADDRESS] [--mobile NUMBER] [--remove KIND] [--json]',
  '       tillbox members forget ID --yes',
  '',
].join('\n');

const CHANNELS = ['email', 'webpush', 'webhook', 'mqtt', 'file'];

function list<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.find((i) => !(allowed as readonly string[]).includes(i));
  if (bad !== undefined || items.length === 0) throw new TillboxError('TBX_USAGE', `--${flag} '${text}': expected a comma-separated list of ${allowed.join(', ')}`);
  return items as T[];
}

function printView(io: CommandIO, member: string, v: MemberConsentView | null, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ member: maskMember(member), known: v !== null, ...(v ?? { contacts: {}, consent: [] }) })}\n`);
    return;
  }
  if (v === null) {
    io.stdout.write(`member ${maskMember(member)}: not known to this box (no receipt, no consent)\n`);
    return;
  }
  io.stdout.write(`member ${maskMember(member)}\ncontacts: ${Object.entries(v.contacts).map(([k, c]) => `${k} ${c}`).join(', ') || 'none'}\n`);
  if (v.consent.length === 0) io.stdout.write('consent: none\n');
  for (const c of v.consent) io.stdout.write(`  ${c.channel.padEnd(8)} ${c.kind.padEnd(9)} ${c.granted ? 'granted  ' : 'withdrawn'} ${c.updatedAt} source ${c.source} wording ${c.wording}\n`);
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    channel: { type: 'string' }, kinds: { type: 'string' }, withdraw: { type: 'boolean', default: false }, wording: { type: 'string', default: 'cli-v1' },
    email: { type: 'string' }, mobile: { type: 'string' }, remove: { type: 'string' },
    yes: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const v = values as { channel?: string; kinds?: string; withdraw: boolean; wording: string; email?: string; mobile?: string; remove?: string; yes: boolean; json: boolean; config?: string };
  const [sub, member, ...extra] = positionals;
  if (sub === undefined || !['consent', 'contact', 'forget'].includes(sub)) throw new TillboxError('TBX_USAGE', `expected consent, contact or forget\n${HELP}`);
  if (member === undefined || !/^[0-9A-Za-z-]{3,32}$/.test(member)) throw new TillboxError('TBX_USAGE', `members ${sub}: expected a member id (3-32 letters, digits or -)`);
  if (extra.length > 0) throw new TillboxError('TBX_USAGE', `members ${sub}: unexpected argument '${extra[0]}'`);
  const channels = list(v.channel, CHANNELS, 'channel');
  const kinds = list<ConsentKind>(v.kinds, CONSENT_KINDS, 'kinds');
  if (v.email !== undefined && !validEmail(v.email)) throw new TillboxError('TBX_INPUT_INVALID', '--email: expected an e-mail address');
  if (v.mobile !== undefined && !validMobile(v.mobile)) throw new TillboxError('TBX_INPUT_INVALID', '--mobile: expected 6-15 digits, optionally after +');
  const remove = v.remove === undefined ? undefined : list<ContactKind>(v.remove, CONTACT_KINDS, 'remove');
  if (sub === 'forget' && !v.yes) throw new TillboxError('TBX_USAGE', 'members forget: this cannot be undone; add --yes');

  const config = loadConfig(v.config, io.env);
  const ledger = openExistingLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  try {
    const store = createConsentStore(ledger);
    if (sub === 'forget') {
      const r = forgetMember(ledger, member);
      if (r === null) throw new TillboxError('TBX_CONSENT_MEMBER_UNKNOWN', `members forget: member ${maskMember(member)} is not in the ledger`);
      if (v.json) io.stdout.write(`${JSON.stringify({ member: maskMember(member), ...r })}\n`);
      else io.stdout.write(`member ${maskMember(member)} forgotten: ${r.contacts} contact(s) and ${r.consents} consent row(s) deleted, ${r.notifications} message(s) deleted, ${r.receipts} receipt(s) kept under a pseudonym (the raw journal keeps its bytes until journal.maxAgeDays)\n`);
      return 0;
    }
    if (sub === 'contact') {
      const contacts: Contacts = {};
      if (v.email !== undefined) contacts.email = v.email;
      if (v.mobile !== undefined) contacts.mobile = v.mobile;
      if (Object.keys(contacts).length > 0) store.signUp(member, { source: 'cli', wording: v.wording, contacts });
      for (const k of remove ?? []) store.removeContact(member, k);
      printView(io, member, store.view(member), v.json);
      return 0;
    }
    if (v.withdraw) {
      const r = store.withdraw(member, { source: 'cli', wording: v.wording, ...(channels !== undefined ? { channels } : {}), ...(kinds !== undefined ? { kinds } : {}) });
      if (!v.json) io.stdout.write(`withdrawn: ${r.consents} consent row(s), ${r.cancelled} queued message(s) cancelled, ${r.contactsDeleted} contact(s) no longer needed deleted\n`);
    } else if (channels !== undefined) {
      const contacts = store.view(member)?.contacts ?? {};
      if (channels.includes('email') && contacts.email === undefined && v.email === undefined) throw new TillboxError('TBX_INPUT_INVALID', 'members consent: --channel email needs an address: add --email ADDRESS (or run members contact first)');
      store.signUp(member, {
        source: 'cli', wording: v.wording,
        ...(v.email !== undefined ? { contacts: { email: v.email, ...(v.mobile !== undefined ? { mobile: v.mobile } : {}) } } : v.mobile !== undefined ? { contacts: { mobile: v.mobile } } : {}),
        grant: channels.map((channel) => ({ channel, kinds: kinds ?? ['expiry', 'monthly', 'buyAgain'] })),
      });
    }
    printView(io, member, store.view(member), v.json);
    return 0;
  } finally {
    ledger.close();
  }
}

export const usage = HELP;
export const optionHelp: Readonly<Record<string, string>> = {
  channel: 'consent: channels to grant or withdraw (email, webpush, webhook, mqtt, file), comma-separated',
  kinds: 'consent: kinds (expiry, monthly, buyAgain, offers); default for a grant: expiry,monthly,buyAgain; for a withdrawal: all',
  withdraw: 'consent: withdraw instead of grant; queued messages are cancelled at once',
  wording: 'the version of the consent text the shopper agreed to',
  email: 'contact/consent: the e-mail address',
  mobile: 'contact/consent: the mobile number (for the webhook channel, e.g. an SMS gateway)',
  remove: 'contact: delete these contact kinds (email, mobile, webpush)',
  yes: 'forget: confirm (cannot be undone)',
  json: 'JSON instead of text',
  config: 'config file (dataDir, store time zone)',
};
