import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTillboxError } from '../../src/errors.js';
import { decodeAll } from '../../src/escpos/decoder.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { demoReceipts } from '../../src/demo/receipts.js';
import { documentFromLines, loadProfiles, parseReceipt, profileFromObject, shippedProfilesDir } from '../../src/receipt/index.js';
import { tempDir } from '../support/tmp.js';
import { parseLines, shipped } from './helpers.js';

const tmp = tempDir('tillbox-profiles-');
afterAll(() => tmp.cleanup());

function expectProfileError(fn: () => unknown, ...parts: string[]): void {
  try {
    fn();
  } catch (err) {
    expect(isTillboxError(err, 'TBX_PROFILE_INVALID')).toBe(true);
    for (const p of parts) expect((err as Error).message).toContain(p);
    return;
  }
  throw new Error('expected TBX_PROFILE_INVALID');
}

describe('profile loading', () => {
  it('loads every shipped profile', () => {
    expect(shipped.map((p) => p.name).sort()).toEqual(['cn-restaurant-bill', 'cn-supermarket', 'cn-supermarket-2line', 'examplemart-invoice', 'qty-code-first-2line']);
  });
  it('reports every problem with the file and key, as TBX_PROFILE_INVALID', () => {
    const dir = join(tmp.dir, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), 'name: a\nmatch: { all: ["x"] }\nitems: { rows: [["(unclosed"]] }\n');
    writeFileSync(join(dir, 'b.yaml'), 'name: b\nmatch: { all: ["x"] }\ntotals: { grand: ["y"] }\n');
    writeFileSync(join(dir, 'c.yml'), 'name: c\nmatch: { all: ["x"] }\npayments: [{ pattern: "z", method: bitcoin }]\n');
    writeFileSync(join(dir, 'd.yaml'), 'name: [unclosed\n');
    expectProfileError(() => loadProfiles([dir]), 'a.yaml: items.rows[0][0]: not a valid regular expression', "b.yaml: totals: unknown key 'grand'", 'c.yml: payments.0.method: expected one of', 'd.yaml: not valid YAML');
  });
  it('needs a header signature and an amount group in item rows', () => {
    expectProfileError(() => profileFromObject({ name: 'x', match: {} }), "match: needs 'all' or 'any'");
    expectProfileError(() => profileFromObject({ name: 'x', match: { any: ['a'] }, items: { rows: [['(?<name>.+)']] } }), 'named group (?<amount>');
  });
  it('lets a later directory replace a shipped profile of the same name', () => {
    const dir = join(tmp.dir, 'own');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cn-supermarket.yaml'), 'name: cn-supermarket\ndescription: mine\nmatch: { all: ["品名"] }\n');
    const all = loadProfiles([shippedProfilesDir(), dir]);
    expect(all.filter((p) => p.name === 'cn-supermarket').map((p) => p.source.description)).toEqual(['mine']);
  });
  it('rejects an unknown profile name when one is asked for', () => {
    expectProfileError(() => parseLines(['x'], { profiles: shipped, profile: 'nope' }), "no parse profile named 'nope'");
  });
});

describe('profiles at work', () => {
  it('parses the demo till (two-line Chinese supermarket layout) end to end through encoder and decoder', () => {
    let t = Date.UTC(2026, 10, 23, 1);
    const seen = new Map<string, string>();
    let count = 0;
    for (const d of demoReceipts(11, () => new Date((t += 95_000)))) {
      if (count++ >= 40) break;
      const doc = decodeAll(encodeReceiptText(d.lines), { encoding: 'gb18030' })[0];
      if (doc === undefined) throw new Error('no document');
      const r = parseReceipt(doc, { profiles: shipped, currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD' }).receipt;
      if (d.kind === 'torn') {
        // Paper ran out before the totals: a fallback total that the items confirm is the true total;
        // anything else is flagged with its problem, never silently made to fit.
        if (r.check.itemsMatchTotal) expect(r.total).toBe(d.total);
        else expect(r.check.problems.length).toBeGreaterThan(0);
        continue;
      }
      expect(r.profile).toBe('cn-supermarket-2line');
      expect(r.kind).toBe(d.kind);
      expect(r.total).toBe(d.total);
      expect(r.member).toBe(d.member);
      expect(r.check.itemsMatchTotal).toBe(true);
      expect(r.items.every((i) => i.sku !== null && /^\d{13}$/.test(i.sku))).toBe(true);
      // A reprint has the id of the receipt it reprints.
      if (d.kind === 'reprint') expect(r.id).toBe(seen.get(d.receiptNo));
      else if (d.kind === 'sale') seen.set(d.receiptNo, r.id);
    }
  });
  it('lets profile fields win and keeps heuristic fields where the profile finds nothing', () => {
    const p = profileFromObject({ name: 'tiny', match: { all: ['^TINY MART$'] }, fields: { receiptNo: ['^Ticket\\s+(\\d+)$'] }, totals: { total: ['^To pay\\s+(\\d+\\.\\d{2})$'] } });
    const lines = ['TINY MART', 'Ticket 77', 'Date 2026-11-23 09:00', 'Apples      2.00', 'Pears       1.50', 'Subtotal    3.50', 'To pay      3.40'];
    const { receipt, explain } = parseReceipt(documentFromLines(lines), { profiles: [p], currency: 'EUR', timezone: 'Europe/Berlin', dateOrder: 'DMY', explain: true });
    expect(receipt.profile).toBe('tiny');
    expect(receipt.receiptNo).toBe('77');
    expect(receipt.total).toBe(340);
    expect(receipt.items.map((i) => i.amount)).toEqual([200, 150]);
    expect(receipt.time).toBe('2026-11-23T09:00:00+01:00');
    expect(explain?.find((e) => e.field === 'total')?.rule).toBe('profile:tiny:totals.total[0]');
    expect(explain?.find((e) => e.field === 'items[0]')?.rule).not.toMatch(/^profile:/);
    expect(receipt.check.itemsMatchTotal).toBe(false);
  });
});
