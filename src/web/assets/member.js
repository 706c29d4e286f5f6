// The owner's member lookup: a shopper at the counter asks "how much did I spend this month?".
// The owner is logged in (the API answers 401 otherwise), so the id typed here may come back in
// full. Data goes in through textContent only.
import { $, h } from './format.js';

let shown = null; // { summary, latest?: true } | { error: i18n key } | null

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** ctx(): { t, lang, money } as of now (the language can change between lookups). */
export function initMemberLookup(ctx) {
  $('member-month').value = thisMonth();
  $('member-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = $('member-id').value.trim();
    const month = $('member-month').value || thisMonth();
    if (id === '') return;
    $('member-submit').disabled = true;
    try {
      const ask = (m) => fetch(`/api/members/${encodeURIComponent(id)}/summary?month=${encodeURIComponent(m)}`, { credentials: 'same-origin' });
      const res = await ask(month);
      if (res.ok) {
        shown = { summary: await res.json() };
        // Nothing in the month asked (early in a month, say): show the member's latest month with purchases.
        const latest = shown.summary.lastVisit?.slice(0, 7);
        if (shown.summary.receipts === 0 && latest && latest !== month) {
          const again = await ask(latest);
          if (again.ok) {
            shown = { summary: await again.json(), latest: true };
            $('member-month').value = latest;
          }
        }
      } else shown = { error: res.status === 404 ? 'memberNotFound' : res.status === 400 ? 'memberInvalid' : 'failedRequest' };
    } catch {
      shown = { error: 'failedRequest' };
    } finally {
      $('member-submit').disabled = false;
    }
    renderMember(ctx());
  });
}

export function renderMember({ t, lang, money }) {
  const out = $('member-result');
  if (shown === null) return out.replaceChildren();
  if (shown.error) return out.replaceChildren(h('p', { class: 'empty', 'data-result': 'error', text: t(shown.error) }));
  const s = shown.summary;
  const spend = (amount) => money(amount, s.currency);
  out.replaceChildren(
    h('p', { class: 'headline', 'data-result': 'summary', text: t(s.receipts === 1 ? 'memberSpendOne' : 'memberSpend', { month: s.month, total: spend(s.spendMinor), n: s.receipts }) }),
    ...(shown.latest ? [h('p', { class: 'hint', 'data-result': 'latest', text: t('memberShownLatest', { month: s.month }) })] : []),
    h('p', { class: 'muted', text: `${t('lastVisit')}: ${s.lastVisit ? s.lastVisit.slice(0, 10) : '—'}` }),
    h(
      'ul',
      { class: 'member-cats' },
      ...s.categories.filter((c) => c.amountMinor !== 0).slice(0, 5).map((c) => h('li', {}, h('span', { text: lang === 'en' ? c.en : c.name }), h('span', { class: 'num', text: spend(c.amountMinor) }))),
    ),
  );
}
