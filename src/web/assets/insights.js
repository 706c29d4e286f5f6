// The owner's customer-insights card: segments with movement since the last run, value tiers and
// the concentration figure, at-risk members (ids arrive masked from the server) and basket rules.
// Data goes in through textContent only.
import { $, h } from './format.js';

// Below these counts a pairing or a segment says more about chance than about customers.
export const MIN_BASKETS_FOR_RULES = 30;
export const MIN_BASKETS_PER_RULE = 5;
export const MIN_MEMBERS_FOR_SEGMENTS = 20;

const pct = (ratio, digits = 1) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)}%`);

function movement(change) {
  if (change === null || change === undefined) return h('span', { class: 'muted', text: '—' });
  if (change === 0) return h('span', { class: 'muted', text: '±0' });
  return h('span', { class: change > 0 ? 'up' : 'down', text: change > 0 ? `+${change}` : `−${-change}` });
}

function bar(share) {
  const fill = h('span', { class: 'bar-fill' });
  // CSSOM, not a style attribute: allowed under the page's CSP (style-src 'self').
  fill.style.width = `${Math.max(0, Math.min(100, share * 100)).toFixed(1)}%`;
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

/** ins: the /api/insights body, or null before the first nightly run. */
export function renderInsights(ins, { t, lang, money, ago, now }) {
  $('insights').hidden = false;
  $('ins-none').hidden = ins !== null;
  $('ins-body').hidden = ins === null;
  if (ins === null) {
    $('ins-when').textContent = '';
    return;
  }
  const name = (x) => (lang === 'en' ? x.en : x.zh);
  $('ins-when').textContent = t('insightsWhen', { when: ago(ins.computedAt, now), days: ins.windowDays, n: ins.members.activeInWindow });

  // Bars relative to the largest segment, so small shops still see the differences.
  const largest = Math.max(1, ...ins.segments.map((s) => s.members));
  $('ins-segments').replaceChildren(
    ...ins.segments.map((s) =>
      h(
        'tr',
        { 'data-segment': s.id },
        // The name explains itself on hover (title) and on a tap (the line below it opens).
        h(
          'td',
          { class: 'seg', title: t(`seg_${s.id}`), onclick: (e) => e.currentTarget.classList.toggle('open') },
          h('span', { class: 'seg-name', text: name(s) }),
          h('small', { class: 'seg-help muted', text: t(`seg_${s.id}`) }),
          bar(s.members / largest),
        ),
        h('td', { class: 'num', text: String(s.members) }),
        h('td', { class: 'num' }, movement(s.change)),
      ),
    ),
  );
  $('ins-first-run').hidden = ins.previousAt !== null;
  const few = ins.members.activeInWindow < MIN_MEMBERS_FOR_SEGMENTS;
  $('ins-few-members').hidden = !few;
  if (few) $('ins-few-members').textContent = t('fewMembers', { n: ins.members.activeInWindow });

  const c = ins.concentration;
  $('ins-concentration').textContent = c.salesShare === null ? '—' : t('concentration', { top: pct(c.topShare, 0), n: c.topMembers, share: pct(c.salesShare) });
  $('ins-tiers').replaceChildren(
    ...ins.tiers.map((tier) =>
      h(
        'tr',
        { 'data-tier': tier.id },
        h('td', { text: name(tier) }),
        h('td', { class: 'num', text: String(tier.members) }),
        h('td', { class: 'num hide-narrow', text: money(tier.salesMinor) }),
        h('td', { class: 'num', text: pct(tier.salesShare) }),
      ),
    ),
  );

  const tierName = new Map(ins.tiers.map((tier) => [tier.id, name(tier)]));
  const atRisk = $('ins-at-risk');
  if (ins.atRisk.length === 0) atRisk.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'empty', text: t('noAtRisk') })));
  else
    atRisk.replaceChildren(
      ...ins.atRisk.map((a) =>
        h(
          'tr',
          {},
          h('td', { class: 'mono', text: a.member }),
          h('td', {}, h('span', { class: 'hide-narrow', text: `${a.lastPurchase} ` }), h('small', { class: 'muted', text: t('daysAgo', { n: a.daysSinceLastPurchase }) })),
          h('td', { class: 'num', text: money(a.allTimeValueMinor) }),
          h('td', { class: `num ${a.pAlive < 0.2 ? 'down' : ''}`, text: pct(a.pAlive, 0) }),
          h('td', { class: 'hide-narrow', text: a.tier === null ? '—' : (tierName.get(a.tier) ?? a.tier) }),
        ),
      ),
    );

  // Plain words with the counts behind them; pairings seen in a handful of baskets are not shown.
  const baskets = ins.rules.baskets;
  const shown = baskets < MIN_BASKETS_FOR_RULES ? [] : ins.rules.top.filter((r) => r.count >= MIN_BASKETS_PER_RULE);
  $('ins-rules-of').textContent = baskets < MIN_BASKETS_FOR_RULES ? t('fewBaskets', { n: baskets, min: MIN_BASKETS_FOR_RULES }) : t('rulesOf', { total: shown.length, n: baskets });
  const rules = $('ins-rules');
  const and = lang === 'en' ? ' and ' : '和';
  if (shown.length === 0) rules.replaceChildren(h('tr', {}, h('td', { colspan: 3, class: 'empty', text: t(baskets < MIN_BASKETS_FOR_RULES ? 'noRulesYet' : 'noRules') })));
  else
    rules.replaceChildren(
      ...shown.map((r) =>
        h(
          'tr',
          { title: `${t('support')} ${pct(r.support, 2)} · ${t('confidenceShort')} ${pct(r.confidence, 0)} · ${t('lift')} ${r.lift.toFixed(2)}` },
          h('td', { class: 'rule', text: t('ruleText', { lhs: r.lhs.join(and), rhs: r.rhs }) }),
          h('td', { class: 'num wrap', text: t('ruleCount', { n: r.count, total: baskets }) }),
          h('td', { class: 'num', text: pct(r.confidence, 0) }),
        ),
      ),
    );
}
