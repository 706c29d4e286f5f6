/** Plain-text rendering of an insights report for `tillbox insights` (pure). */
import { ruleText } from './basket-rules.js';
import type { InsightsReport } from './report.js';

export interface FormatOptions {
  currency: string;
  /** Masks a member id for display (the caller passes the project's masking rule). */
  mask: (member: string) => string;
}

/** Formats integer minor units in the currency's own decimals (CNY 12345 → ¥123.45). */
export function moneyFormatter(currency: string): (minor: number) => string {
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  const scale = 10 ** digits;
  return (minor) => fmt.format(minor / scale);
}

const pct = (v: number | null, digits = 1): string => (v === null ? '—' : `${(v * 100).toFixed(digits)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? '—' : v.toFixed(digits));

export function formatReport(report: InsightsReport, opts: FormatOptions): string {
  const money = moneyFormatter(opts.currency);
  const o = report.options;
  const out: string[] = [];
  const unitName = o.timeUnitDays === 7 ? 'weeks' : o.timeUnitDays === 1 ? 'days' : `× ${o.timeUnitDays} days`;
  out.push(`customer insights at ${report.generatedAt} (window ${o.windowDays} days, ${o.timeZone})`);
  out.push(
    `members: ${report.members.total} with purchases, ${report.members.activeInWindow} active in the window, ${report.members.repeatBuyers} repeat buyers` +
      ` (${report.purchases.events} member receipts)`,
  );

  out.push('', 'RFM segments                       members   share        sales');
  for (const s of report.rfm.segments) {
    const name = `${s.zh} ${s.en}`;
    out.push(`  ${name.padEnd(30 - cjkExtra(name))} ${String(s.members).padStart(8)} ${pct(s.share).padStart(7)} ${money(s.monetary).padStart(12)}`);
  }

  out.push('', 'value tiers');
  for (const t of report.tiers) {
    const name = `${t.zh} ${t.en}`;
    const min = t.minValue === null ? '' : ` (from ${money(t.minValue)})`;
    out.push(`  ${name.padEnd(30 - cjkExtra(name))} ${String(t.members).padStart(8)} members ${pct(t.salesShare).padStart(7)} of sales${min}`);
  }
  const c = report.concentration;
  out.push(`concentration: the top ${pct(c.topShare, 0)} of members (${c.topMembers}) bring ${pct(c.salesShare)} of sales; Gini ${num(c.gini, 2)}`);

  const bg = report.bgnbd;
  out.push('', `churn model (BG/NBD, time unit ${unitName}): ${bg.status}`);
  if (bg.params !== null) {
    const p = bg.params;
    out.push(`  r ${p.r.toFixed(4)}  α ${p.alpha.toFixed(4)}  a ${p.a.toFixed(4)}  b ${p.b.toFixed(4)}  log-likelihood ${num(bg.logLikelihood, 2)}`);
    if (bg.atBound) out.push(`  (a and b reached the search bound: about the same drop-out chance a/(a+b) = ${pct(p.a / (p.a + p.b), 2)} per purchase for everyone)`);
    out.push(`  expected still active: ${num(bg.expectedActive)} of ${bg.members} members (mean P(alive) ${pct(bg.meanPAlive)})`);
    out.push(`  expected purchases in the next ${num(bg.horizon, 1)} ${unitName}: ${num(bg.expectedPurchasesHorizon, 0)}; a new member: ${num(bg.expectedPurchasesNewMember, 2)}`);
  } else if (bg.status === 'no-repeat-buyers') {
    out.push('  nobody has bought twice yet: no churn figures until members come back');
  }
  const gg = report.gammaGamma;
  out.push(`spend model (Gamma-Gamma): ${gg.status}, ${gg.buyers} repeat buyers`);
  if (gg.params !== null) {
    out.push(`  p ${gg.params.p.toFixed(3)}  q ${gg.params.q.toFixed(3)}  γ ${gg.params.gamma.toFixed(3)}; expected spend per purchase ${gg.populationMeanSpend === null ? '—' : money(Math.round(gg.populationMeanSpend))}`);
    if (bg.expectedSalesHorizon !== null) out.push(`  expected member sales over the horizon: ${money(bg.expectedSalesHorizon)}`);
  }

  out.push('', `at risk (P(alive) < ${o.atRiskBelow}, top ${pct(o.atRiskValueShare, 0)} by spend): ${report.atRisk.length}`);
  for (const m of report.atRisk) {
    out.push(
      `  ${opts.mask(m.member).padEnd(14)} P(alive) ${m.pAlive.toFixed(2)}  last ${m.lastPurchase} (${m.daysSinceLastPurchase} d)  ` +
        `spent ${money(m.allTimeValue)}  CLV ${m.clv === null ? '—' : money(m.clv)}`,
    );
  }

  const r = report.rules;
  out.push('', `what sells together: ${r.totalRules} rules over ${r.baskets} baskets (support ≥ ${o.minSupport}, i.e. ≥ ${r.minCount} baskets; confidence ≥ ${o.minConfidence})`);
  for (const rule of r.top) {
    out.push(`  ${ruleText(rule)}  support ${pct(rule.support, 2)}  confidence ${pct(rule.confidence)}  lift ${rule.lift.toFixed(2)}  (${rule.count} baskets)`);
  }
  return `${out.join('\n')}\n`;
}

/** Wide (CJK) characters take two columns: pad by display width, not length. */
function cjkExtra(s: string): number {
  let n = 0;
  for (const ch of s) if (/[\u3000-\u9fff\uff00-\uffef]/u.test(ch)) n++;
  return n;
}
