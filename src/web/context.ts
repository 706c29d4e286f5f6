/** What every route module gets from buildApp. */
import type { Logger } from 'pino';
import type { OwnerAuth } from './auth/owner-auth.js';
import type { WebDeps } from './deps.js';
import type { HealthLimits } from './health.js';
import type { LiveHub } from './live.js';

export interface StoreInfo {
  name: string;
  timezone: string;
  currency: string;
}

export interface WebContext {
  deps: WebDeps;
  auth: OwnerAuth;
  live: LiveHub;
  store: StoreInfo;
  limits: HealthLimits;
  log: Logger;
  now: () => number;
  /** The JSON body of /api/status (also pushed to live clients). */
  statusView: () => Promise<unknown>;
}
