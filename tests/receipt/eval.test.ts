import { describe, expect, it } from 'vitest';
import { loadDecoder, readCorpus, scoreOne, summarise } from '../../bench/parse-eval.js';
import { CORPUS, corpusAvailable } from '../support/corpus.js';

const have = corpusAvailable('receipts');

// A regression floor on a slice of the dev sets, well below the targets the full bench reports
// (total ≥ 95%, date ≥ 95%, item F1 ≥ 85%), so a real regression shows and noise does not.
describe.skipIf(!have)('parse-eval on a corpus subset (no profile, through encoder and decoder)', () => {
  it('keeps totals, dates and items above the floor', async () => {
    const decode = await loadDecoder();
    expect(decode).not.toBeNull();
    const all = readCorpus(CORPUS);
    const pick = [...all.filter((r) => r.source === 'sroie').slice(0, 100), ...all.filter((r) => r.source === 'wildreceipt').slice(0, 100)];
    const s = summarise('subset', pick.map((r) => scoreOne(r, decode)));
    expect(s.total).toBeGreaterThanOrEqual(0.85);
    expect(s.date).toBeGreaterThanOrEqual(0.88);
    expect(s.itemF1).toBeGreaterThanOrEqual(0.75);
  });
});
