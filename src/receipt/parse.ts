import type { DecodedDocument } from '../escpos/types.js';
import { TillboxError } from '../errors.js';
import { heuristicDraft, type Draft } from './heuristic/draft.js';
import { findKind } from './heuristic/header.js';
import { receiptId } from './id.js';
import { applyProfile, detectProfile } from './profile/apply.js';
import { Matcher, ProfileOverBudget, type ProfileBudget } from './profile/budget.js';
import type { Profile } from './profile/types.js';
import { formatMinor } from './text/money.js';
import type { DateOrder } from './text/dates.js';
import type { DateOrderDecision, DateOrderSetting } from './text/date-order.js';
import type { ExplainEntry, Receipt, ReceiptKind } from './types.js';
import { checkReceipt, DAMAGED, SPLIT, UNREADABLE, type Unchecked } from './validate.js';

export interface ParseOptions {
  profiles: Profile[];
  /** A profile name; 'auto' (default): detect by header signature, else heuristics; 'none': heuristics only. */
  profile?: string;
  currency: string;
  timezone: string;
  /** Config `parser.dateOrder`: an order overrides; 'auto' weighs the receipt and `learnedDateOrder`. */
  dateOrder: DateOrderSetting;
  /** The order learned from this till's earlier receipts (the caller keeps it; null: nothing yet). */
  learnedDateOrder?: DateOrder | null;
  explain?: boolean;
  /** Time budget for profile matching (the daemon's; absent: lines are still clipped, no clock). */
  budget?: ProfileBudget;
}

const KINDS: readonly ReceiptKind[] = ['sale', 'refund', 'reprint', 'void', 'other'];

/**
 * Decoded document → Receipt. Pure: no I/O, clock or logger. The heuristics always run; a
 * profile (named, or detected by its header signature) then overrides every field it finds.
 * Amounts are integer minor units; the checks flag, never correct.
 */
export function parseReceipt(doc: DecodedDocument, opts: ParseOptions): { receipt: Receipt; explain?: ExplainEntry[]; dateOrder: DateOrderDecision } {
  let draft = heuristicDraft(doc, opts.dateOrder, opts.timezone, opts.learnedDateOrder ?? null);
  let profile: Profile | null = null;
  const wanted = opts.profile ?? 'auto';
  const budget = opts.budget;
  const overBudget: string[] = [];
  const matchers = new Map<string, Matcher>();
  const matcherFor = (p: Profile): Matcher => {
    let m = matchers.get(p.name);
    if (m === undefined) matchers.set(p.name, (m = new Matcher(p.name, budget)));
    return m;
  };
  const disable = (err: unknown): void => {
    if (!(err instanceof ProfileOverBudget)) throw err;
    budget?.disabled.add(err.profile);
    overBudget.push(err.profile);
  };
  if (wanted === 'none') {
    profile = null;
  } else if (wanted !== 'auto') {
    profile = opts.profiles.find((p) => p.name === wanted) ?? null;
    if (profile === null) throw new TillboxError('TBX_PROFILE_INVALID', `no parse profile named '${wanted}' (have: ${opts.profiles.map((p) => p.name).join(', ') || 'none'})`);
    if (budget?.disabled.has(profile.name) === true) {
      overBudget.push(profile.name);
      profile = null;
    }
  } else {
    const usable = opts.profiles.filter((p) => budget?.disabled.has(p.name) !== true);
    // A profile over its budget during detection is dropped and detection goes on without it.
    for (;;) {
      try {
        profile = detectProfile(usable.filter((p) => !overBudget.includes(p.name)), draft.lines, matcherFor);
        break;
      } catch (err) {
        disable(err);
      }
    }
  }
  let kindFromProfile: { value: string; line: number; rule: string } | null = null;
  if (profile !== null) {
    try {
      kindFromProfile = applyProfile(draft, profile, profile.source.dateOrder ?? draft.dateOrder.order, opts.timezone, matcherFor(profile)).kind;
    } catch (err) {
      disable(err);
      // The profile changed the draft half way: start again from the heuristics alone.
      draft = heuristicDraft(doc, opts.dateOrder, opts.timezone, opts.learnedDateOrder ?? null);
      profile = null;
    }
  }

  const kindFound = kindFromProfile ?? findKind(draft.lines, draft.total?.value ?? null, draft.items.length, { start: draft.items[0]?.lines[0] ?? draft.itemTable.start, end: draft.itemTable.end });
  const kind = (KINDS as readonly string[]).includes(kindFound.value) ? (kindFound.value as ReceiptKind) : 'sale';
  const explain: ExplainEntry[] = [];
  if (opts.explain === true) explainDraft(draft, explain, profile);
  explain.push({ field: 'kind', value: kind, rule: kindFound.rule, line: kindFound.line >= 0 ? kindFound.line : null });

  let items = draft.items.map((i) => ({ sku: i.sku, name: i.name, qty: i.qty, unitPrice: i.unitPrice, amount: i.amount }));
  let total = draft.total?.value ?? null;
  // Refund slips often print positive figures under a refund title; the ledger needs them negative.
  if (kind === 'refund' || (kind === 'reprint' && total !== null && total < 0)) {
    if (total !== null && total > 0) {
      total = -total;
      explain.push({ field: 'total', value: formatMinor(total), rule: 'refund:sign', line: null });
    }
    if (total !== null && total < 0) items = items.map((i) => (i.amount > 0 ? { ...i, amount: -i.amount, unitPrice: i.unitPrice } : i));
  }
  const unchecked: Unchecked = {
    store: draft.store?.value ?? null,
    till: draft.till?.value ?? null,
    receiptNo: draft.receiptNo?.value ?? null,
    time: draft.time?.value ?? null,
    date: draft.date?.value ?? null,
    member: draft.member?.value ?? null,
    currency: profile?.source.currency ?? opts.currency,
    items,
    discounts: draft.discounts.map((d) => ({ name: d.name, amount: d.amount })),
    total,
    payments: draft.payments.map((p) => ({ method: p.method, amount: p.amount })),
    change: draft.change?.value ?? null,
    subtotal: draft.subtotal?.value ?? null,
    tax: draft.tax?.value ?? null,
    rounding: draft.rounding?.value ?? null,
    kind,
    profile: profile?.name ?? 'heuristic',
  };
  const base = profile === null ? 0.9 : 0.97;
  const check = checkReceipt(unchecked, base);
  for (const name of overBudget) check.problems.push(`profile ${name} disabled: its patterns took longer than ${budget?.limitMs ?? 0} ms on one document; parsed by the heuristics`);
  if (kind === 'other' && kindFound.rule === 'kind:no-total-no-items') {
    check.problems = [UNREADABLE]; // not "not a sale document": it may well be one
    check.confidence = Math.round((check.confidence / 2) * 100) / 100; // halved
  }
  const damage = decoderProblems(doc);
  if (damage.length > 0) {
    check.problems.push(...damage);
    check.confidence = Math.round((check.confidence / 2) * 100) / 100; // halved: part of the paper is missing or foreign
  }
  const receipt: Receipt = { id: receiptId(unchecked, draft.lines.map((l) => l.text), draft.markerLines), ...unchecked, check };
  return opts.explain === true ? { receipt, explain, dateOrder: draft.dateOrder } : { receipt, dateOrder: draft.dateOrder };
}

