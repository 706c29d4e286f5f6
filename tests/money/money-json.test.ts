import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStoredInsights } from '../../src/insights/job.js';
import { fromMinorUnits, INSIGHTS_MONEY, SUMMARY_MONEY, withMinorUnits } from '../../src/money-json.js';
import { tempDir } from '../support/tmp.js';

describe('withMinorUnits', () => {
  it('renames the named money keys, nested, with decimal strings from the integer in the currency exponent', () => {
    const v = { currency: 'CNY', total: -580, receipts: 2, categories: [{ amount: 5, share: 0.5 }], change: { previous: { total: null }, delta: 1234567 } };
    expect(withMinorUnits(v, SUMMARY_MONEY, { decimalsIn: 'CNY' })).toEqual({
      currency: 'CNY', total: '-5.80', totalMinor: -580, receipts: 2, categories: [{ amount: '0.05', amountMinor: 5, share: 0.5 }],
      change: { previous: { total: null, totalMinor: null }, delta: '12345.67', deltaMinor: 1234567 },
    });
    expect(withMinorUnits({ total: 476 }, SUMMARY_MONEY, { decimalsIn: 'JPY' })).toEqual({ total: '476', totalMinor: 476 });
    // A model estimate in fractional minor units is rounded, never printed with float noise.
    expect(withMinorUnits({ populationMeanSpend: 2049.9996300240814 }, INSIGHTS_MONEY)).toEqual({ populationMeanSpendMinor: 2050 });
  });

  it('fromMinorUnits undoes it; a file written before the rename reads the same', () => {
    const v = { tiers: [{ sales: 100, salesShare: 0.2 }], members: { total: 3 } };
    expect(fromMinorUnits(withMinorUnits(v, INSIGHTS_MONEY), INSIGHTS_MONEY)).toEqual(v);
    expect(fromMinorUnits(v, INSIGHTS_MONEY)).toEqual(v);
  });

  it('insights.json is written with …Minor names and read back as the report; an old file still reads', () => {
    const t = tempDir('tillbox-money-file-');
    try {
      const report = { version: 1, generatedAt: 'x', tiers: [{ id: 'key', sales: 4120000, salesShare: 0.25 }], members: { total: 9 } };
      const legacy = join(t.dir, 'old.json');
      writeFileSync(legacy, JSON.stringify({ report, movement: null, previousGeneratedAt: null, basketsBy: 'product', computeMs: 1 }));
      expect(readStoredInsights(legacy)?.report).toEqual(report);
      const current = join(t.dir, 'new.json');
      writeFileSync(current, JSON.stringify(withMinorUnits({ currency: 'CNY', report, movement: null, previousGeneratedAt: null, basketsBy: 'product', computeMs: 1 }, INSIGHTS_MONEY)));
      expect(readFileSync(current, 'utf8')).toContain('"salesMinor":4120000');
      expect(readStoredInsights(current)).toEqual({ report, movement: null, previousGeneratedAt: null, basketsBy: 'product', computeMs: 1 });
    } finally {
      t.cleanup();
    }
  });
});
