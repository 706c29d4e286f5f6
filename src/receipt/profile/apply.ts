import type { Draft } from '../heuristic/draft.js';
import { paymentMethod } from '../heuristic/totals.js';
import { isRule, type Line } from '../heuristic/lines.js';
import { normaliseMember } from '../heuristic/header.js';
import { findDates, findTimes, isoDate, isoLocal, type DateOrder } from '../text/dates.js';
import { parseAmount } from '../text/money.js';
import { cleanName } from '../text/normalise.js';
import type { Matcher } from './budget.js';
import type { Profile } from './types.js';

/** How well a profile's header signature matches: null when it does not, else patterns matched. */
export function signatureScore(p: Profile, lines: readonly Line[], m: Matcher): number | null {
  const head = lines.slice(0, p.re.match.within);
  const hit = (re: RegExp) => head.some((l) => m.test(re, l.text));
  if (!p.re.match.all.every(hit)) return null;
  if (p.re.match.none.some(hit)) return null;
  const any = p.re.match.any.filter(hit).length;
  if (p.re.match.any.length > 0 && any === 0) return null;
  return p.re.match.all.length + any;
}

/** The best-matching profile for a document, or null (the heuristics then stand alone). */
export function detectProfile(profiles: readonly Profile[], lines: readonly Line[], matcherFor: (p: Profile) => Matcher): Profile | null {
  let best: { p: Profile; score: number } | null = null;
  for (const p of profiles) {
    const score = signatureScore(p, lines, matcherFor(p));
    if (score !== null && (best === null || score > best.score)) best = { p, score };
  }
  return best?.p ?? null;
}

function capture(re: RegExp, text: string, mt: Matcher): string | null {
  const m = mt.exec(re, text);
  if (m === null) return null;
  return (m.groups?.['value'] ?? m[1] ?? m[0]).trim();
}

function firstCapture(res: readonly RegExp[] | undefined, lines: readonly Line[], mt: Matcher): { value: string; line: number; pattern: number } | null {
  for (const [pattern, re] of (res ?? []).entries()) {
    for (const l of lines) {
      const v = capture(re, l.text, mt);
      if (v !== null && v !== '') return { value: v, line: l.index, pattern };
    }
  }
  return null;
}

function amountOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const v = parseAmount(text);
  if (v !== null) return v;
  // Profiles may capture whole-unit figures ("68") too; money stays integer.
  const m = /^(-?)(\d+)$/.exec(text.trim());
  return m === null ? null : (m[1] === '-' ? -1 : 1) * Number(m[2]) * 100;
}

/**
 * Overlays a profile's results on the heuristic draft: every field the profile's patterns find
 * replaces the heuristic one (and says so in the rule); fields it does not find keep the heuristic
 * value. Returns the kind marker the profile found, if any.
 */
