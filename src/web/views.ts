/** What leaves the box towards a person's screen: rows with member ids masked. */
import type { FailedReceiptRow, InsightsSummary, ReceiptDetail, ReceiptRow } from './deps.js';
import { maskMember, maskText } from './mask.js';

export function maskRow(row: ReceiptRow): ReceiptRow {
  return { ...row, member: maskMember(row.member) };
}

/** A failed receipt for the page: decoded text and reason masked, the parser's known ids dropped. */
export function maskFailed(row: FailedReceiptRow): Omit<FailedReceiptRow, 'known'> {
  const { known = [], ...shown } = row;
  return { ...shown, reason: maskText(row.reason, known), text: maskText(row.text, known) };
}

/** The receipt dialog: `masked` tells the page the full text is one (logged) owner action away. */
export function maskDetail(d: ReceiptDetail): ReceiptDetail & { masked: boolean } {
  const member = d.receipt?.member ?? null;
  const skus = d.receipt?.items.map((i) => i.sku) ?? [];
  return {
    ...d,
    text: maskText(d.text, [member], skus),
    receipt: d.receipt === null ? null : { ...d.receipt, member: maskMember(member) },
    problems: d.problems.map((p) => maskText(p, [member], skus)),
    masked: true,
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
