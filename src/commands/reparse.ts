import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { openJournalReader } from '../journal/reader.js';
import { openLedger } from '../ledger/open.js';
import { reparseInto } from '../ledger/reparse.js';
import type { JournalSource } from '../ledger/types.js';
import { createLogger } from '../log.js';
import { StreamDecoder } from '../escpos/index.js';
import { DATE_ORDERS_FILE, TillDateOrders, tillKey } from '../pipeline/date-orders.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig, profilesFromConfig } from '../pipeline/options.js';
import { documentToReceipt, isBasket } from '../pipeline/parse-document.js';
import { lastSeqOf, Pipeline, type Position } from '../pipeline/pipeline.js';
import { savePosition } from '../pipeline/position.js';
import type { Receipt } from '../receipt/types.js';
import { categoryOfItem } from '../ledger/catalogue.js';
import { createSync, openSyncOutbox } from '../sync/index.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

/**
 * `tillbox reparse`: decode and parse the whole raw journal again (after a parser fix or a new
 * profile) and rebuild the ledger from it. Receipt ids are stable, so nothing is counted twice;
 * baskets go to the outbox again, which drops the ones head office already acknowledged.
 * Stop the daemon first (systemctl stop tillbox): two writers would race for the ledger.
 */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string' } }, false);
  const config = loadConfig(values.config, io.env);
  const logger = createLogger({ level: 'warn', destination: io.stderr as never });
  const reader = openJournalReader(join(config.dataDir, 'journal.db'));
  // A bigger page cache for the one-off bulk rebuild (bench/ledger.ts: 64 MiB, 5,000 per commit).
  const ledger = openLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency, cacheKiB: 65_536 });
  const outbox = openSyncOutbox(config);
  const parseOptions = parseOptionsFromConfig(config, profilesFromConfig(config));
  const decoderOptions = decoderOptionsFromConfig(config);
  // Starts from what the daemon learned (the journal may no longer hold the till's first
  // receipts) and learns on in journal order; the daemon's file is not written.
  const dateLearning = { orders: new TillDateOrders(join(config.dataDir, DATE_ORDERS_FILE), { persist: false }), till: tillKey(config) };
  try {
    const sync = createSync({ config, logger, outbox });
    const categoryOf = categoryOfItem(ledger.db);
    const baskets = { queued: 0, duplicate: 0, rejected: 0 };
    let found = 0;
    let failed = 0;
    let end: Position = { seq: 1, offset: 0 };
    const pending: { receipt: Receipt; source: JournalSource }[] = [];
    const pipeline = new Pipeline(
      {
        read: (after, max) => reader.readAfter(after, max),
        makeDecoder: () => new StreamDecoder(decoderOptions),
        onDocument: (doc, range) => {
          const r = documentToReceipt(doc, parseOptions, dateLearning);
          if (r instanceof Error) failed++;
          else if (r !== null) pending.push({ receipt: r, source: { journalFrom: range.fromSeq, journalTo: lastSeqOf(range) } });
        },
        savePosition: (pos) => {
          end = pos;
        },
        idleGapMs: config.decoder.idleGapMs,
        batchSize: 2000,
      },
      { seq: 1, offset: 0 },
    );
    // Streamed: one pipeline step's receipts (and a ledger batch) in memory at a time, however
    // long the journal; baskets are queued per step. Stopped half-way, the ledger is partly
    // rebuilt: running reparse again completes it (ids are stable).
    function* fromJournal(): Generator<{ receipt: Receipt; source: JournalSource }> {
      let more = true;
      while (more) {
        more = pipeline.step() > 0;
        const step = pending.splice(0);
        found += step.length;
        yield* step;
        const n = sync.enqueueReceipts(step.map((f) => f.receipt).filter(isBasket), categoryOf);
        baskets.queued += n.queued;
        baskets.duplicate += n.duplicate;
        baskets.rejected += n.rejected;
      }
    }
    const result = await reparseInto(ledger, fromJournal(), { batch: 5000 });
    savePosition(join(config.dataDir, 'pipeline-position.json'), reader, end);
    const c = result.counts;
    io.stdout.write(
      `reparsed ${found} receipts from ${reader.lastSeq()} journal chunks: ${c.inserted} filed, ${c.duplicate + c['reprint-skipped']} reprints or repeats skipped, ` +
        `${c['not-counted']} not counted, ${c.error + failed} failed; baskets queued ${baskets.queued}, already known ${baskets.duplicate}, rejected ${baskets.rejected}\n`,
    );
    for (const e of result.errors) io.stderr.write(`  ${e.id}: ${e.message}\n`);
    return c.error + failed > 0 ? 1 : 0;
  } finally {
    outbox.close();
    ledger.close();
    reader.close();
  }
}

/** `tillbox reparse --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox reparse [--config FILE]\n  Stop the daemon first (systemctl stop tillbox): two writers would race for the ledger.';
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file (dataDir, profiles, decoder settings)',
};