/** The decoder's damage and split warnings as receipt problems: the ledger flags such a receipt. */
function decoderProblems(doc: DecodedDocument): string[] {
  const out: string[] = [];
  const oversized = doc.warnings.filter((w) => w.kind === 'oversized');
  if (oversized.length > 0) out.push(`${DAMAGED}: ${oversized[0]?.message}${oversized.length > 1 ? ` (and ${oversized.length - 1} more)` : ''}`);
  const split = doc.warnings.filter((w) => w.kind === 'split');
  if (split.length > 0) out.push(`${SPLIT}: ${split[0]?.message}`);
  return out;
}

function explainDraft(d: Draft, out: ExplainEntry[], profile: Profile | null): void {
  out.push({ field: 'profile', value: profile?.name ?? 'heuristic', rule: profile === null ? 'no profile signature matched' : `profile ${profile.name} (${profile.file})`, line: null });
  for (const key of ['store', 'till', 'receiptNo', 'member', 'date', 'time'] as const) {
    const f = d[key];
    if (f !== null) out.push({ field: key, value: f.value, rule: f.rule, line: f.line });
  }
  d.items.forEach((i, n) => out.push({ field: `items[${n}]`, value: `${i.name} × ${i.qty} = ${formatMinor(i.amount)}`, rule: i.rule, line: i.lines[0] ?? null }));
  d.discounts.forEach((x, n) => out.push({ field: `discounts[${n}]`, value: formatMinor(x.amount), rule: x.rule, line: x.line }));
  for (const key of ['subtotal', 'tax', 'rounding', 'total', 'change'] as const) {
    const f = d[key];
    if (f !== null) out.push({ field: key, value: formatMinor(f.value), rule: f.rule, line: f.line });
  }
  d.payments.forEach((p, n) => out.push({ field: `payments[${n}]`, value: `${p.method} ${formatMinor(p.amount)}`, rule: p.rule, line: p.line }));
}
