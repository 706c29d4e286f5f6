/**
 * Correctness at scale on real data: the UCI Online Retail invoices loaded through the ledger
 * must give the same monthly net totals, receipt counts and distinct members as an independent
 * Python script computes straight from the CSV (scripts/check-online-retail.py, Decimal
 * arithmetic, no tillbox code). A subset (Dec 2010 - Feb 2011, ~4,000 invoices, ~100,000 lines)
 * keeps the test short; `npx tsx bench/ledger-load.ts` + the script without --until check the
 * whole year (README, section ledger).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerMonthly, loadOnlineRetail } from '../../bench/ledger-load.js';
import { openLedger } from '../../src/ledger/open.js';
import { corpusAvailable, corpusFile, toolAvailable } from '../support/corpus.js';
import { tempDir } from '../support/tmp.js';

const UNTIL = '2011-03';
const ok = corpusAvailable('online-retail/online_retail.csv.gz') && toolAvailable('/usr/bin/python3');

describe.skipIf(!ok)('Online Retail through the ledger vs an independent script', () => {
  const t = tempDir('tillbox-or-');
  afterAll(() => t.cleanup());

  it(`monthly totals, receipts and distinct members agree (invoices before ${UNTIL})`, async () => {
    const file = corpusFile('online-retail', 'online_retail.csv.gz');
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'check-online-retail.py');
    // The independent computation runs in its own process while the ledger loads.
    const independent = promisify(execFile)('/usr/bin/python3', [script, file, '--until', UNTIL], { encoding: 'utf8' });
    const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Europe/London', currency: 'GBP' });
    const loaded = await loadOnlineRetail(ledger, file, { until: UNTIL });
    expect(loaded.inserted).toBe(loaded.invoices);
    const fromLedger = ledgerMonthly(ledger);
    ledger.close();
    const fromCsv = JSON.parse((await independent).stdout) as Record<string, unknown>;
    expect(Object.keys(fromCsv)).toEqual(['2010-12', '2011-01', '2011-02']);
    expect(loaded.invoices).toBeGreaterThan(3000);
    expect(fromLedger).toEqual(fromCsv);
  }, 120_000);
});
