// The at-till footers card (a dashboard card through registry.js): shown only when footers are
// on (or in dry run).
import { $ } from './format.js';
import { registerCard } from './registry.js';

let last = null;

function renderFooters(f, t) {
  $('footer-card').hidden = !f;
  if (!f) return;
  const skipped = Object.entries(f.skipped).filter(([, n]) => n > 0);
  $('ft-mode').textContent = t(f.mode === 'on' ? 'footerModeOn' : 'footerModeDry');
  $('ft-printed').textContent = String(f.mode === 'on' ? f.printed : f.dryRun);
  $('ft-skipped').textContent = skipped.length === 0 ? '0' : skipped.map(([k, n]) => `${k} ${n}`).join(', ');
  $('ft-coupons').textContent = String(f.couponsIssued);
  $('ft-hold').textContent = f.hold.count === 0 ? '—' : `${(f.hold.sumMs / f.hold.count).toFixed(1)} ms`;
  $('ft-last').textContent = f.recent[0]?.text ?? '';
}

registerCard({
  id: 'footers',
  async load(ctx) {
    last = await ctx.getJson('/api/footers');
    renderFooters(last, ctx.t);
  },
  render(ctx) {
    renderFooters(last, ctx.t);
  },
});
