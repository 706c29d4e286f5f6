/** What leaves the box towards a person's screen: rows with member ids masked. */
import type { FailedReceiptRow, InsightsSummary, ReceiptDetail, ReceiptRow } from './deps.js';
import { maskMember, maskText } from './mask.js';

export function maskRow(row: ReceiptRow): ReceiptRow {
  return { ...row, member: maskMember(row.member) };
}

export function maskFailed(row: FailedReceiptRow): FailedReceiptRow {
  return { ...row, text: maskText(row.text) };
}

export function maskDetail(d: ReceiptDetail): ReceiptDetail {
  const member = d.receipt?.member ?? null;
  return {
    ...d,
    text: maskText(d.text, [member]),
    receipt: d.receipt === null ? null : { ...d.receipt, member: maskMember(member) },
    problems: d.problems.map((p) => maskText(p, [member])),
  };
}

/** At most this many at-risk members and rules go to the page. */
export const INSIGHTS_AT_RISK_SHOWN = 20;
export const INSIGHTS_RULES_SHOWN = 10;

/**
 * The insights view for the page: at-risk member ids masked (the full id never leaves the box
 * this way), lists cut to what a page can show, rules highest lift first.
 */
export function maskInsights(s: InsightsSummary): InsightsSummary {
  return {
    ...s,
    atRisk: s.atRisk.slice(0, INSIGHTS_AT_RISK_SHOWN).map((a) => ({ ...a, member: maskMember(a.member) })),
    rules: { ...s.rules, top: [...s.rules.top].sort((p, q) => q.lift - p.lift).slice(0, INSIGHTS_RULES_SHOWN) },
  };
}
