/**
 * Dispatch of inbound messages to the caller's callbacks, with a reply for each request and for
 * each config payload that is rejected or applied.
 */
import type { Logger } from '../log.js';
import type { Receipt } from '../receipt/types.js';
import { checkSize, errorResponse, inboundLimit, parseCatalogue, parseProfiles, parseRequest, parseResyncFrom, payloadDigest, transactionHint, type CatalogueRow } from './inbound.js';
import type { ConsentReplyPayload, ResponsePayload, Topics } from './topics.js';

export interface InboundCallbacks {
  onCatalogue?: (rows: CatalogueRow[]) => void | Promise<void>;
  onProfiles?: (yamlTexts: string[]) => void | Promise<void>;
  /** Receipts from this store-local date (YYYY-MM-DD) on, to queue again for head office. */
  resyncFrom?: (date: string) => Iterable<Receipt> | Promise<Iterable<Receipt>>;
  /**
   * config/consent (not retained, every message applied, idempotent by its own id): returns the
   * reply published on response/consent as it is (src/shopper/consent/inbound.ts).
   */
  onConsent?: (payload: Buffer) => ConsentReplyPayload | Promise<ConsentReplyPayload>;
}

export interface InboundDeps extends InboundCallbacks {
  topics: Topics;
  logger: Logger;
  reply(op: string, payload: ResponsePayload | ConsentReplyPayload): void;
  health(): unknown;
  /** Queue receipts again, acknowledged ones included; returns how many were queued. */
  requeue(receipts: Iterable<Receipt>): { receipts: number; queued: number };
}

export function createInboundHandler(deps: InboundDeps): (topic: string, payload: Buffer) => Promise<void> {
  const applied = new Map<string, string>();
  const configPrefix = `${deps.topics.base}/config/`;
  const requestPrefix = `${deps.topics.base}/request/`;

  async function onConfig(name: string, payload: Buffer): Promise<void> {
    // An empty retained message clears the topic; nothing to apply.
    if (payload.length === 0) return;
    const digest = payloadDigest(payload);
    if (applied.get(name) === digest) return;
    applied.set(name, digest);
    let transaction: string | null = null;
    try {
      // Before anything decodes it: an over-size payload is refused unread. Returning normally
      // lets mqtt.js send the PUBACK, so the broker does not redeliver it for ever.
      checkSize(payload, inboundLimit(name), `config/${name}`);
    } catch (err) {
      deps.logger.warn({ config: name, bytes: payload.length, err: { message: (err as Error).message } }, 'inbound config refused: too large');
      deps.reply('config', { ...errorResponse(transactionHint(payload), err), result: { topic: `config/${name}` } });
      return;
    }
    try {
      const t = (JSON.parse(payload.toString('utf8')) as Record<string, unknown> | null)?.['transaction'];
      if (typeof t === 'string') transaction = t;
    } catch {
      // reported by the parser below
    }
    try {
      let result: unknown;
      if (name === 'catalogue') {
        const rows = parseCatalogue(payload);
        if (deps.onCatalogue === undefined) throw new Error('this box does not take catalogue updates');
        await deps.onCatalogue(rows);
        result = { topic: 'config/catalogue', rows: rows.length };
      } else if (name === 'profiles') {
        const texts = parseProfiles(payload);
        if (deps.onProfiles === undefined) throw new Error('this box does not take profile updates');
        await deps.onProfiles(texts);
        result = { topic: 'config/profiles', profiles: texts.length };
      } else {
        throw new Error(`config/${name}: unknown config topic (expected catalogue or profiles)`);
      }
      deps.logger.info({ config: name }, 'inbound config applied');
      deps.reply('config', { transaction, ok: true, result });
    } catch (err) {
      deps.logger.warn({ config: name, err: { message: (err as Error).message } }, 'inbound config rejected');
      deps.reply('config', { ...errorResponse(transaction, err), result: { topic: `config/${name}` } });
    }
  }

  async function onRequest(op: string, payload: Buffer): Promise<void> {
    let transaction: string | null = null;
    try {
      checkSize(payload, inboundLimit('request'), `request/${op}`);
      const req = parseRequest(op, payload);
      transaction = req.transaction;
      let result: unknown;
      switch (op) {
        case 'health':
          result = deps.health();
          break;
        case 'resync': {
          const from = parseResyncFrom(req.body);
          if (deps.resyncFrom === undefined) throw new Error('this box cannot resync (no ledger attached)');
          result = { from, ...deps.requeue(await deps.resyncFrom(from)) };
          break;
        }
        default:
          throw new Error(`request/${op}: unknown operation (expected health or resync)`);
      }
      deps.reply(op, { transaction, ok: true, result });
    } catch (err) {
      deps.reply(op, errorResponse(transaction ?? (payload.length > inboundLimit('request') ? transactionHint(payload) : null), err));
    }
  }

  async function onConsent(payload: Buffer): Promise<void> {
    if (payload.length === 0) return;
    if (deps.onConsent === undefined) {
      deps.reply('consent', { id: null, ok: false, error: 'TBX_MQTT_PAYLOAD_INVALID', message: 'config/consent: this box keeps no consent (no ledger attached)' });
      return;
    }
    deps.reply('consent', await deps.onConsent(payload));
  }

  return async (topic, payload) => {
    if (topic === `${configPrefix}consent`) return onConsent(payload);
    if (topic.startsWith(configPrefix)) return onConfig(topic.slice(configPrefix.length), payload);
    if (topic.startsWith(requestPrefix)) return onRequest(topic.slice(requestPrefix.length), payload);
    deps.logger.debug({ topic }, 'ignoring message on unexpected topic');
  };
}
