/**
 * Profile matching under a time budget (issue 17 item 3), pure: a fake clock stands in for
 * performance.now, so "slow" is exact and the test asserts behaviour, not wall-clock time.
 */
import { describe, expect, it } from 'vitest';
import { documentFromLines, MAX_PROFILE_LINE_CHARS, parseReceipt, profileFromObject, type ParseOptions, type ProfileBudget } from '../../src/receipt/index.js';

const shop = profileFromObject({
  name: 'slow-shop',
  match: { all: ['^SLOW SHOP$'] },
  fields: { receiptNo: ['^No:\\s*(\\S+)$'] },
  totals: { total: ['^TOTAL\\s+(\\d+\\.\\d{2})$'] },
});
const lines = ['SLOW SHOP', 'No: 42', 'MILK 5.80', 'BREAD 4.20', 'TOTAL 10.00', 'CASH 10.00'];
const base: Omit<ParseOptions, 'budget'> = { profiles: [shop], currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD' };

/** Each reading of the clock moves it on by `stepMs`: every regex call "takes" stepMs. */
function fakeBudget(stepMs: number, limitMs = 250): ProfileBudget & { reads: number } {
  let t = 0;
  const b = { reads: 0, limitMs, disabled: new Set<string>(), now: () => ((b.reads += 1), (t += stepMs / 2)) };
  return b;
}

describe('profile time budget', () => {
  it('a fast profile is used and stays enabled', () => {
    const budget = fakeBudget(0.01);
    const r = parseReceipt(documentFromLines(lines), { ...base, budget }).receipt;
    expect(r.profile).toBe('slow-shop');
    expect(r.receiptNo).toBe('42');
    expect(budget.disabled.size).toBe(0);
    expect(budget.reads).toBeGreaterThan(0);
  });

  it('a profile over its budget on one document is disabled, the document parsed by the heuristics and flagged', () => {
    const budget = fakeBudget(100);
    const r = parseReceipt(documentFromLines(lines), { ...base, budget }).receipt;
    expect(budget.disabled).toEqual(new Set(['slow-shop']));
    expect(r.profile).toBe('heuristic');
    expect(r.total).toBe(1000);
    expect(r.check.problems.some((p) => p.includes('profile slow-shop disabled') && p.includes('250 ms'))).toBe(true);
    // The next document does not run it at all.
    const reads = budget.reads;
    const next = parseReceipt(documentFromLines(lines), { ...base, budget }).receipt;
    expect(budget.reads).toBe(reads);
    expect(next.profile).toBe('heuristic');
  });

  it('a profile named in config that was disabled is not run either', () => {
    const budget = fakeBudget(0.01);
    budget.disabled.add('slow-shop');
    const r = parseReceipt(documentFromLines(lines), { ...base, profile: 'slow-shop', budget }).receipt;
    expect(r.profile).toBe('heuristic');
    expect(budget.reads).toBe(0);
  });

  it('patterns see at most MAX_PROFILE_LINE_CHARS of a line', () => {
    const tail = profileFromObject({ name: 'tail', match: { all: ['^SLOW SHOP$', 'END$'] } });
    const long = 'x'.repeat(MAX_PROFILE_LINE_CHARS) + 'END';
    expect(parseReceipt(documentFromLines([...lines, long]), { ...base, profiles: [tail] }).receipt.profile).toBe('heuristic');
    const short = 'x'.repeat(MAX_PROFILE_LINE_CHARS - 3) + 'END';
    expect(parseReceipt(documentFromLines([...lines, short]), { ...base, profiles: [tail] }).receipt.profile).toBe('tail');
  });
});
