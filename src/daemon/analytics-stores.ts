/** The analytics process's stores: opened together, closed together when one fails. */
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { openJournalReader, type JournalReader } from '../journal/reader.js';
import { openLedger } from '../ledger/open.js';
import type { Ledger } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { openSyncOutbox } from '../sync/index.js';
import type { Outbox } from '../sync/outbox.js';

/** Ledger, outbox and journal reader; what was opened is closed again if a later one fails (a retry must not leak). */
export async function openStores(config: Config, log: Logger): Promise<{ ledger: Ledger; basketOutbox: Outbox; reader: JournalReader }> {
  const opened: { close(): void }[] = [];
  try {
    const ledger: Ledger = openLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
    opened.push(ledger);
    const basketOutbox = openSyncOutbox(config);
    opened.push(basketOutbox);
    const reader = await openWhenReady(join(config.dataDir, 'journal.db'), log);
    return { ledger, basketOutbox, reader };
  } catch (err) {
    for (const o of opened.reverse()) o.close();
    throw err;
  }
}

/** The tap creates the journal before it forks us, but a fresh box may race it: retry briefly. */
async function openWhenReady(path: string, log: Logger): Promise<JournalReader> {
  for (let attempt = 0; ; attempt++) {
    try {
      return openJournalReader(path);
    } catch (err) {
      if (attempt >= 50) throw err;
      if (attempt === 0) log.warn({ path }, 'journal not there yet; waiting for the tap');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
