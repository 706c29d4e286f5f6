/**
 * The shopper jobs the daemon runs (node-cron, in the store's time zone):
 * - every 15 minutes: queue due expiry reminders, then drain the outbox;
 * - every minute: drain the outbox (retries whose back-off has passed);
 * - on the 1st at the reminder hour: queue last month's spend summaries;
 * - daily at the reminder hour, when notifications.buyAgain: queue "buy again" suggestions.
 * The work itself is in pure-ish functions that take `now`; this file only schedules them.
 */
import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Ledger } from '../ledger/types.js';
import { queueMonthlySummaries } from './monthly.js';
import { DRAIN_BATCH, type Outbox } from './outbox.js';
import { queueBuyAgain } from './reminders/buy-again.js';
import { isQuietHour } from './reminders/plan.js';
import { queueDueRemindersInChunks } from './reminders/queue.js';

/** Longest one outbox drain goes on batch after batch (ms); under the minute between drains. */
const DRAIN_BUDGET_MS = 45_000;

export interface ShopperJobsDeps {
  ledger: Ledger;
  outbox: Outbox;
  config: Pick<Config, 'store' | 'reminders'> & { notifications: Pick<Config['notifications'], 'language' | 'monthlySummary' | 'buyAgain'> };
  logger: Logger;
  /** Wall clock; tests pass their own. */
  now?: () => Date;
}

export interface ShopperJobs {
  stop(): Promise<void>;
  /** The reminder tick (queue due reminders, then drain), callable directly. */
  tick(): Promise<void>;
}

export function startShopperJobs(deps: ShopperJobsDeps): ShopperJobs {
  const log = deps.logger.child({ module: 'shopper-jobs' });
  const now = deps.now ?? (() => new Date());
  const { store, reminders, notifications } = deps.config;
  const cfg = { timezone: store.timezone, ...reminders, language: notifications.language };

  // One drain() is one batch; a full batch means more are due, so go on (each batch yields to the
  // event loop while its channels deliver) until the batch is not full, a rate limit holds messages
  // back, or DRAIN_BUDGET_MS is spent (the next minute's drain goes on from there). One batch a
  // minute delivered 200 messages a minute: 30,000 monthly summaries took 2.5 hours.
  const drain = async (): Promise<void> => {
    const started = Date.now();
    for (;;) {
      const at = now();
      // Quiet hours hold every member message, including retries.
      if (isQuietHour(deps.ledger.zone.parts(at.getTime()).hour, reminders)) return;
      const r = await deps.outbox.drain(at);
      if (r.delivered + r.failed + r.withdrawn > 0) log.info(r, 'outbox drained');
      const handled = r.delivered + r.failed + r.withdrawn + r.gaveUp;
      if (handled < DRAIN_BATCH || r.deferred > 0 || Date.now() - started >= DRAIN_BUDGET_MS) return;
    }
  };
  const tick = async (): Promise<void> => {
    const r = await queueDueRemindersInChunks(deps.ledger, deps.outbox, cfg, now());
    if (r.messages + r.expired + r.noConsent > 0) log.info(r, 'expiry reminders');
    await drain();
  };
  const guard = (name: string, fn: () => Promise<void>) => async (): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      log.error({ err, job: name }, 'shopper job failed');
    }
  };

  const opts = { timezone: store.timezone, noOverlap: true };
  const tasks = [
    cron.schedule('*/15 * * * *', guard('reminders', tick), { ...opts, name: 'tillbox-reminders' }),
    cron.schedule('* * * * *', guard('outbox', drain), { ...opts, name: 'tillbox-outbox' }),
  ];
  // Member messages at the reminder hour: queue, log what was queued, deliver.
  const memberJob = (name: string, days: string, queue: () => Promise<object>) =>
    cron.schedule(`0 ${reminders.hour} ${days} * *`, guard(name, async () => {
      log.info(await queue(), `${name} queued`);
      await drain();
    }), { ...opts, name: `tillbox-${name}` });
  if (notifications.monthlySummary) tasks.push(memberJob('monthly-summary', '1', () => queueMonthlySummaries(deps.ledger, deps.outbox, notifications.language, now())));
  if (notifications.buyAgain) tasks.push(memberJob('buy-again', '*', () => queueBuyAgain(deps.ledger, deps.outbox, notifications.language, now())));
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
    },
    tick: guard('reminders', tick),
  };
}