export function applyProfile(d: Draft, p: Profile, dateOrder: DateOrder, timeZone: string, mt: Matcher): { kind: { value: string; line: number; rule: string } | null } {
  const rule = (what: string) => `profile:${p.name}:${what}`;
  const L = d.lines;
  for (const key of ['store', 'till', 'receiptNo', 'member'] as const) {
    const found = firstCapture(p.re.fields[key], L, mt);
    if (found !== null) d[key] = { value: key === 'member' ? normaliseMember(found.value) : cleanName(found.value), line: found.line, rule: rule(`fields.${key}[${found.pattern}]`) };
  }
  const dt = firstCapture(p.re.fields.dateTime, L, mt);
  if (dt !== null) {
    const order = p.source.dateOrder ?? dateOrder;
    const date = findDates(dt.value, order)[0];
    const time = findTimes(dt.value).find((t) => date === undefined || t.start >= date.end || t.end <= date.start);
    if (date !== undefined) {
      d.date = { value: isoDate(date), line: dt.line, rule: rule(`fields.dateTime[${dt.pattern}]`) };
      if (time !== undefined) d.time = { value: isoLocal(date, time, timeZone), line: dt.line, rule: rule(`fields.dateTime[${dt.pattern}]`) };
    }
  }
  if (p.re.items !== null) readItems(d, p, rule, mt);
  for (const key of ['total', 'subtotal', 'tax', 'rounding', 'change'] as const) {
    const found = firstCapture(p.re.totals[key], L, mt);
    const value = amountOf(found?.value);
    if (found !== null && value !== null) d[key] = { value: key === 'change' ? Math.abs(value) : value, line: found.line, rule: rule(`totals.${key}[${found.pattern}]`) };
  }
  const discountRes = p.re.totals.discount ?? [];
  if (discountRes.length > 0) {
    const found: Draft['discounts'] = [];
    for (const l of L) {
      for (const re of discountRes) {
        const m = mt.exec(re, l.text);
        const v = amountOf(m?.groups?.['amount'] ?? m?.[1]);
        if (m !== null && v !== null && v !== 0) {
          found.push({ name: cleanName(m.groups?.['name'] ?? l.label) || 'discount', amount: -Math.abs(v), line: l.index, rule: rule('totals.discount') });
          break;
        }
      }
    }
    d.discounts = [...d.discounts.filter((x) => x.rule.startsWith('profile:')), ...found];
  }
  if (p.re.payments.length > 0) {
    const pays: Draft['payments'] = [];
    for (const l of L) {
      for (const [i, pay] of p.re.payments.entries()) {
        const v = amountOf(capture(pay.re, l.text, mt) ?? undefined);
        if (v !== null && v !== 0) {
          pays.push({ method: pay.method === 'other' ? paymentMethod(l.lower) : pay.method, amount: v, line: l.index, rule: rule(`payments[${i}]`) });
          break;
        }
      }
    }
    if (pays.length > 0) d.payments = pays;
  }
  for (const kind of ['void', 'reprint', 'refund', 'other'] as const) {
    for (const re of p.re.markers[kind] ?? []) {
      const l = L.find((x) => mt.test(re, x.text));
      if (l !== undefined) {
        d.markerLines.add(l.index);
        return { kind: { value: kind, line: l.index, rule: rule(`markers.${kind}`) } };
      }
    }
  }
  return { kind: null };
}

function readItems(d: Draft, p: Profile, rule: (w: string) => string, mt: Matcher): void {
  const spec = p.re.items;
  if (spec === null) return;
  const L = d.lines;
  let start = 0;
  if (spec.start !== null) {
    const s = L.findIndex((l) => spec.start !== null && mt.test(spec.start, l.text));
    if (s < 0) return;
    start = s + 1;
    if (L[start] !== undefined && isRule(L[start]?.text ?? '')) start++;
  }
  let end = L.length;
  if (spec.end !== null) {
    const e = L.findIndex((l, i) => i >= start && spec.end !== null && mt.test(spec.end, l.text));
    if (e >= 0) end = e;
  }
  const items: Draft['items'] = [];
  const discounts: Draft['discounts'] = [];
  for (let i = start; i < end; ) {
    const line = L[i];
    if (line === undefined) break;
    const disc = spec.discount.map((re) => mt.exec(re, line.text)).find((m) => m !== null);
    const dv = amountOf(disc?.groups?.['amount'] ?? disc?.[1]);
    if (disc !== undefined && disc !== null && dv !== null) {
      discounts.push({ name: cleanName(disc.groups?.['name'] ?? line.label) || 'discount', amount: -Math.abs(dv), line: i, rule: rule('items.discount') });
      i++;
      continue;
    }
    let matched = false;
    for (const [r, row] of spec.rows.entries()) {
      const groups: Record<string, string> = {};
      const ok = row.every((re, k) => {
        const m = mt.exec(re, L[i + k]?.text ?? '\u0000');
        if (m === null) return false;
        for (const [g, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[g] = v;
        return true;
      });
      const amount = amountOf(groups['amount']);
      if (!ok || amount === null) continue;
      const qtyText = groups['qty']?.replace(',', '.');
      const qty = qtyText === undefined || qtyText === '' || Number.isNaN(Number(qtyText)) ? 1 : Number(qtyText);
      items.push({
        sku: groups['sku'] ?? null,
        name: cleanName(groups['name'] ?? ''),
        qty,
        unitPrice: amountOf(groups['unitPrice']),
        amount,
        lines: row.map((_, k) => i + k),
        rule: rule(`items.rows[${r}]`),
      });
      i += row.length;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
  if (items.length > 0) {
    d.items = items;
    d.discounts = [...discounts, ...d.discounts.filter((x) => x.rule !== 'discount:in-item-table')];
    d.itemTable = { start, end };
  }
}
