// The receipt dialog: decoded text on one side, parsed fields on the other, for diagnosing a layout.
import { $, h, whenOf } from './format.js';

// A payment method as the parser reports it (cash, wechat, …) in the page's language; unknown ones as printed.
const payName = (method, t) => {
  const key = `pay_${String(method).toLowerCase()}`;
  const words = t(key);
  return words === key ? method : words;
};

// Member ids and phone numbers arrive masked (d.masked); the reveal button asks for the full text,
// which the box logs (receipt id only).
export function showDetail(d, t, money) {
  $('detail-text').textContent = d.text;
  $('detail-reveal').hidden = d.masked !== true;
  $('detail-reveal').dataset.id = d.id;
  const fields = $('detail-fields');
  const r = d.receipt;
  if (!r) {
    fields.replaceChildren(h('p', { class: 'bad-text', text: t('parseFailed') }), problemsList(d.problems, t));
  } else {
    const row = (k, v, raw = false) => h('tr', {}, h('th', { text: t(k) }), h('td', { text: v, 'data-raw': raw || undefined }));
    fields.replaceChildren(
      h(
        'table',
        { class: 'kv' },
        row('store', r.store ?? '—'),
        row('till', r.till ?? '—', true),
        row('receiptNo', r.receiptNo ?? '—', true),
        row('time', r.time ? whenOf(r.time, '') : '—'),
        row('member', r.member ?? '—', true),
        row('kind', t(r.kind)),
        row('total', money(r.totalMinor)),
        row('payments', r.payments.map((p) => `${payName(p.method, t)} ${money(p.amountMinor)}`).join(', ') || '—'),
        row('discounts', r.discounts.map((x) => `${x.name} ${money(x.amountMinor)}`).join(', ') || '—'),
        row('change', money(r.changeMinor)),
        row('confidence', `${Math.round(r.check.confidence * 100)}%`),
        row('itemsMatch', t(r.check.itemsMatchTotal ? 'yes' : 'no')),
      ),
      h(
        'table',
        { class: 'items' },
        h('thead', {}, h('tr', {}, ...['name', 'qty', 'unitPrice', 'amount'].map((k) => h('th', { text: t(k) })))),
        h('tbody', {}, ...r.items.map((i) => h('tr', {}, h('td', { text: i.name }), h('td', { class: 'num', text: String(i.qty) }), h('td', { class: 'num', text: money(i.unitPriceMinor) }), h('td', { class: 'num', text: money(i.amountMinor) })))),
      ),
      ...(d.problems.length > 0 ? [problemsList(d.problems, t)] : []),
    );
  }
  if (!$('detail').open) $('detail').showModal();
}

function problemsList(problems, t) {
  return h('div', {}, h('h4', { text: t('problems') }), h('ul', { class: 'problems' }, ...problems.map((p) => h('li', { text: t.problem(p) }))));
}
