/**
 * Masking must not eat what the owner needs to read: over the 743 real receipt transcriptions of
 * the evaluation corpus (SROIE, Huang et al. ICDAR 2019; WildReceipt, Sun et al. 2021), every
 * total, item amount, date and time in the human ground truth that is printed on the receipt is
 * still there after maskText. Read from /work/shared/corpus by path; skipped when absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskText } from '../../src/web/mask.js';

const DIR = process.env['TILLBOX_CORPUS'] ?? '/work/shared/corpus';
const FILES = ['receipts/sroie-dev.jsonl', 'receipts/wildreceipt-dev.jsonl'].map((f) => `${DIR}/${f}`);

interface CorpusReceipt {
  id: string;
  lines: string[];
  lines_monospace?: string[];
  truth: { total?: string; date?: string; time?: string; items?: { amount?: string }[] | null } | null;
}

describe.skipIf(!FILES.every((f) => existsSync(f)))('maskText over the receipt corpus', () => {
  it('keeps every printed total, amount, date and time readable', () => {
    let checked = 0;
    const lost: string[] = [];
    for (const file of FILES) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        const r = JSON.parse(line) as CorpusReceipt;
        const text = (r.lines_monospace ?? r.lines).join('\n');
        const out = maskText(text);
        const wanted = [r.truth?.total, r.truth?.date, r.truth?.time, ...(r.truth?.items ?? []).map((i) => i.amount)];
        for (const w of wanted) {
          if (typeof w !== 'string' || w.length < 3 || !text.includes(w)) continue;
          checked++;
          if (!out.includes(w)) lost.push(`${r.id}: ${w}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(lost).toEqual([]);
  });
});
