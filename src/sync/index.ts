/** The sync module's public surface (what the daemon, doctor and demo import). */
export { createSync, type Sync, type SyncDeps, type SyncStats } from './sync.js';
export { openOutbox, openSyncOutbox, Outbox, type OutboxCounters, type OutboxOptions, type EnqueueResult } from './outbox.js';
export { buildBasket, basketId, coarsenTime, type BasketV1, type BasketV2, BASKET_SCHEMA, type BasketItem, type CategoryOf } from './basket.js';
export { pseudonymFor, PSEUDONYM_PATTERN } from './pseudonym.js';
export { checkBroker, clientIdFor, type BrokerCheck } from './connection.js';
export { topicsFor, type Topics, type StatusPayload, type NotificationPayload, type ResponsePayload, type ExternalHealth } from './topics.js';
export type { CatalogueRow } from './inbound.js';
export type { InboundCallbacks } from './requests.js';
