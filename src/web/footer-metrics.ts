import type { FooterStats } from './deps.js';

/** Prometheus lines for the footer figures (appended to /metrics when footers are on). */
export function renderFooterMetrics(f: FooterStats): string {
  const out: string[] = [];
  out.push('# HELP tillbox_footers_printed_total At-till footers printed before a cut.', '# TYPE tillbox_footers_printed_total counter', `tillbox_footers_printed_total ${f.printed}`);
  out.push('# HELP tillbox_footers_skipped_total Cuts that went out without a footer, by reason.', '# TYPE tillbox_footers_skipped_total counter');
  for (const [reason, n] of Object.entries(f.skipped)) out.push(`tillbox_footers_skipped_total{reason="${reason.replace(/[^a-z-]/g, '')}"} ${n}`);
  out.push('# HELP tillbox_footers_dry_run_total Footers computed in dry-run mode (not printed).', '# TYPE tillbox_footers_dry_run_total counter', `tillbox_footers_dry_run_total ${f.dryRun}`);
  out.push('# HELP tillbox_footer_coupons_issued_total Coupon codes printed on footers.', '# TYPE tillbox_footer_coupons_issued_total counter', `tillbox_footer_coupons_issued_total ${f.couponsIssued}`);
  out.push('# HELP tillbox_footer_hold_ms How long a cut was held for its footer (ms).', '# TYPE tillbox_footer_hold_ms histogram');
  let cum = 0;
  f.hold.boundsMs.forEach((b, i) => {
    cum += f.hold.counts[i] ?? 0;
    out.push(`tillbox_footer_hold_ms_bucket{le="${b}"} ${cum}`);
  });
  cum += f.hold.counts[f.hold.boundsMs.length] ?? 0;
  out.push(`tillbox_footer_hold_ms_bucket{le="+Inf"} ${cum}`, `tillbox_footer_hold_ms_sum ${Math.round(f.hold.sumMs * 1000) / 1000}`, `tillbox_footer_hold_ms_count ${f.hold.count}`);
  return `${out.join('\n')}\n`;
}
